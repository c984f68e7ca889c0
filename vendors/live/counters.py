"""Viewers of a live event: counted in Redis on each view, copied to the database by beat every minute.

Rules:
- A view costs no database write: ``live_view_record`` sends one pipelined round trip to Redis (INCR the
  event's page views, PFADD the visitor into the event's HyperLogLog and into the minute's HyperLogLog,
  which expires after two days). A Redis error drops that one view (logged), never the page.
- A visitor is a hashed key (``live_visitor_key``): the signed-in user, else the session, else IP address
  and browser together, each HMAC'd with the site's secret. No raw IP address, session key or user id
  reaches Redis or the database, and a HyperLogLog keeps no member at all, only a cardinality sketch.
- Unique viewers are HyperLogLog estimates: within about 1% (Redis's standard error is 0.81%).
- ``live_counters_flush`` (vendors.live.tasks.flush_live_counters_task, beat every 60 s) copies the
  counters of events live now or ended in the last hour to LiveEventStats / LiveEventMinute. It sets
  values, never adds, so running it twice changes nothing. The row keeps the HyperLogLog itself: when a
  flush finds the event's counters gone (Redis restarted or lost them), it seeds Redis again with the
  stored views and HyperLogLog before reading, so a restart loses at most the views since the last flush.
- Without Redis (settings.LIVE_REDIS_URL empty: the embedded setup) nothing is counted: the report shows
  "—" for viewers rather than writing a database row per view.
"""

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vendors.live.models import LiveEvent, LiveEventMinute, LiveEventStats
from vendors.live.redis_client import live_redis

logger = logging.getLogger(__name__)

# How long an event's counters outlive its last view, and a minute's HyperLogLog outlives its minute; the
# flush copies them within the hour after the event (and keeps them alive while it does).
EVENT_KEYS_SECONDS = 7 * 24 * 3600
MINUTE_KEYS_SECONDS = 2 * 24 * 3600
# Events whose counters the flush still copies after their end (viewers of the page right after the show).
FLUSH_AFTER_END = timedelta(hours=1)
# The flush reads again the minutes since shortly before its last run (the minute then still running).
MINUTES_OVERLAP = 2

# KEYS: views, viewers, seeded, scratch. ARGV: stored views, stored HyperLogLog (or ''), seconds to keep.
# The "seeded" marker lives and dies with the counters: missing, the counters restarted from nothing (or
# never existed), so the stored figures are added back once. Returns {views, unique viewers, HyperLogLog}.
_READ = """
if redis.call('EXISTS', KEYS[3]) == 0 then
  if tonumber(ARGV[1]) > 0 then redis.call('INCRBY', KEYS[1], ARGV[1]) end
  if ARGV[2] ~= '' then
    redis.call('SET', KEYS[4], ARGV[2])
    redis.call('PFMERGE', KEYS[2], KEYS[4])
    redis.call('DEL', KEYS[4])
  end
end
redis.call('SET', KEYS[3], 1, 'EX', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
local views = redis.call('GET', KEYS[1]) or '0'
return {views, redis.call('PFCOUNT', KEYS[2]), redis.call('GET', KEYS[2]) or ''}
"""


@dataclass(frozen=True)
class _Keys:
    views: str
    viewers: str
    seeded: str
    scratch: str


def _keys(event_id: int) -> _Keys:
    prefix = f"{settings.LIVE_KEY_PREFIX}:event:{event_id}"
    return _Keys(f"{prefix}:views", f"{prefix}:viewers", f"{prefix}:seeded", f"{prefix}:scratch")


def _minute_number(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


def _minute_key(event_id: int, minute: int) -> str:
    return f"{settings.LIVE_KEY_PREFIX}:event:{event_id}:minute:{minute}"


def live_visitor_key(*, user_id: int | None = None, session_key: str | None = None, ip: str = "", user_agent: str = ""):
    """Who is viewing, as an opaque hash: the user if signed in (one person across the login's new
    session), else the session, else IP address and browser together. Never stored in clear anywhere.

    The event page calls it as::

        visitor = live_visitor_key(
            user_id=request.user.pk if request.user.is_authenticated else None,
            session_key=request.session.session_key,
            ip=request.META.get("REMOTE_ADDR", ""),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        live_view_record(event_id=event.pk, visitor_key=visitor)
    """
    if user_id is not None:
        identity = f"user:{user_id}"
    elif session_key:
        identity = f"session:{session_key}"
    else:
        identity = f"client:{ip}|{user_agent[:300]}"
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"live-viewer:{identity}".encode(), hashlib.sha256).hexdigest()[:32]


