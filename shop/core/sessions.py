"""Who is signed in, read from the session where the session engine keeps it in Redis: for the few requests
answered before the session and authentication middleware (a tap of 抢购, vendors.web.live.middleware).

Rules:
- Django's own checks, without its database query: the session names a user, a backend that checks
  ``is_active`` (ModelBackend and its subclasses), and the hash of her password that Django wrote into the
  session at sign-in (``signed_in_session``). That hash must still equal the one her password gives today
  (``session_auth_hash``: empty for an inactive or deleted user): the caller compares them where it keeps
  today's hash (vendors.live.admission, in the same Redis script that admits her tap), so that a password
  changed elsewhere, or an account deactivated, signs the session out here as it does through Django's
  middleware.
- Anything else (no session in the cache: database sessions, an evicted or signed-out one; a guest; a session
  without a hash) is None: the request goes down the usual chain, which decides as Django always does.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.cache import cache
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    session_hash: str  # to compare with session_auth_hash(user_id)


def signed_in_session(request) -> SignedIn | None:
    """Whom the request's session names as signed in, or None (see the module's rules)."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    key = session_cache_key(session_key) if session_key.isalnum() else None
    if key is None:
        return None
    session = cache.get(key)
    if not isinstance(session, dict) or not _checks_is_active(session.get(BACKEND_SESSION_KEY)):
        return None
    user_id, session_hash = session.get(SESSION_KEY), session.get(HASH_SESSION_KEY)
    if not (isinstance(user_id, str) and user_id.isdigit() and isinstance(session_hash, str) and session_hash):
        return None
    return SignedIn(int(user_id), session_hash)


def session_auth_hash(user_id: int) -> str:
    """The hash a session of this user must carry today; empty if she may not sign in (inactive, deleted)."""
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
