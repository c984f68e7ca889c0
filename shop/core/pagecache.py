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
  the hold and the generation, and the process trusts what it last read of them for ``LEASE_SECONDS``
  (a lease): most hits then cost no Redis round trip at all. ``page_cache_hold`` waits out the lease
  after setting the hold, so when the change commits no process still trusts a reading from before the
  hold: the rule on changes above holds.

A cache hit costs at most one Redis round trip (most cost none) and no session, no database query, no
template.

``PrivatePageCacheMiddleware``, further down, keeps a signed-in buyer's own basket and account page for her
alone, by the same rules of freshness (its own docstring).
"""

import copy
import gzip
import re
import threading
import time
from hashlib import sha1

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from shop.core.sessions import session_cache_key

HOLD_KEY = "pages:hold"
GENERATION_KEY = "pages:generation"
# A hold whose release was lost (the process died between commit and release) ends by itself.
HOLD_SECONDS = 30
# How long a process trusts the hold and the generation it read (``_LocalPages.state``); a hold is waited out
# this long, plus a margin, before the change that set it commits (``page_cache_hold``).
LEASE_SECONDS = 0.05
CSRF_INPUT = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(")')
NOT_STORED_HEADERS = ("Content-Length", "X-Page-Cache")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
GZIP_SUFFIX = ":gz"
_compiled: dict[tuple, re.Pattern] = {}


class _LocalPages:
    """This process's copies of the entries it served last, and its reading of the hold and the generation.

    A copy is used only while young and only under the generation Redis holds, read at most ``LEASE_SECONDS``
    ago (``state``), so it is never more stale than the shared entry: a hit from a copy reads two small keys
    from Redis once per lease for the whole process, not the page for each request. Bounded (the oldest copy
    goes first)."""

    LIMIT = 300

    def __init__(self) -> None:
        self._entries: dict[str, tuple] = {}
        self._lock = threading.Lock()
        self._reading: tuple | None = None  # (monotonic time the read started, hold set, generation)

    def state(self) -> tuple[bool, int | None]:
        """Whether a hold is set and the generation (None: unknown, Redis failing or flushed), as Redis had them
        at most ``LEASE_SECONDS`` ago."""
        reading, now = self._reading, time.monotonic()
        if reading is None or now - reading[0] >= LEASE_SECONDS:
            found = cache.get_many([HOLD_KEY, GENERATION_KEY])
            reading = self._reading = (now, HOLD_KEY in found, found.get(GENERATION_KEY))
        return reading[1], reading[2]

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
            self._reading = None


LOCAL = _LocalPages()


def page_cache_hold() -> None:
    """Stop serving and storing cached pages until the current transaction commits (then released).

    Call inside the transaction that hides something, before it commits. Returns once every process has
    stopped trusting what it read before the hold (their lease has run out): the change may then commit."""
    cache.set(HOLD_KEY, 1, HOLD_SECONDS)
    if settings.PAGE_CACHE_SECONDS > 0:
        time.sleep(LEASE_SECONDS * 1.2)
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
        # A young copy in this process's memory needs only the hold and the generation (read once per lease).
        kept = LOCAL.get(variant)
        if kept is not None and started - kept[1] < settings.PAGE_CACHE_SECONDS / 2:
            hold, generation = LOCAL.state()
            if not hold and generation == kept[0]:
                return _replay(*kept[2:])
        found = cache.get_many([HOLD_KEY, GENERATION_KEY, variant])
        generation = found.get(GENERATION_KEY, 0)
        entry = found.get(variant)
        if HOLD_KEY in found:
            response = self._render(request) or self.get_response(request)
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
                return _replay(*entry[2:])
        response = self._render(request)
        if response is None:
            return self.get_response(request)
        self._store(response, key, generation, started, gzipped=gzipped)
        if renewer:
            # The new entry's own half-life is renewed the same way (the mark would otherwise outlive it,
            # and the entry expire under the crowd: every request rendering at once).
            cache.delete(renewing)
        return response

    def _render(self, request):
        """The page as a visitor without basket or CSRF cookie sees it, with its CSRF tokens blanked.

        Rendered from a copy of the request, so the request itself can still be rendered for its visitor: for
        someone with a session that page is None unless it is a 200 (a hidden product that staff may preview
        is a 404 for nobody), and the caller renders hers."""
        # The request's own cookies that change what a page shows for this visitor only (the session's: who
        # she is; the page is rendered for nobody).
        own = (settings.CSRF_COOKIE_NAME, settings.OSCAR_BASKET_COOKIE_OPEN, settings.SESSION_COOKIE_NAME)
        neutral = copy.copy(request)
        neutral.META = dict(request.META)
        neutral.COOKIES = {name: value for name, value in request.COOKIES.items() if name not in own}
        neutral.page_cache_neutral = True
        response = self.get_response(neutral)
        if response.status_code != 200 and request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            return None
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


def _replay(headers: dict, content: bytes) -> HttpResponse:
    response = HttpResponse(content)
    response["Content-Length"] = str(len(content))
    for name, value in headers.items():
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response


PRIVATE_PREFIX = "pages:private:"
USER_VERSION_PREFIX = "pages:user:"


def private_pages_changed(user_id) -> None:
    """Her own cached pages (basket, account) are stale: called when something they show changes (her basket,
    her account). Moved on after the change commits, so a page rendered before the commit is never kept."""
    if user_id is None:
        return

    def move_on():
        key = f"{USER_VERSION_PREFIX}{user_id}"
        cache.add(key, 0, None)
        try:
            cache.incr(key)
        except ValueError:  # Redis failing: her pages are misses anyway
            pass

    transaction.on_commit(move_on, robust=True)


class PrivatePageCacheMiddleware:
    """A signed-in buyer's own basket and account pages, kept for her alone for a few seconds.

    Rules:
    - Only GET of ``settings.PRIVATE_PAGE_CACHE_PATHS``, with a session cookie, no messages cookie and no guest
      basket cookie (signing in merges that basket: the page is rendered), under a session engine that keeps
      sessions in the default cache (cached_db: production; ``make run``'s database sessions turn this off).
    - The key is her session's key with her CSRF cookie, the address and the language: nobody without her
      session cookie can reach her entry, and her pages keep the form tokens rendered for her (they are not
      compressed: they carry a secret).
    - A hit reads in one round trip the hold, the generation, the entry and her session as the session engine
      keeps it: signed out (the session deleted) or signed in as someone else, or with a changed password (the
      session's user hash), the entry is not served. A second read takes her version, moved on after every change
      to her basket or account (``private_pages_changed``): she never sees her basket before her own change.
    - Fresh as the shared pages: younger than ``PAGE_CACHE_SECONDS``, rendered under the current generation, never
      during a hold; ``Cache-Control: private`` so no proxy keeps them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        stored_session = session_cache_key(session_key) if _private_cacheable(request) else None
        if stored_session is None:
            return self.get_response(request)
        key, csrf = _private_key(request, session_key), request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        started = time.time()
        found = cache.get_many([HOLD_KEY, GENERATION_KEY, key, stored_session])
        session = found.get(stored_session)
        if HOLD_KEY in found or not isinstance(session, dict) or "_messages" in session:
            return self.get_response(request)
        user_id = session.get("_auth_user_id")
        if user_id is None:  # a guest: her basket is not kept
            return self.get_response(request)
        generation = found.get(GENERATION_KEY, 0)
        owner = (user_id, session.get("_auth_user_hash"), cache.get(f"{USER_VERSION_PREFIX}{user_id}", 0))
        entry = found.get(key)
        if (
            entry is None
            or (entry[0], entry[2]) != (generation, owner)
            or started - entry[1] >= settings.PAGE_CACHE_SECONDS
        ):
            return self._render_and_keep(request, key, generation, owner, csrf, started)
        # Past half its life one of her requests renders the page again while the others are still served it
        # (her phone's several tabs, or a reload held down, do not all render it at once).
        if started - entry[1] < settings.PAGE_CACHE_SECONDS / 2 or not cache.add(f"{key}:renewing", 1, 5):
            return _replay(*entry[3:])
        try:
            return self._render_and_keep(request, key, generation, owner, csrf, started)
        finally:
            cache.delete(f"{key}:renewing")

    def _render_and_keep(self, request, key, generation, owner, csrf, started):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        cache_control = response.get("Cache-Control", "")
        if (
            response.status_code == 200
            and not response.streaming
            # Django sends the CSRF cookie again with every page that has a form (its expiry renewed): a page that
            # sets no other cookie, and that one unchanged, is kept (a replay just does not renew it).
            and all(name == settings.CSRF_COOKIE_NAME and m.value == csrf for name, m in response.cookies.items())
            and user is not None
            and str(user.pk) == owner[0]
            and "no-store" not in cache_control
            and "no-cache" not in cache_control
        ):
            patch_cache_control(response, private=True)
            headers = {name: value for name, value in response.items() if name not in NOT_STORED_HEADERS}
            cache.set(key, (generation, started, owner, headers, response.content), settings.PAGE_CACHE_SECONDS + 1)
            response["X-Page-Cache"] = "miss"
        return response


def _private_cacheable(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        # Django's session keys are letters and digits: anything else is no session of ours.
        and request.COOKIES.get(settings.SESSION_COOKIE_NAME, "").isalnum()
        and (request.is_secure() or not settings.SECURE_SSL_REDIRECT)
        and not request.COOKIES.get("messages")
        and not request.COOKIES.get(settings.OSCAR_BASKET_COOKIE_OPEN)
        and _paths(settings.PRIVATE_PAGE_CACHE_PATHS).fullmatch(request.path_info) is not None
    )


def _private_key(request, session_key: str) -> str:
    """Her session's, her CSRF cookie's, the address's and the language's: only her session reaches it."""
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    return PRIVATE_PREFIX + sha1(f"{session_key}|{csrf}|{_key(request)}".encode()).hexdigest()


def fragment_seconds(request) -> dict:
    """Template context: how long a fragment that is the same for every visitor (a product card's picture and
    title) may be kept, the page cache's own freshness (``{% cache fragment_seconds ... %}``)."""
    return {"fragment_seconds": settings.PAGE_CACHE_SECONDS}
