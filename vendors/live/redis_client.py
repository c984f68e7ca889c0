"""The one Redis client of the live-sales domain (admission counters, viewer counters).

Short timeouts: a live page never waits on Redis for long; callers catch redis.RedisError and carry on
without it (the admission lets the database decide, the viewer counters drop a view).
None when settings.LIVE_REDIS_URL is empty (the embedded setup).
"""

import redis
from django.conf import settings

# One client (and its connection pool) per URL and process; a test that points LIVE_REDIS_URL at a
# redis-server of its own gets a client of its own.
_clients: dict[str, redis.Redis] = {}


def live_redis() -> redis.Redis | None:
    url = settings.LIVE_REDIS_URL
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, health_check_interval=30
        )
    return client
