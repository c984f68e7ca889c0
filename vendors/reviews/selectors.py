"""Review reads: which of a buyer's order lines may be reviewed, and a shop's rating.

Rules:
- Only a buyer reviews, and only what was delivered to it: a line of its own order whose shop's part of
  the order is delivered, of a product still in the catalogue, not reviewed yet (one review per line).
- A shop's rating is the average of the approved reviews of purchases of its public products; a review
  that reviews no purchase (written before reviews were tied to orders) does not count.
"""

from django.db.models import Avg, Count, Exists, OuterRef, QuerySet

from shop.catalogue.reviews.models import ProductReview
from shop.order.models import Line
from vendors.models import OrderPart, Vendor


def _delivered_part() -> Exists:
    return Exists(
        OrderPart.objects.filter(
            order=OuterRef("order"), vendor__partner=OuterRef("partner"), status=OrderPart.Status.DELIVERED
        )
    )


def buyer_reviewable_lines(*, user) -> QuerySet:
    """The buyer's delivered, not yet reviewed order lines (none for a visitor)."""
    if not user.is_authenticated:
        return Line.objects.none()
    return Line.objects.filter(_delivered_part(), order__user=user, product__isnull=False, review__isnull=True)


def buyer_reviewable_line(*, user, product, line_pk) -> Line | None:
    """The buyer's line of ``product`` to review: the one asked for (``line_pk``) or, with none asked
    for, its oldest delivered line of the product not reviewed yet; None if there is nothing to review."""
    lines = buyer_reviewable_lines(user=user).filter(product=product).order_by("pk")
    if line_pk not in (None, ""):
        try:
            lines = lines.filter(pk=int(line_pk))
        except (TypeError, ValueError):
            return None
    return lines.first()


def order_line_review_states(*, order, user) -> dict[int, str]:
    """Each line of the buyer's order that may be reviewed ("write") or was reviewed ("done")."""
    if not user.is_authenticated or order.user_id != user.pk:
        return {}
    reviewed = ProductReview.objects.filter(order_line__order=order).values_list("order_line", flat=True)
    states = dict.fromkeys(reviewed, "done")
    for pk in buyer_reviewable_lines(user=user).filter(order=order).values_list("pk", flat=True):
        states[pk] = "write"
    return states


def product_reviews(*, queryset: QuerySet) -> QuerySet:
    """Reviews as a page shows them: with the reviewer and the photos (one query more, however many)."""
    return queryset.select_related("user").prefetch_related("photos")


def vendor_rating(*, vendor: Vendor) -> dict:
    """Average score and count of the approved purchase reviews of the vendor's public products."""
    return ProductReview.objects.filter(
        status=ProductReview.APPROVED,
        order_line__isnull=False,
        product__is_public=True,
        product__stockrecords__partner=vendor.partner,
    ).aggregate(average=Avg("score"), count=Count("pk"))
