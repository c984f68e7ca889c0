"""The cache (shop.core.cache.ResilientRedisCache) on a redis-server of the test's own: a dead or
hung Redis is a miss, within one short timeout, then not tried again for a pause."""

import logging
import time

import pytest

from shop.core.cache import ResilientRedisCache, _paused_until
from tests.factories.live import RedisServer


@pytest.fixture
def redis():
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.kill()


def _cache(url: str, retry_after: float = 5) -> ResilientRedisCache:
    _paused_until.pop(url, None)
    options = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, "retry_after": retry_after}
    return ResilientRedisCache(url, {"KEY_PREFIX": "vm-cache-test", "OPTIONS": options})


def test_with_redis_dead_every_call_is_a_miss_and_one_warning_is_logged(redis, caplog):
    # given
    cache = _cache(redis.url)
    cache.set("menu", "红枣 小米")
    assert cache.get("menu") == "红枣 小米"
    redis.kill()
    # when
    with caplog.at_level(logging.WARNING, logger="shop.core.cache"):
        answers = [
            cache.get("menu", "none"),
            cache.add("menu", "x"),
            cache.get_many(["menu"]),
            cache.has_key("menu"),
            cache.delete("menu"),
            cache.set_many({"a": 1}),
            cache.set("menu", "x"),
            cache.clear(),
        ]
        with pytest.raises(ValueError):
            cache.incr("hits")
    # then
    assert answers == ["none", False, {}, False, False, ["a"], None, None]
    assert len(caplog.records) == 1


def test_with_redis_hung_one_call_waits_the_timeout_the_next_do_not_and_redis_is_used_again_after_the_pause(redis):
    # given
    cache = _cache(redis.url, retry_after=0.5)
    cache.set("menu", "红枣")
    redis.freeze()
    try:
        # when
        started = time.monotonic()
        first = cache.get("menu")
        first_took = time.monotonic() - started
        started = time.monotonic()
        second = cache.get("menu")
        second_took = time.monotonic() - started
    finally:
        redis.thaw()
    # then
    assert (first, second) == (None, None)
    assert 0.2 < first_took < 0.6
    assert second_took < 0.01
    time.sleep(0.6)
    assert cache.get("menu") == "红枣"
