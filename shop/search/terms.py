"""The words a product is found by, and what a shopper's query is made of: one analysis for every backend.

A Chinese shopper types the produce (红枣), a single character (枣), its pinyin (hongzao, hong zao),
its pinyin initials (hz), or an English name (red dates). So a product's search terms are, for each
piece of its text: jieba's words (search mode: 王家庄 and 王家, 家庄), each Chinese character, the full
pinyin and the initials of each word, the pinyin of each character, and the Latin words as they are.
Both backends index these terms (shop.search.postgres in a tsvector, shop.search.backends in Whoosh's
document text), so both find the same products for the same query.

A query is cleaned before any backend sees it: NFKC-normalised (full-width letters and digits become
ASCII), lower-cased, cut to MAX_QUERY_CHARS, and everything but Chinese characters, Latin letters and
digits (markup, quotes, operators, emoji) becomes a space. What is left is only ever words.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jieba
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pypinyin import lazy_pinyin

jieba.setLogLevel(logging.WARNING)

MAX_QUERY_CHARS = 40
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_HAN}]+|[a-z0-9]+")
HAN = re.compile(rf"[{_HAN}]")


def warm_up() -> None:
    """Load jieba's dictionary and pypinyin's tables now rather than in a shopper's first search."""
    jieba.initialize()
    pinyin_of("红枣")


def clean_query(text: str) -> str:
    """The query as words separated by single spaces ("" when nothing searchable is left)."""
    text = unicodedata.normalize("NFKC", str(text or ""))[: MAX_QUERY_CHARS * 4].lower()
    return " ".join(_TOKEN.findall(text))[:MAX_QUERY_CHARS].strip()


@lru_cache(maxsize=20000)
def pinyin_of(word: str) -> tuple[str, str, tuple[str, ...]]:
    """(full pinyin, initials, syllables) of a Chinese word."""
    syllables = tuple(s for s in lazy_pinyin(word) if s.isascii() and s.isalpha())
    return "".join(syllables), "".join(s[0] for s in syllables), syllables


def _han_terms(run: str) -> list[str]:
    # Initials only for jieba's own words and the whole run: search mode's sub-words would add noise
    # (礼盒装's 盒装 would make every gift box an answer to hz, 红枣's initials).
    words = list(dict.fromkeys([w for w in jieba.lcut(run) if w.strip()] + [run]))
    terms = []
    for word in words:
        full, initials, _ = pinyin_of(word)
        terms += [word, full] + ([initials] if len(word) > 1 else [])
    for word in jieba.lcut_for_search(run):
        if word.strip() and word not in words:
            terms += [word, pinyin_of(word)[0]]
    for char in run:
        terms += [char, pinyin_of(char)[0]]
    return terms


def text_terms(text: str, *, words_only: bool = False) -> list[str]:
    """The search terms of one piece of text, without repeats, in their order.

    ``words_only``: jieba's words and the Latin words, without characters and pinyin (a shop's
    name is searched by its words; its every character would only make every row bigger)."""
    terms = []
    for token in _TOKEN.findall(unicodedata.normalize("NFKC", text or "").lower()):
        if not HAN.match(token):
            terms.append(token)
        elif words_only:
            terms += [w for w in jieba.lcut_for_search(token) if w.strip()] + [token]
        else:
            terms += _han_terms(token)
    return list(dict.fromkeys(t for t in terms if t))


@dataclass(frozen=True)
class DocumentTerms:
    """A product's terms: its title; its categories and English name; its shop and places (words only)."""

    title: list[str]
    kind: list[str]
    place: list[str]

    def all(self) -> list[str]:
        return list(dict.fromkeys(self.title + self.kind + self.place))


def document_terms(*, title: str, kind: list[str], place: list[str]) -> DocumentTerms:
    return DocumentTerms(
        title=text_terms(title),
        kind=text_terms(" ".join(filter(None, kind))),
        place=text_terms(" ".join(filter(None, place)), words_only=True),
    )


def query_groups(query: str) -> list[list[list[str]]]:
    """What a cleaned query asks for: every group must match; a group matches when one of its
    alternatives does, an alternative when all of its terms do.

    A Chinese word matches as a word, or as all of its characters (jieba may cut the query
    differently from the title); a Latin word of two letters or more matches as the start of a term
    (hongz finds hongzao), a single letter or a number only as itself.
    """
    groups = []
    for token in _TOKEN.findall(query):
        if HAN.match(token):
            for word in jieba.lcut(token):
                if len(word) == 1:
                    groups.append([[word]])
                else:
                    groups.append([[word], list(dict.fromkeys(word))])
        else:
            # A single letter is not a prefix: it would match most of the catalogue.
            groups.append([[token + "*" if token.isalpha() and len(token) > 1 else token]])
    return groups


def highlight(title: str, query: str) -> SafeString:
    """The title, escaped, with the characters that the query matched marked <mark>.

    A Chinese query marks its characters; a Latin one the words whose pinyin, initials or own
    letters start with it (hongzao marks 红枣, hz marks 红枣, dates marks nothing in a Chinese title).
    """
    query = clean_query(query)
    if not query:
        return escape(title)
    marked = [False] * len(title)
    latin = [t for t in query.split() if not HAN.search(t)]
    han_chars = set("".join(t for t in query.split() if HAN.search(t)))
    for i, char in enumerate(title):
        if char in han_chars:
            marked[i] = True
    normal = unicodedata.normalize("NFKC", title).lower()
    if len(normal) != len(title):
        normal = title  # positions must stay those of the title
    if latin:
        for match in _TOKEN.finditer(normal):
            token, start = match.group(), match.start()
            if not HAN.match(token):
                if any(token.startswith(t) for t in latin):
                    marked[start : start + len(token)] = [True] * len(token)
                continue
            offset = 0
            for word in jieba.lcut(token):
                full, initials, syllables = pinyin_of(word)
                if any(full.startswith(t) or (len(t) > 1 and initials.startswith(t)) for t in latin) or any(
                    s == t for s in syllables for t in latin
                ):
                    marked[start + offset : start + offset + len(word)] = [True] * len(word)
                offset += len(word)
    out, open_ = [], False
    for char, mark in zip(title, marked, strict=True):
        if mark and not open_:
            out.append("<mark>")
        elif not mark and open_:
            out.append("</mark>")
        open_ = mark
        out.append(escape(char))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))
