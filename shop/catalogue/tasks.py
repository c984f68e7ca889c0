"""Celery tasks of the catalogue: search index upkeep, back-in-stock alerts."""

from celery import shared_task
from oscar.core.loading import get_class
from whoosh.index import LockError

from shop.catalogue.services import product_search_index_catch_up, product_search_index_update


@shared_task(autoretry_for=(LockError,), retry_backoff=1, retry_backoff_max=30, max_retries=10)
def update_product_index_task(product_pk: int) -> None:
    product_search_index_update(product_pks=[product_pk])


@shared_task(acks_late=True)
def reindex_recent_products_task() -> int:
    """Beat (SEARCH_REINDEX_EVERY_SECONDS): re-index the products changed since the last run, so an
    update_product_index_task lost with the broker is made good within one interval."""
    return product_search_index_catch_up()


@shared_task
def send_product_alerts_task() -> None:
    """Beat: e-mail the customers waiting for a product that is back in stock (Oscar's alerts),
    outside any order's transaction (OSCAR_EAGER_ALERTS is off)."""
    get_class("customer.alerts.utils", "AlertsDispatcher")().send_alerts()
