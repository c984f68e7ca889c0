"""Celery tasks of listings: thumbnails and search-index upkeep. Thin, idempotent, take primary keys."""

import logging

from celery import shared_task
from whoosh.index import LockError

from shop.catalogue.models import Product, ProductImage
from shop.search.index import product_search_index_update
from vendors.listings.uploads import ThumbnailNotGenerated, generate_thumbnails

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(LockError,), retry_backoff=1, max_retries=10)
def reindex_vendor_products_task(vendor_pk: int) -> None:
    """After a suspension or reinstatement: the search index follows the vendor's status."""
    product_search_index_update(
        product_pks=Product.objects.filter(stockrecords__partner__vendor=vendor_pk).values_list("pk", flat=True)
    )


@shared_task
def generate_thumbnails_task(image_pk: int) -> None:
    """Thumbnails ahead of the first viewer; if that fails sorl still makes them lazily on first view."""
    image = ProductImage.objects.filter(pk=image_pk).first()
    if image is None:
        return
    try:
        generate_thumbnails(image.original)
    except ThumbnailNotGenerated:
        logger.warning("thumbnails of product image %s not generated ahead of time", image_pk, exc_info=True)
