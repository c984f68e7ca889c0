"""Celery tasks of fulfilment: thin, idempotent."""

from celery import shared_task

from vendors.fulfilment.services import order_parts_auto_deliver


@shared_task
def auto_deliver_parts_task() -> int:
    """Beat, hourly: parts shipped more than VENDOR_AUTO_DELIVER_DAYS ago count as delivered (earnings booked)."""
    return order_parts_auto_deliver()
