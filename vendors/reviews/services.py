"""Review writes.

Rules:
- A buyer reviews a line of its own order once the shop's part of the order is delivered, and each
  line once: the line is locked while the review is written, and a unique order line is the backstop.
- The review is a score from 1 to 5 stars and a text; Oscar's title is the text's first words.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shop.catalogue.reviews.models import ProductReview
from shop.order.models import Line
from vendors.reviews.selectors import buyer_reviewable_lines

TITLE_LENGTH = 30


class ReviewNotAllowed(Exception):
    """The line is not the buyer's, not delivered yet, or already reviewed."""

    def __init__(self):
        super().__init__(_("This purchase cannot be reviewed: it is not delivered yet, or you reviewed it already."))


def review_title(body: str) -> str:
    """The review's first line, cut to a short title."""
    first = body.strip().splitlines()[0].strip()
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1] + "…"


@transaction.atomic
def review_write(*, buyer, line: Line, score: int, body: str) -> ProductReview:
    """Write the buyer's review of one delivered order line.

    Raises ReviewNotAllowed if the line is not the buyer's, its shop's part is not delivered, or it
    has a review already.
    """
    Line.objects.select_for_update().filter(pk=line.pk).first()
    if not buyer_reviewable_lines(user=buyer).filter(pk=line.pk).exists():
        raise ReviewNotAllowed()
    review = ProductReview(
        product=line.product, user=buyer, order_line=line, score=score, title=review_title(body), body=body.strip()
    )
    review.full_clean()
    review.save()
    return review
