"""Vendor-scoped reads: the one place that says what a vendor may see.

Rules:
- A user reaches the seller center only through an approved vendor whose
  partner lists the user (``seller_vendor_for_user``).
- A vendor sees only products whose stock record is its own, only its own
  lines of an order, and the shipping address of orders it has lines in.
  Someone else's object is "not found" (404), never "forbidden", so ids don't leak.
- The public sees products only of approved vendors (``hidden_vendor_products``);
  products of a platform partner without a vendor profile stay visible.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from oscar.core.loading import get_model

from vendors.models import Vendor

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")
Line = get_model("order", "Line")


def hidden_vendor_products() -> Exists:
    """True for products whose vendor is not approved (pending, rejected, suspended); use in filter/exclude."""
    hidden = (
        StockRecord.objects.filter(product=OuterRef("pk"))
        .exclude(partner__vendor__isnull=True)
        .exclude(partner__vendor__status=Vendor.Status.APPROVED)
    )
    return Exists(hidden)


def seller_vendor_for_user(user) -> Vendor | None:
    """The approved vendor this user works for, if any."""
    if not user.is_authenticated:
        return None
    return Vendor.objects.select_related("partner").filter(status=Vendor.Status.APPROVED, partner__users=user).first()


def vendor_application_for_user(user) -> Vendor | None:
    """The vendor profile this user applied for or works for, whatever its status."""
    if not user.is_authenticated:
        return None
    return Vendor.objects.filter(Q(applicant=user) | Q(partner__users=user)).order_by("-created_at").first()


def seller_product_list(*, vendor: Vendor) -> QuerySet:
    """The vendor's own products, public or delisted, newest first."""
    return (
        Product.objects.filter(stockrecords__partner=vendor.partner, parent=None)
        .select_related("product_class")
        .prefetch_related("stockrecords", "images")
        .order_by("-date_created", "-pk")
    )


def seller_product_get(*, vendor: Vendor, pk: int):
    """One of the vendor's products; Http404 for anyone else's."""
    try:
        return seller_product_list(vendor=vendor).get(pk=pk)
    except Product.DoesNotExist as missing:
        raise Http404 from missing


def seller_stockrecord_get(*, vendor: Vendor, product) -> StockRecord:
    return StockRecord.objects.get(product=product, partner=vendor.partner)


def seller_order_list(*, vendor: Vendor) -> QuerySet:
    """Orders with at least one of the vendor's lines; each carries only those lines as ``vendor_lines``."""
    own_lines = Line.objects.filter(partner=vendor.partner).order_by("pk")
    return (
        Order.objects.filter(Exists(Line.objects.filter(order=OuterRef("pk"), partner=vendor.partner)))
        .select_related("shipping_address")
        .prefetch_related(Prefetch("lines", queryset=own_lines, to_attr="vendor_lines"))
        .order_by("-date_placed", "-pk")
    )


def seller_order_get(*, vendor: Vendor, number: str):
    """One order as the vendor sees it (its lines only); Http404 if it has none of them."""
    try:
        order = seller_order_list(vendor=vendor).get(number=number)
    except Order.DoesNotExist as missing:
        raise Http404 from missing
    for line in order.vendor_lines:
        line.shipped_quantity = sum(
            q.quantity for q in line.shipping_event_quantities.all() if hasattr(q.event, "shipment")
        )
    return order


def seller_low_stock(*, vendor: Vendor) -> QuerySet:
    """The vendor's stock records at or below their low-stock threshold."""
    from django.db.models import F

    return (
        StockRecord.objects.filter(partner=vendor.partner, low_stock_threshold__isnull=False)
        .filter(num_in_stock__lte=F("num_allocated") + F("low_stock_threshold"))
        .select_related("product")
        .order_by("product__title")
    )


def storefront_vendor_list(*, county: str | None = None) -> QuerySet:
    """Approved vendors with their count of public products, optionally in one county."""
    vendors = Vendor.objects.filter(status=Vendor.Status.APPROVED)
    if county:
        vendors = vendors.filter(county=county)
    return vendors.annotate(
        product_count=Count(
            "partner__stockrecords__product",
            filter=Q(partner__stockrecords__product__is_public=True, partner__stockrecords__product__parent=None),
            distinct=True,
        )
    ).order_by("county", "name")


def storefront_counties() -> list[str]:
    return list(
        Vendor.objects.filter(status=Vendor.Status.APPROVED)
        .order_by("county")
        .values_list("county", flat=True)
        .distinct()
    )


def storefront_vendor_get(*, slug: str) -> Vendor:
    try:
        return Vendor.objects.select_related("partner").get(slug=slug, status=Vendor.Status.APPROVED)
    except Vendor.DoesNotExist as missing:
        raise Http404 from missing


def product_vendor(product) -> Vendor | None:
    """The vendor a product belongs to (through its one stock record)."""
    return Vendor.objects.filter(partner__stockrecords__product=product).first()
