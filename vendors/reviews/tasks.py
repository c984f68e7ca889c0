"""Celery tasks of reviews: thumbnails of review photos. Thin, idempotent, take primary keys."""

import logging

from celery import shared_task

from vendors.listings.uploads import ThumbnailNotGenerated, generate_thumbnails
from vendors.models import ReviewPhoto

logger = logging.getLogger(__name__)


@shared_task
def generate_review_photo_thumbnails_task(photo_pk: int) -> None:
    """Thumbnails ahead of the first viewer; if that fails sorl still makes them lazily on first view."""
    photo = ReviewPhoto.objects.filter(pk=photo_pk).first()
    if photo is None:
        return
    try:
        generate_thumbnails(photo.image)
    except ThumbnailNotGenerated:
        logger.warning("thumbnails of review photo %s not generated ahead of time", photo_pk, exc_info=True)
