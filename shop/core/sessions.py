"""Who is signed in, read from the session where the session engine keeps it in Redis: for the few requests
answered before the session and authentication middleware (a tap of 抢购, vendors.web.live.middleware).

Rules:
- Django's own check, without its database query: the session names a user, a backend that checks
  ``is_active`` (ModelBackend and its subclasses), and the hash of her password that Django wrote into the
  session at sign-in. The hash her password gives today is kept in the default cache (``AUTH_HASH_PREFIX``)
  for ``AUTH_HASH_SECONDS``; an inactive or deleted user keeps an empty one.
- A change to the user drops it after the commit (``signed_in_user_changed``, from the customer fork's
  ``ready``): a password changed elsewhere, or an account deactivated, signs the session out here as it does
  through Django's middleware. The cache's lifetime bounds the one race left (a hash read before a change
  and written after it).
- Anything else (no session in the cache: database sessions, an evicted or signed-out one; a guest; a hash
  that does not match, e.g. signed with an older SECRET_KEY) is None: the request goes down the usual chain,
  which decides as Django always does.
"""

import functools

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string

AUTH_HASH_PREFIX = "auth:hash:"
AUTH_HASH_SECONDS = 300


def signed_in_user_id(request) -> int | None:
    """The id of the active user the request's session is signed in as, or None (see the module's rules)."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    key = session_cache_key(session_key) if session_key.isalnum() else None
    if key is None:
        return None
    session = cache.get(key)
    if not isinstance(session, dict) or not _checks_is_active(session.get(BACKEND_SESSION_KEY)):
        return None
    user_id, session_hash = session.get(SESSION_KEY), session.get(HASH_SESSION_KEY)
    if not (isinstance(user_id, str) and user_id.isdigit() and isinstance(session_hash, str)):
        return None
    known = cache.get(f"{AUTH_HASH_PREFIX}{user_id}")
    if known is None:
        known = _auth_hash(int(user_id))
        cache.set(f"{AUTH_HASH_PREFIX}{user_id}", known, AUTH_HASH_SECONDS)
    return int(user_id) if known and constant_time_compare(known, session_hash) else None


def signed_in_user_changed(user_id) -> None:
    """Her password, or whether she may sign in, may have changed: her kept hash goes after the commit."""
    if user_id is not None:
        transaction.on_commit(lambda: cache.delete(f"{AUTH_HASH_PREFIX}{user_id}"), robust=True)


def _auth_hash(user_id: int) -> str:
    User = get_user_model()
    password = User._default_manager.filter(pk=user_id, is_active=True).values_list("password", flat=True).first()
    return "" if password is None else User(pk=user_id, password=password).get_session_auth_hash()


def session_cache_key(session_key: str) -> str | None:
    """Where the session engine keeps this session in the default cache, or None if it keeps it elsewhere."""
    prefix = _session_cache_prefix(settings.SESSION_ENGINE, getattr(settings, "SESSION_CACHE_ALIAS", "default"))
    return None if prefix is None else prefix + session_key


@functools.cache
def _session_cache_prefix(engine: str, alias: str) -> str | None:
    prefix = getattr(import_string(f"{engine}.SessionStore"), "cache_key_prefix", None)
    return prefix if alias == "default" else None


@functools.cache
def _checks_is_active(backend: str | None) -> bool:
    from django.contrib.auth.backends import ModelBackend  # its module loads models: not while apps load

    if backend not in settings.AUTHENTICATION_BACKENDS:
        return False
    return issubclass(import_string(backend), ModelBackend)
