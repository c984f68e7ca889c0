"""Celery tasks of the marketplace layer: thin, idempotent, take primary keys."""

import logging

from celery import shared_task
from oscar.core.loading import get_model
from whoosh.index import LockError

from shop.catalogue.services import product_search_index_update

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
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
    from vendors.uploads import ThumbnailNotGenerated, generate_thumbnails

    image = ProductImage.objects.filter(pk=image_pk).first()
    if image is None:
        return
    try:
        generate_thumbnails(image.original)
    except ThumbnailNotGenerated:
        logger.warning("thumbnails of product image %s not generated ahead of time", image_pk, exc_info=True)


@shared_task
def auto_deliver_parts_task() -> int:
    """Beat, hourly: parts shipped more than VENDOR_AUTO_DELIVER_DAYS ago count as delivered (earnings booked)."""
    from vendors.orders import order_parts_auto_deliver

    return order_parts_auto_deliver()
