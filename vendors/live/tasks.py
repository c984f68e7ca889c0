"""Celery tasks of live sales: thin, idempotent."""

from celery import shared_task

from vendors.live.counters import live_counters_flush


@shared_task
def flush_live_counters_task() -> int:
    """Beat, every minute: copy the viewer counters of events live now or ended within the hour from Redis
    to the database (setting values: a repeated or overlapping run changes nothing)."""
    return live_counters_flush()
