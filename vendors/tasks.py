"""Celery tasks of the marketplace layer: thin, idempotent, take primary keys."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from oscar.core.loading import get_model
from whoosh.index import LockError

from shop.catalogue.services import product_search_index_update

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(Exception,), retry_backoff=2, max_retries=5)
def notify_vendor_event_task(event_pk: int) -> None:
    """Tell the vendor's contact about a decision on its shop (approved, rejected, suspended, reinstated)."""
    from vendors.models import VendorEvent

    event = VendorEvent.objects.select_related("vendor__applicant").filter(pk=event_pk).first()
    if event is None or event.action not in ("approved", "rejected", "suspended", "reinstated"):
        return
    user = event.vendor.applicant
    if user is None or not user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("vendors/email/event_subject.txt", {"event": event}).strip()
        body = render_to_string("vendors/email/event_body.txt", {"event": event})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


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
