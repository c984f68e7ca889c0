"""Whole pages shared by every visitor, from the shared cache (Redis), a few seconds old at most.

Rules:
- Only GET of the paths in ``settings.PAGE_CACHE_PATHS``, for a visitor with no messages cookie and
  either no session cookie or, on ``settings.PAGE_CACHE_SIGNED_IN_PATHS`` (the listings and live pages,
  the same for everyone but for the header and footer), a browser that has shown it runs
  static/js/visitor.js (its cookie): that script fills in a signed-in visitor's header and footer
  links as it fills in everyone's token and basket. Everyone else gets the page rendered for them.
- What a cached page must not carry: the page is rendered for a *neutral* visitor (the request's
  basket and CSRF cookies are hidden from the view), every CSRF token in it is blanked and the CSRF
  cookie is not sent. The small per-visitor part (CSRF token, basket total, the basket's dropdown)
  comes from ``/visitor.json``, which static/js/visitor.js asks for when a page carries a blank
  token. A response that still sets a cookie is not stored.
- Fresh enough: an entry is served only while younger than ``PAGE_CACHE_SECONDS`` (at most 5),
  counted from before the view read the database, so a price or stock change shows within that.
  Once an entry is half that old, the first request to see it (one ``add`` of a renewing key wins)
  renders the page again while everyone else is still served the entry: when a page expires under
  a crowd, one request renders it, not all of them at once.
- Never after a change that hides something (a shop suspended, a product delisted):
  ``page_cache_hold`` (called inside the changing transaction, before it commits) stops serving and
  storing pages; after the commit ``page_cache_release`` moves the generation on and lifts the hold.
  An entry is served only if it was rendered under the current generation, and the hold, the
  generation and the entry are read in one round trip (one MGET), so no visitor gets a page
  rendered before a suspension once the suspension has committed.
- Redis failing is a miss (shop.core.cache): the page is rendered.
- First in the chain after /healthz/: a stored page has been through the rest of the middleware, and
  every header it got there (CSP, HSTS, content type ...) is stored and replayed with it. A plain-HTTP
  request that SecurityMiddleware would send to HTTPS is never answered from the cache.
- Compressed once, sent compressed many times: each page is stored twice, as rendered and gzipped
  (``<key>:gz``), and a visitor whose browser accepts gzip (every phone's does) is sent the gzipped
  copy, about a seventh of the bytes, with ``Vary: Accept-Encoding``. Only these pages are compressed:
  they carry no CSRF token and nothing of the visitor, so compressing them leaks nothing (BREACH
  needs a secret in the page).
- Each process keeps a copy of the entries it served (``LOCAL``): while young, such a copy needs only
  the hold and the generation from Redis (still one MGET, so the rule on changes above holds).

A cache hit costs one Redis round trip and no session, no database query, no template.
"""

import gzip
import re
import threading
import time
from hashlib import sha1

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

