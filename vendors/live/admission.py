"""Admission to a snap-up: the event's cap and each buyer's limit, taken in Redis before the database.

Rules:
- One Lua script checks what is left of the item and what the buyer already holds, and takes the units
  in the same step (``admit``), so the many who lose get their answer without opening a transaction.
- Redis is a fast copy, never the truth: the counters are rebuilt from the database (LiveItem.sold,
  LiveBuyer.units) when they are missing (first tap, Redis flushed or restarted) or stale (beat). Each
  rebuild starts a new generation; a reservation is given back (``release``) only into the generation it
  was taken from, so units are never counted twice.
- Whatever Redis admits, the order's transaction takes the units again with conditional UPDATEs
  (vendors.live.services): a stale or lost Redis costs speed, never an oversold unit.
- Without Redis (the embedded setup, or Redis failing) everyone is admitted and the database decides.
- A tap answered before the session middleware (vendors.web.live.middleware) is admitted only if her session's
  hash equals the one her password gives today, compared in the same script: today's hash is kept in Redis
  (``AUTH_HASH_SECONDS``, from the database when missing) and dropped after the commit of any change to her
  account (``buyer_changed``), so a password changed elsewhere or an account switched off signs her out here
  too. The cache's lifetime bounds the one race left (a hash read before a change and written after it).
  Without Redis such a tap is not admitted here: the usual chain decides.
- Each process remembers for ``SOLD_OUT_SECONDS`` that Redis found an item sold out (``sold_out_here``, in
  its own memory cache): the crowd that keeps tapping after the last unit is answered from memory, Redis not
  even asked. A unit given back (a refused reservation, a cancellation) sells again at once in the process
  that rebuilt the counters, a second later at most in the others.
"""

import logging
import time
import uuid
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from redis.commands.core import Script

from shop.core.sessions import session_auth_hash
from vendors.live.models import LiveBuyer, LiveItem
from vendors.live.redis_client import live_redis

logger = logging.getLogger(__name__)

# KEYS: left, buyers, generation, the buyer's password hash. ARGV: buyer, quantity, limit, her session's hash
# ('' when her session was checked already). Returns {code, generation, units the buyer holds}: 1 admitted, 0 sold
# out, -1 over the buyer's limit, -2 no counters (rebuild), -3 her hash not kept (read it), -4 her session's
# hash is not today's (signed out).
_ADMIT = """
if ARGV[4] ~= '' then
  local known = redis.call('GET', KEYS[4])
  if not known then return {-3, ''} end
  if known ~= ARGV[4] then return {-4, ''} end
end
local generation = redis.call('GET', KEYS[3])
local left = redis.call('GET', KEYS[1])
if not generation or not left then return {-2, ''} end
local quantity = tonumber(ARGV[2])
if tonumber(left) < quantity then return {0, generation} end
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if held + quantity > tonumber(ARGV[3]) then return {-1, generation, held} end
redis.call('DECRBY', KEYS[1], quantity)
redis.call('HINCRBY', KEYS[2], ARGV[1], quantity)
return {1, generation}
"""
# KEYS: left, buyers, generation. ARGV: buyer, quantity, the reservation's generation.
_RELEASE = """
if redis.call('GET', KEYS[3]) ~= ARGV[3] then return 0 end
redis.call('INCRBY', KEYS[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], ARGV[1], -tonumber(ARGV[2]))
return 1
"""
# KEYS: left, buyers, generation. ARGV: generation, left, then buyer, units pairs.
_REBUILD = """
redis.call('DEL', KEYS[2])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[3], ARGV[1])
return 1
"""

ADMITTED, SOLD_OUT, OVER_LIMIT, SIGNED_OUT = "admitted", "sold_out", "over_limit", "signed_out"
_OUTCOMES = {1: ADMITTED, 0: SOLD_OUT, -1: OVER_LIMIT, -4: SIGNED_OUT}
AUTH_HASH_SECONDS = 300
SOLD_OUT_SECONDS = 1.0


@dataclass(frozen=True)
class Admission:
    outcome: str
    generation: str | None = None  # None: admitted without Redis (the database decides)
    held: int | None = None  # over the limit: the units the buyer holds


_scripts: dict[str, Script] = {}


