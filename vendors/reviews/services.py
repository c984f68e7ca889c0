"""Review writes.

Rules:
- A buyer reviews a line of its own order once the shop's part of the order is delivered, and each
  line once: the line is locked while the review is written, and a unique order line is the backstop.
- The review is a score from 1 to 5 stars and a text; Oscar's title is the text's first words.
- It may carry up to REVIEW_PHOTOS_MAX photos, re-encoded by the form (vendors.listings.uploads) like a
  product photo; their thumbnails are made by a task after commit.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shop.catalogue.reviews.models import ProductReview
from shop.core.celery_utils import enqueue_on_commit
from shop.order.models import Line
from vendors.models import ReviewPhoto
from vendors.reviews.selectors import buyer_reviewable_lines
from vendors.reviews.tasks import generate_review_photo_thumbnails_task

TITLE_LENGTH = 30
REVIEW_PHOTOS_MAX = 3


class ReviewNotAllowed(Exception):
    """The line is not the buyer's, not delivered yet, or already reviewed."""

    def __init__(self):
        super().__init__(_("This purchase cannot be reviewed: it is not delivered yet, or you reviewed it already."))


class TooManyReviewPhotos(Exception):
    """More photos than a review may carry."""

    def __init__(self):
        super().__init__(_("A review can have at most %(max)s photos.") % {"max": REVIEW_PHOTOS_MAX})


def review_title(body: str) -> str:
    """The review's first line, cut to a short title."""
    first = body.strip().splitlines()[0].strip()
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1] + "…"


@transaction.atomic
def review_write(*, buyer, line: Line, score: int, body: str, photos=()) -> ProductReview:
    """Write the buyer's review of one delivered order line, with its photos (re-encoded uploads).

    Raises ReviewNotAllowed if the line is not the buyer's, its shop's part is not delivered, or it
    has a review already; TooManyReviewPhotos beyond REVIEW_PHOTOS_MAX photos.
    """
    if len(photos) > REVIEW_PHOTOS_MAX:
        raise TooManyReviewPhotos()
    Line.objects.select_for_update().filter(pk=line.pk).first()
    if not buyer_reviewable_lines(user=buyer).filter(pk=line.pk).exists():
        raise ReviewNotAllowed()
    review = ProductReview(
        product=line.product, user=buyer, order_line=line, score=score, title=review_title(body), body=body.strip()
    )
    review.full_clean()
    review.save()
    for order, content in enumerate(photos):
        photo = ReviewPhoto(review=review, display_order=order)
        photo.image.save(content.name, content, save=False)
        photo.save()
        enqueue_on_commit(generate_review_photo_thumbnails_task, photo.pk)
    return review