HOLD_KEY = "pages:hold"
GENERATION_KEY = "pages:generation"
# A hold whose release was lost (the process died between commit and release) ends by itself.
HOLD_SECONDS = 30
CSRF_INPUT = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(")')
NOT_STORED_HEADERS = ("Content-Length", "X-Page-Cache")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
GZIP_SUFFIX = ":gz"
_compiled: dict[tuple, re.Pattern] = {}


class _LocalPages:
    """This process's copies of the entries it served last: a hit then reads two small keys from Redis instead
    of the whole page. Bounded (the oldest copy goes first); a copy is used only while young and only under
    the generation Redis holds now, so it is never more stale than the shared entry."""

    LIMIT = 300

    def __init__(self) -> None:
        self._entries: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def get(self, key: str):
        return self._entries.get(key)

    def put(self, key: str, entry: tuple) -> None:
        with self._lock:
            self._entries.pop(key, None)
            if len(self._entries) >= self.LIMIT:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


LOCAL = _LocalPages()


def page_cache_hold() -> None:
    """Stop serving and storing cached pages until the current transaction commits (then released).

    Call inside the transaction that hides something, before it commits."""
    cache.set(HOLD_KEY, 1, HOLD_SECONDS)
    transaction.on_commit(page_cache_release, robust=True)


def page_cache_release() -> None:
    """Move the generation on (every cached page is stale) and lift the hold."""
    cache.add(GENERATION_KEY, 0, None)
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # Redis failing: its pages are misses anyway
        pass
    cache.delete(HOLD_KEY)


def _paths(paths: list[str]) -> re.Pattern:
    key = tuple(paths)
    if key not in _compiled:
        _compiled[key] = re.compile("|".join(f"(?:{p})" for p in key))
    return _compiled[key]


def _cacheable(request) -> bool:
    if not (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        # SecurityMiddleware, further down, sends a plain-HTTP visitor to HTTPS first.
        and (request.is_secure() or not settings.SECURE_SSL_REDIRECT)
        and not request.COOKIES.get("messages")
        and _paths(settings.PAGE_CACHE_PATHS).fullmatch(request.path_info) is not None
    ):
        return False
    if not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return True
    # Someone with a session (signed in, or a guest with a basket): only the pages that differ for her in what
    # static/js/visitor.js fills in, and only once her browser has shown that it runs it.
    return (
        request.COOKIES.get(settings.PAGE_CACHE_SCRIPT_COOKIE) == "1"
        and _paths(settings.PAGE_CACHE_SIGNED_IN_PATHS).fullmatch(request.path_info) is not None
    )


def _key(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    query = "&".join(sorted(request.GET.urlencode().split("&")))
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}|{language}"
    return "pages:" + sha1(raw.encode()).hexdigest()


class AnonymousPageCacheMiddleware:
    """Serves and stores anonymous visitors' pages (see the module's rules)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable(request):
            return self.get_response(request)
        key = _key(request)
        gzipped = ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) is not None
        started = time.time()
        variant = key + GZIP_SUFFIX if gzipped else key
        # A young copy in this process's memory needs only the hold and the generation from Redis.
        kept = LOCAL.get(variant)
        if kept is not None and started - kept[1] < settings.PAGE_CACHE_SECONDS / 2:
            found = cache.get_many([HOLD_KEY, GENERATION_KEY])
            if HOLD_KEY not in found and found.get(GENERATION_KEY) == kept[0]:
                return self._replay(kept, request)
        found = cache.get_many([HOLD_KEY, GENERATION_KEY, variant])
        generation = found.get(GENERATION_KEY, 0)
        entry = found.get(variant)
        if HOLD_KEY in found:
            response = self._render(request)
            response["X-Page-Cache"] = "hold"
            return response
        renewing = f"{key}:renewing"
        renewer = False
        if entry is not None and entry[0] == generation and started - entry[1] < settings.PAGE_CACHE_SECONDS:
            # Past half its life one request renders the page again while the others are still
            # served this entry: a crowd never renders a page all at once when it expires.
            young = started - entry[1] < settings.PAGE_CACHE_SECONDS / 2
            renewer = not young and cache.add(renewing, 1, settings.PAGE_CACHE_SECONDS)
            if not renewer:
                if GENERATION_KEY in found:
                    LOCAL.put(variant, entry)
                return self._replay(entry, request)
        response = self._render(request)
        self._store(response, key, generation, started, gzipped=gzipped)
        if renewer:
            # The new entry's own half-life is renewed the same way (the mark would otherwise outlive it,
            # and the entry expire under the crowd: every request rendering at once).
            cache.delete(renewing)
        return response

    def _render(self, request):
        """The page as a visitor without basket or CSRF cookie sees it, with its CSRF tokens blanked."""
        # The request's own cookies that change what a page shows for this visitor only (the session's: who
        # she is; the page is rendered for nobody).
        for name in (settings.CSRF_COOKIE_NAME, settings.OSCAR_BASKET_COOKIE_OPEN, settings.SESSION_COOKIE_NAME):
            request.COOKIES.pop(name, None)
        request.page_cache_neutral = True
        response = self.get_response(request)
        response.cookies.pop(settings.CSRF_COOKIE_NAME, None)
        if response.status_code == 200 and not response.streaming:
            response.content = CSRF_INPUT.sub(rb"\1\2", response.content)
            if response.has_header("Content-Length"):  # set by CommonMiddleware for the longer body
                response["Content-Length"] = str(len(response.content))
        return response

    def _store(self, response, key, generation, started, *, gzipped: bool) -> None:
        if response.status_code != 200 or response.streaming or response.cookies:
            response["X-Page-Cache"] = "bypass"
            return
        cache_control = response.get("Cache-Control", "")
        if "private" in cache_control or "no-store" in cache_control or "no-cache" in cache_control:
            response["X-Page-Cache"] = "bypass"
            return
        patch_vary_headers(response, ("Accept-Encoding",))
        # Every header the chain below set (content type, language, CSP, HSTS ...), replayed as they were.
        headers = {name: value for name, value in response.items() if name not in NOT_STORED_HEADERS}
        compressed = gzip.compress(response.content, compresslevel=6, mtime=0)
        entries = {
            key: (generation, started, headers, response.content),
            key + GZIP_SUFFIX: (generation, started, {**headers, "Content-Encoding": "gzip"}, compressed),
        }
        cache.set_many(entries, settings.PAGE_CACHE_SECONDS + 1)
        # A generation that exists in Redis lets this process keep a copy (LOCAL): without one (Redis flushed
        # or failing) every request asks Redis for the whole entry.
        cache.add(GENERATION_KEY, 0, None)
        response["X-Page-Cache"] = "miss"
        if gzipped:
            response.content = compressed
            response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(compressed))

    def _replay(self, entry, request):
        _generation, _started, headers, content = entry
        response = HttpResponse(content)
        response["Content-Length"] = str(len(content))
        for name, value in headers.items():
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return response


def fragment_seconds(request) -> dict:
    """Template context: how long a fragment that is the same for every visitor (a product card's picture and
    title) may be kept, the page cache's own freshness (``{% cache fragment_seconds ... %}``)."""
    return {"fragment_seconds": settings.PAGE_CACHE_SECONDS}
