"""Celery tasks of the search index: keeping it in step with the catalogue."""

from celery import shared_task
from whoosh.index import LockError

from shop.search.index import product_search_index_catch_up, product_search_index_update


@shared_task(autoretry_for=(LockError,), retry_backoff=1, retry_backoff_max=30, max_retries=10)
def update_product_index_task(product_pk: int) -> None:
    product_search_index_update(product_pks=[product_pk])


@shared_task(acks_late=True)
def reindex_recent_products_task() -> int:
    """Beat (SEARCH_REINDEX_EVERY_SECONDS): re-index the products changed since the last run, so an
    update_product_index_task lost with the broker is made good within one interval."""
    return product_search_index_catch_up()
