"""A Redis cache whose outages are misses, never errors or long waits.

Rules:
- Every Redis error or timeout is a miss: ``get`` returns the default, ``add``/``delete``/
  ``touch``/``has_key`` return False, ``set``/``clear`` do nothing, ``set_many`` reports every key
  as not set, ``incr`` raises ValueError (as for a missing key). A page then comes from the
  database, and a ``cached_db`` session falls back to its database row.
- Timeouts are short (OPTIONS ``socket_connect_timeout``/``socket_timeout`` in settings, well
  under a second): a hung Redis (process stopped, network gone) costs one timeout, not redis-py's
  default 5 s.
- After a failure the cache is "open" for ``OPTIONS["retry_after"]`` seconds (default 5): every
  call in this process is a miss without touching Redis, so a page that reads and writes the
  cache several times pays for one timeout at most, and the log gets one warning per pause.
  The state is per process and per LOCATION (Django makes one cache object per thread, so it
  cannot live on the instance).

Why not django-redis with IGNORE_EXCEPTIONS: it contains the errors but pays the timeout on every
call and logs each one with a traceback at ERROR; the pause above needs this wrapper anyway, and
Django's own backend plus it keeps one dependency fewer.
"""

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# LOCATION -> time.monotonic() until which Redis is not tried.
_paused_until: dict[str, float] = {}


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client makes a new ``redis.Redis`` for every cache call, and a ``redis.Redis`` builds its
    table of ~170 response callbacks when made: a third of a cached page's time. One per connection
    pool is enough (a ``redis.Redis`` on a shared pool is safe across threads)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = {**params, "OPTIONS": dict(params.get("OPTIONS", {}))}
        # Not a redis-py option: popped before the options reach the connection pool.
        self._retry_after = float(params["OPTIONS"].pop("retry_after", 5))
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._location = server if isinstance(server, str) else ",".join(server)

    def _guard(self, operation: str, call: Callable[[], T], miss: T) -> T:
        if time.monotonic() < _paused_until.get(self._location, 0):
            return miss
        try:
            return call()
        except (RedisError, OSError) as error:
            _paused_until[self._location] = time.monotonic() + self._retry_after
            logger.warning(
                "cache %s failed (%s: %s): treated as a miss; Redis not tried for %.0f s",
                operation,
                type(error).__name__,
                error,
                self._retry_after,
            )
            return miss

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard("add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False)

    def get(self, key, default=None, version=None) -> Any:
        return self._guard("get", lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._guard("set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard("touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None) -> bool:
        return self._guard("delete", lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def get_many(self, keys: Iterable, version=None) -> dict:
        keys = list(keys)
        return self._guard("get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None) -> bool:
        return self._guard("has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def incr(self, key, delta=1, version=None) -> int:
        missing = object()
        value = self._guard("incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version), missing)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return value

    def set_many(self, data: dict, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        return self._guard(
            "set_many", lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete_many(self, keys: Iterable, version=None) -> None:
        keys = list(keys)
        self._guard("delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        self._guard("clear", lambda: super(ResilientRedisCache, self).clear(), None)
