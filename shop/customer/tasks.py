"""Celery tasks of Oscar's customer app: back-in-stock alerts, outside any order's transaction."""

from celery import shared_task
from oscar.core.loading import get_class


@shared_task
def send_product_alerts_task() -> None:
    """Beat: e-mail the customers waiting for a product that is back in stock (Oscar's alerts),
    outside any order's transaction (OSCAR_EAGER_ALERTS is off)."""
    get_class("customer.alerts.utils", "AlertsDispatcher")().send_alerts()
