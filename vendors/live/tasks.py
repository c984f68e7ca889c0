"""Celery tasks of live sales: thin, idempotent (beat runs both)."""

import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from vendors.live.counters import live_counters_flush
from vendors.live.models import LiveEvent, LiveItem
from vendors.live.placing import live_item_counters_reconcile, live_reservations_place

logger = logging.getLogger(__name__)
# Set while a placing task is queued or running: a crowd's thousands of taps queue one task, not thousands.
PLACING_SCHEDULED = "live:placing-scheduled"


def place_live_orders_soon() -> None:
    """After a won tap commits: make sure a worker will write its order (one queued task for any number of
    taps). Beat's ``place_live_orders_task`` every few seconds catches anything a lost message left."""
    try:
        if cache.add(PLACING_SCHEDULED, 1, timeout=30):
            place_live_orders_task.delay()
    except Exception:  # the broker or the cache is down: beat's sweep writes the order a few seconds later
        logger.warning("could not queue the writing of live orders: left for beat", exc_info=True)


@shared_task(acks_late=True)
def place_live_orders_task() -> int:
    """Write the orders of pending reservations, batch after batch, until none is left. Returns how many
    reservations it settled. The flag is cleared before each look, so a tap that commits after the last
    look queues a new task."""
    settled = 0
    while True:
        cache.delete(PLACING_SCHEDULED)
        done = live_reservations_place()
        if not done:
            return settled
        settled += done


@shared_task
def reconcile_live_counters_task() -> int:
    """Beat, every 30 s: the counters of items of events live now follow their orders (cancellations, lost
    reservations). Returns how many items it reconciled."""
    now = timezone.now()
    items = LiveItem.objects.filter(
        event__status=LiveEvent.Status.SCHEDULED, event__starts_at__lte=now, event__ends_at__gt=now
    ).values_list("pk", flat=True)
    for item_id in items:
        live_item_counters_reconcile(item_id=item_id)
    return len(items)


@shared_task
def flush_live_counters_task() -> int:
    """Beat, every minute: copy the viewer counters of events live now or ended within the hour from Redis
    to the database (setting values: a repeated or overlapping run changes nothing)."""
    return live_counters_flush()