def live_view_record(*, event_id: int, visitor_key: str, now: datetime | None = None) -> bool:
    """Count one view of the event page (one Redis round trip, no database). False when not counted
    (no Redis configured, or Redis failing: the page is served all the same)."""
    client = live_redis()
    if client is None:
        return False
    keys = _keys(event_id)
    minute_key = _minute_key(event_id, _minute_number(now or timezone.now()))
    try:
        pipe = client.pipeline(transaction=False)
        pipe.incr(keys.views)
        pipe.expire(keys.views, EVENT_KEYS_SECONDS)
        pipe.pfadd(keys.viewers, visitor_key)
        pipe.expire(keys.viewers, EVENT_KEYS_SECONDS)
        pipe.pfadd(minute_key, visitor_key)
        pipe.expire(minute_key, MINUTE_KEYS_SECONDS)
        pipe.execute()
    except redis.RedisError:
        logger.warning("live view of event %s not counted: Redis failed", event_id, exc_info=True)
        return False
    return True


def live_counters_flush(*, now: datetime | None = None) -> int:
    """Copy the counters of scheduled events live now or ended within the hour; returns how many were copied.

    One event failing (Redis down) leaves that event's rows as they were and does not stop the others.
    """
    now = now or timezone.now()
    if live_redis() is None:
        return 0
    events = LiveEvent.objects.filter(
        status=LiveEvent.Status.SCHEDULED, starts_at__lte=now, ends_at__gte=now - FLUSH_AFTER_END
    )
    flushed = 0
    for event in events:
        try:
            live_event_counters_flush(event=event, now=now)
            flushed += 1
        except redis.RedisError:
            logger.warning("live counters of event %s not flushed: Redis failed", event.pk, exc_info=True)
    return flushed


@transaction.atomic
def live_event_counters_flush(*, event: LiveEvent, now: datetime | None = None) -> LiveEventStats:
    """Set the event's stored figures to what Redis counts (seeding Redis first if it lost them).

    Raises redis.RedisError (nothing written) when Redis fails; without Redis returns the stored row as is.
    """
    now = now or timezone.now()
    stats, _created = LiveEventStats.objects.get_or_create(event=event, defaults={"flushed_at": now})
    # One flush at a time per event: a slow run overtaken by the next one must not write older figures last.
    stats = LiveEventStats.objects.select_for_update().get(pk=stats.pk)
    client = live_redis()
    if client is None:
        return stats
    keys = _keys(event.pk)
    views, unique_viewers, sketch = client.eval(
        _READ,
        4,
        keys.views,
        keys.viewers,
        keys.seeded,
        keys.scratch,
        stats.views,
        bytes(stats.viewers),
        EVENT_KEYS_SECONDS,
    )
    since = _minute_number(event.starts_at)
    if not _created:
        since = max(since, _minute_number(stats.flushed_at) - MINUTES_OVERLAP)
    _minutes_flush(client, event=event, first=since, last=_minute_number(min(now, event.ends_at - timedelta(0, 1))))
    stats.views = int(views)
    stats.unique_viewers = int(unique_viewers)
    stats.viewers = bytes(sketch)
    stats.flushed_at = now
    stats.save()
    return stats


def _minutes_flush(client: redis.Redis, *, event: LiveEvent, first: int, last: int) -> None:
    """Each minute's distinct viewers; a minute Redis no longer has (0) keeps what was stored, and a minute
    partly lost in a restart keeps the larger of the two counts."""
    numbers = list(range(first, last + 1))
    if not numbers:
        return
    pipe = client.pipeline(transaction=False)
    for number in numbers:
        pipe.pfcount(_minute_key(event.pk, number))
    counts = dict(zip(numbers, pipe.execute(), strict=True))
    moments = {number: datetime.fromtimestamp(number * 60, tz=UTC) for number in numbers if counts[number]}
    if not moments:
        return
    stored = dict(
        LiveEventMinute.objects.filter(event=event, minute__in=list(moments.values())).values_list("minute", "viewers")
    )
    LiveEventMinute.objects.bulk_create(
        [
            LiveEventMinute(event=event, minute=moment, viewers=max(counts[number], stored.get(moment, 0)))
            for number, moment in moments.items()
        ],
        update_conflicts=True,
        unique_fields=["event", "minute"],
        update_fields=["viewers"],
    )
