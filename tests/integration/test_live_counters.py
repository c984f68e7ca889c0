"""Viewers of a live event (vendors.live.counters): counted in a real Redis without a database write per view,
copied to the database by the flush (idempotent), and surviving the loss of the Redis keys."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.live_sales import make_event
from vendors.live.counters import (
    _keys,
    _minute_number,
    live_counters_flush,
    live_event_counters_flush,
    live_view_record,
    live_visitor_key,
)
from vendors.live.models import LiveEventMinute, LiveEventStats
from vendors.live.redis_client import live_redis
from vendors.live.report import live_event_report
from vendors.live.tasks import flush_live_counters_task

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def _visitor(n: int) -> str:
    return live_visitor_key(ip=f"10.0.{n // 256}.{n % 256}", user_agent="Mozilla/5.0 (iPhone) MicroMessenger")


def _forget_redis(event) -> None:
    """What a Redis restart without persistence does to the event's counters."""
    client = live_redis()
    client.delete(*client.keys(f"{settings.LIVE_KEY_PREFIX}:event:{event.pk}:*"))


def test_a_view_is_counted_in_redis_without_touching_the_database(db):
    # given
    event = make_event()
    # when
    with CaptureQueriesContext(connection) as queries:
        counted = live_view_record(event_id=event.pk, visitor_key=_visitor(1))
    # then
    assert counted is True
    assert len(queries) == 0
    assert int(live_redis().get(_keys(event.pk).views)) == 1
    assert not LiveEventStats.objects.exists()


def test_a_thousand_visitors_viewing_three_times_are_a_thousand_unique_viewers(db):
    # given
    event = make_event()
    # when
    for _round in range(3):
        for n in range(1000):
            live_view_record(event_id=event.pk, visitor_key=_visitor(n))
    stats = live_event_counters_flush(event=event)
    # then: views are exact, unique viewers a HyperLogLog estimate (standard error 0.81%: 3 sigma)
    assert stats.views == 3000
    assert 975 <= stats.unique_viewers <= 1025


def test_the_visitor_key_is_a_hash_that_never_holds_the_ip_address():
    # when
    by_ip = live_visitor_key(ip="203.0.113.7", user_agent="Mozilla/5.0")
    # then
    assert "203.0.113.7" not in by_ip and len(by_ip) == 32
    assert by_ip == live_visitor_key(ip="203.0.113.7", user_agent="Mozilla/5.0")
    assert by_ip != live_visitor_key(ip="203.0.113.7", user_agent="Mozilla/5.0 (Android)")
    assert live_visitor_key(session_key="abc", ip="203.0.113.7") != live_visitor_key(
        session_key="abd", ip="203.0.113.7"
    )
    assert live_visitor_key(user_id=7, session_key="abc") == live_visitor_key(user_id=7, session_key="new-after-login")


def test_the_flush_sets_values_so_running_it_twice_changes_nothing(db):
    # given
    event = make_event(starts_in=timedelta(minutes=-30))
    minute = event.starts_at + timedelta(minutes=5)
    for n in range(40):
        live_view_record(event_id=event.pk, visitor_key=_visitor(n), now=minute)
    for n in range(10):
        live_view_record(event_id=event.pk, visitor_key=_visitor(n), now=minute + timedelta(minutes=1))
    # when
    live_event_counters_flush(event=event)
    first = LiveEventStats.objects.values("views", "unique_viewers").get()
    live_event_counters_flush(event=event)
    # then
    assert first == {"views": 50, "unique_viewers": 40}
    assert LiveEventStats.objects.values("views", "unique_viewers").get() == first
    assert list(LiveEventMinute.objects.values_list("viewers", flat=True)) == [40, 10]
    report = live_event_report(event=event)
    assert (report.peak_viewers, report.peak_at) == (40, minute.replace(second=0, microsecond=0))


def test_after_a_flush_the_report_survives_losing_the_redis_keys_and_counting_goes_on(db):
    # given: 30 visitors seen and flushed
    event = make_event(starts_in=timedelta(minutes=-30))
    for n in range(30):
        live_view_record(event_id=event.pk, visitor_key=_visitor(n))
    live_event_counters_flush(event=event)
    # when: Redis forgets everything
    _forget_redis(event)
    # then: the report still reads the flushed figures
    report = live_event_report(event=event)
    assert (report.views, report.unique_viewers, report.peak_viewers) == (30, 30, 30)
    # when: 5 old and 10 new visitors come back, and the next flush runs (twice)
    for n in range(25, 40):
        live_view_record(event_id=event.pk, visitor_key=_visitor(n))
    live_event_counters_flush(event=event)
    live_event_counters_flush(event=event)
    # then: Redis was seeded with the stored figures: views add up, uniques don't count the 5 again
    stats = LiveEventStats.objects.get()
    assert (stats.views, stats.unique_viewers) == (45, 40)


def test_beat_flushes_events_live_or_ended_within_the_hour_only(db):
    # given
    live = make_event()
    just_ended = make_event(starts_in=timedelta(hours=-3, minutes=-30), hours=3)
    long_over = make_event(starts_in=timedelta(hours=-6), hours=3)
    upcoming = make_event(starts_in=timedelta(hours=2))
    for event in (live, just_ended, long_over, upcoming):
        live_view_record(event_id=event.pk, visitor_key=_visitor(1))
    # when
    flushed = flush_live_counters_task.delay().get()
    # then
    assert flushed == 2
    assert set(LiveEventStats.objects.values_list("event_id", flat=True)) == {live.pk, just_ended.pk}


def test_without_redis_a_view_is_not_counted_and_the_report_says_so(db, settings):
    # given
    settings.LIVE_REDIS_URL = ""
    event = make_event()
    # when
    counted = live_view_record(event_id=event.pk, visitor_key=_visitor(1))
    # then
    assert counted is False
    assert live_counters_flush() == 0
    report = live_event_report(event=event)
    assert (report.views, report.unique_viewers, report.peak_viewers, report.conversion) == (None, None, None, None)
    assert report.headline == "3 小时 · 售出 0 元"


def test_a_failing_redis_drops_the_view_not_the_page(db, settings):
    # given: nothing listens on this port
    settings.LIVE_REDIS_URL = "redis://127.0.0.1:9/0"
    event = make_event()
    # when / then
    assert live_view_record(event_id=event.pk, visitor_key=_visitor(1)) is False
    assert live_counters_flush() == 0
    assert not LiveEventStats.objects.exists()


def test_minute_numbers_are_whole_minutes_of_utc():
    # when / then
    assert _minute_number(datetime(2026, 11, 30, 12, 0, 59, tzinfo=UTC)) == _minute_number(
        datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
    )
