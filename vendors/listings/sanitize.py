"""Vendor-written text is untrusted: sanitise it when it is saved (docs/oscar-pitfalls.md #4).

Oscar renders ``product.description|safe``: what a vendor types must already be harmless HTML.
- ``sanitize_html`` keeps a small allow-list of formatting tags; links keep only ``href`` with an
  http, https or mailto URL (relative URLs are dropped too) and get ``rel="nofollow noopener
  noreferrer"``. No style, class, id or event-handler attribute survives; script, style and
  embedded documents (iframe, svg, math, object, template, noscript) go with their content.
- ``sanitize_text`` keeps no tag at all, for text rendered as plain text (names, stories).
- A description typed as plain text (no tag) becomes paragraphs (``plain_text_as_html``: an empty
  line between two, a line break within one); one that is only such paragraphs is shown back to its
  writer as that plain text (``html_as_plain_text``), so a farmer never sees a tag she did not type.
"""

import html
import re

import nh3
from django import forms

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote", "a"})
# "*" must be given: without it nh3 (ammonia) keeps its default lang and title on every tag.
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"*": set(), "a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"
# Removed with everything inside them, rather than leaving their content behind as text.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "frame", "frameset", "object", "svg", "math", "template", "noscript", "title"}
)

_html_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    url_relative="deny",
    link_rel=LINK_REL,
    strip_comments=True,
)
_text_cleaner = nh3.Cleaner(tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT), attributes={})
# Each pass decodes one level of escaping (&amp;lt;script&amp;gt; -> &lt;script&gt; -> <script>).
_MAX_TEXT_PASSES = 5


def sanitize_html(text: str) -> str:
    """Return vendor HTML reduced to the allow-list; the result is safe to render unescaped."""
    return _html_cleaner.clean(text)


def sanitize_text(text: str) -> str:
    """Return vendor text with every tag removed and the whitespace at its ends stripped.

    The result is plain text (``&`` stays ``&``): render it escaped, as Django templates do.
    Text that only becomes a tag once unescaped (``&lt;script&gt;``) is stripped as well.
    """
    for _ in range(_MAX_TEXT_PASSES):
        plain = html.unescape(_text_cleaner.clean(text))
        if plain == text:
            break
        text = plain
    else:
        # Still changing after every pass: keep the last pass in escaped form, which has no tag.
        text = _text_cleaner.clean(text)
    return text.strip()


class PlainTextField(forms.CharField):
    """A form field for vendor-written names and short texts: tags are stripped *before*
    validation, so a required field holding only markup is refused as empty and a
    uniqueness check sees what will be saved."""

    def to_python(self, value):
        return sanitize_text(super().to_python(value))


_TAG = re.compile(r"<[A-Za-z/!]")
_SIMPLE_PARAGRAPHS = re.compile(r"(?:\s*<p>[^<]*(?:<br\s*/?>[^<]*)*</p>)+\s*")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", flags=re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>")


def has_tags(text: str) -> bool:
    """Whether the text holds something that reads as an HTML tag (``a < b`` does not)."""
    return bool(_TAG.search(text))


def plain_text_as_html(text: str) -> str:
    """Plain text as HTML paragraphs: an empty line separates two, a single line break stays one."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", normalised) if part.strip()]
    return "".join(f"<p>{html.escape(part, quote=False).replace(chr(10), '<br>')}</p>" for part in paragraphs)


def html_as_plain_text(value: str) -> str | None:
    """The plain text ``plain_text_as_html`` would turn into this HTML, or None when it holds more than
    paragraphs and line breaks (bold, lists, links: then its writer edits the HTML)."""
    if not value or not _SIMPLE_PARAGRAPHS.fullmatch(value):
        return None
    paragraphs = [html.unescape(_BREAK.sub("\n", part)).strip() for part in _PARAGRAPH.findall(value)]
    return "\n\n".join(paragraphs)
