"""Celery tasks of live sales: thin, idempotent (beat runs both)."""

from celery import shared_task
from django.utils import timezone

from vendors.live.counters import live_counters_flush
from vendors.live.models import LiveEvent, LiveItem
from vendors.live.services import live_item_counters_reconcile


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