def _run(client: redis.Redis, source: str, keys: list[str], *args):
    """A script by its SHA (EVALSHA: the text is sent once per server, not with every tap)."""
    script = _scripts.get(source)
    if script is None:
        script = _scripts[source] = client.register_script(source)
    return script(keys=keys, args=args, client=client)


def _auth_key(user_id: int) -> str:
    return f"{settings.LIVE_KEY_PREFIX}:auth:{user_id}"


def _keys(item_id: int) -> list[str]:
    prefix = f"{settings.LIVE_KEY_PREFIX}:item:{item_id}"
    return [f"{prefix}:left", f"{prefix}:buyers", f"{prefix}:generation"]


def admit(*, item_id: int, user_id: int, quantity: int, limit: int, session_hash: str = "") -> Admission:
    """Take ``quantity`` units of the item for the buyer, or say why not. With ``session_hash`` (her session
    not checked yet), SIGNED_OUT unless it is the hash her password gives today."""
    client = live_redis()
    if client is None:
        return Admission(SIGNED_OUT if session_hash else ADMITTED)
    keys = [*_keys(item_id), _auth_key(user_id)]
    try:
        for _attempt in range(40):
            code, generation, *held = _run(client, _ADMIT, keys, user_id, quantity, limit, session_hash)
            if code == 0:
                caches["live-status"].set(_sold_out_key(item_id), True, SOLD_OUT_SECONDS)
            if code == -3:
                client.set(keys[3], session_auth_hash(user_id), ex=AUTH_HASH_SECONDS)
                continue
            if code != -2:
                return Admission(_OUTCOMES[int(code)], generation.decode(), *held)
            # One tap rebuilds the counters; the others of the same instant wait for it.
            if client.set(f"{_keys(item_id)[2]}:rebuilding", 1, nx=True, px=2000):
                counters_rebuild(item_id=item_id)
            else:
                time.sleep(0.05)
    except redis.RedisError:
        logger.warning("live admission of item %s without Redis: the database decides", item_id, exc_info=True)
    return Admission(SIGNED_OUT if session_hash else ADMITTED)


def buyer_changed(user_id) -> None:
    """Her password, or whether she may sign in, may have changed: her kept hash goes after the commit."""
    client = live_redis()
    if client is not None and user_id is not None:
        transaction.on_commit(lambda: client.delete(_auth_key(user_id)), robust=True)


def sold_out_here(item_id: int) -> bool:
    """Redis found the item sold out less than ``SOLD_OUT_SECONDS`` ago in this process (its memory)."""
    return caches["live-status"].get(_sold_out_key(item_id), False)


def _sold_out_key(item_id: int) -> str:
    return f"live:sold-out:{item_id}"


def release(*, item_id: int, user_id: int, quantity: int, admission: Admission) -> None:
    """Give back units whose order was not written (only into the generation they were taken from)."""
    client = live_redis()
    if client is None or admission.generation is None:
        return
    try:
        _run(client, _RELEASE, _keys(item_id), user_id, quantity, admission.generation)
    except redis.RedisError:
        logger.warning("live release of item %s failed: the next rebuild restores it", item_id, exc_info=True)


def counters_rebuild(*, item_id: int) -> None:
    """Copy what the database says is left, and what each buyer holds, into a new generation."""
    client = live_redis()
    if client is None:
        return
    item = LiveItem.objects.values("quantity", "sold").get(pk=item_id)
    held = LiveBuyer.objects.filter(item_id=item_id, units__gt=0).values_list("user_id", "units")
    pairs = [value for user_id, units in held for value in (user_id, units)]
    _run(client, _REBUILD, _keys(item_id), uuid.uuid4().hex, item["quantity"] - item["sold"], *pairs)
    caches["live-status"].delete(_sold_out_key(item_id))  # units given back sell at once here, elsewhere soon


def remaining(*, item_ids: list[int]) -> dict[int, int | None]:
    """What Redis says is left of each item (None where it has no counter yet, or without Redis)."""
    client = live_redis()
    if client is None or not item_ids:
        return dict.fromkeys(item_ids)
    try:
        values = client.mget([_keys(item_id)[0] for item_id in item_ids])
    except redis.RedisError:
        return dict.fromkeys(item_ids)
    return {
        item_id: (max(int(value), 0) if value is not None else None)
        for item_id, value in zip(item_ids, values, strict=True)
    }
