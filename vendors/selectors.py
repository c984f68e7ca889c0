"""Vendor-scoped reads: the one place that says what a vendor may see.

Rules:
- A user reaches the seller center only through an approved vendor whose
  partner lists the user (``seller_vendor_for_user``).
- A vendor sees only products whose stock record is its own, only its own
  lines of an order, and the shipping address of orders it has lines in.
  Someone else's object is "not found" (404), never "forbidden", so ids don't leak.
- A customer's order page shows, per vendor, the vendor's parcels (carrier,
  tracking number) and what is still to ship (``customer_order_shipping_by_vendor``);
  the order itself is the customer's own (Oscar's view looks it up by user).
- A vendor sees only its own earnings (``seller_earnings_*``), by months of Asia/Shanghai.
- A customer acts on a vendor's part only of an order of its own (``customer_order_part_get``); a guest
  only through its order's link, once Oscar's e-mail check passed (``guest_order_part_get``).
- The public sees products only of approved vendors (``hidden_vendor_products``);
  products of a platform partner without a vendor profile stay visible.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone
from oscar.core.loading import get_model

from vendors.earnings import ledger_sums, month_range
from vendors.models import EarningsEntry, OrderPart, Shipment, Vendor, VendorEvent, VendorInvitation

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")
Line = get_model("order", "Line")
ProductImage = get_model("catalogue", "ProductImage")
ShippingEventQuantity = get_model("order", "ShippingEventQuantity")
ProductReview = get_model("reviews", "ProductReview")

# Sales are counted by the calendar of the vendors' own time zone, whatever the request's.
SALES_TIME_ZONE = ZoneInfo("Asia/Shanghai")


def hidden_vendor_products() -> Exists:
    """True for products whose vendor is not approved (pending, rejected, suspended); use in filter/exclude."""
    hidden = (
        StockRecord.objects.filter(product=OuterRef("pk"))
        .exclude(partner__vendor__isnull=True)
        .exclude(partner__vendor__status=Vendor.Status.APPROVED)
    )
    return Exists(hidden)


def seller_vendor_for_user(user, *, include_suspended: bool = False) -> Vendor | None:
    """The approved vendor this user works for, if any.

    ``include_suspended``: a suspended vendor still ships the orders it already
    has, so its order pages (only those) admit it.
    """
    if not user.is_authenticated:
        return None
    statuses = [Vendor.Status.APPROVED] + ([Vendor.Status.SUSPENDED] if include_suspended else [])
    return Vendor.objects.select_related("partner").filter(status__in=statuses, partner__users=user).first()


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


def seller_product_image_get(*, vendor: Vendor, product_pk: int, image_pk: int):
    """A photo of one of the vendor's products; Http404 for anyone else's (or a photo of another product)."""
    try:
        return ProductImage.objects.select_related("product").get(
            pk=image_pk, product_id=product_pk, product__stockrecords__partner=vendor.partner
        )
    except ProductImage.DoesNotExist as missing:
        raise Http404 from missing


def _shipped_quantity() -> Coalesce:
    """A line's quantity in vendor parcels (shipping events with a Shipment), for annotate()."""
    shipped = (
        ShippingEventQuantity.objects.filter(line=OuterRef("pk"), event__shipment__isnull=False)
        .values("line")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(shipped, output_field=IntegerField()), Value(0))


def seller_order_list(*, vendor: Vendor) -> QuerySet:
    """Orders with at least one of the vendor's lines; each carries only those lines as ``vendor_lines``.

    Each of those lines carries ``shipped_quantity`` (what the vendor's parcels hold); the order carries
    the vendor's own part (status) as ``vendor_part_list`` (empty for orders placed before parts).
    """
    own_lines = (
        Line.objects.filter(partner=vendor.partner).annotate(shipped_quantity=_shipped_quantity()).order_by("pk")
    )
    return (
        Order.objects.filter(Exists(Line.objects.filter(order=OuterRef("pk"), partner=vendor.partner)))
        .select_related("shipping_address")
        .prefetch_related(
            Prefetch("lines", queryset=own_lines, to_attr="vendor_lines"),
            Prefetch("vendor_parts", queryset=OrderPart.objects.filter(vendor=vendor), to_attr="vendor_part_list"),
        )
        .order_by("-date_placed", "-pk")
    )


def seller_orders_to_ship(*, vendor: Vendor) -> QuerySet:
    """The vendor's orders with at least one own line not fully shipped yet."""
    unshipped = (
        Line.objects.filter(order=OuterRef("pk"), partner=vendor.partner)
        .annotate(shipped_quantity=_shipped_quantity())
        .filter(quantity__gt=F("shipped_quantity"))
    )
    return seller_order_list(vendor=vendor).filter(Exists(unshipped))


def seller_order_get(*, vendor: Vendor, number: str):
    """One order as the vendor sees it (its lines only); Http404 if it has none of them."""
    try:
        return seller_order_list(vendor=vendor).get(number=number)
    except Order.DoesNotExist as missing:
        raise Http404 from missing


def seller_order_shipments(*, vendor: Vendor, order) -> QuerySet:
    """The vendor's own parcels of one order (never another vendor's), with their lines and quantities."""
    return (
        Shipment.objects.filter(vendor=vendor, event__order=order)
        .select_related("event")
        .prefetch_related("event__line_quantities__line")
        .order_by("created_at", "pk")
    )


def seller_sales_totals(*, vendor: Vendor, now: datetime | None = None) -> dict[str, Decimal]:
    """Sum of the vendor's own lines (incl. tax) of orders placed today and this month, in Asia/Shanghai.

    A part the buyer cancelled is no sale.
    """
    local_now = timezone.localtime(now or timezone.now(), SALES_TIME_ZONE)
    day_start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = day_start.replace(day=1)
    zero = Value(Decimal("0.00"), output_field=DecimalField(max_digits=12, decimal_places=2))
    cancelled = OrderPart.objects.filter(order=OuterRef("order"), vendor=vendor, status=OrderPart.Status.CANCELLED)
    lines = Line.objects.filter(partner=vendor.partner, order__date_placed__gte=month_start).exclude(Exists(cancelled))
    return lines.aggregate(
        today=Coalesce(Sum("line_price_incl_tax", filter=Q(order__date_placed__gte=day_start)), zero),
        month=Coalesce(Sum("line_price_incl_tax"), zero),
    )


@dataclass
class Parcel:
    carrier: str
    tracking_number: str
    shipped_at: datetime
    lines: list[tuple[str, int]] = field(default_factory=list)  # (description, quantity)


@dataclass
class VendorShipping:
    name: str
    part: OrderPart | None = None  # None for orders placed before parts
    parcels: list[Parcel] = field(default_factory=list)
    waiting: list[tuple[str, int]] = field(default_factory=list)  # (description, quantity not shipped yet)


def customer_order_shipping_by_vendor(*, order) -> list[VendorShipping]:
    """Per vendor of the order (in line order): its part, its parcels and its lines not fully shipped yet.

    Four queries, whatever the number of lines and parcels.
    """
    lines = list(order.lines.select_related("partner__vendor").prefetch_related("attributes").order_by("pk"))
    parts = {part.vendor_id: part for part in OrderPart.objects.filter(order_id=order.pk)}
    quantities = (
        ShippingEventQuantity.objects.filter(event__order=order, event__shipment__isnull=False)
        .select_related("event__shipment")
        .order_by("event__date_created", "event_id", "pk")
    )
    groups: dict = {}
    for line in lines:
        vendor = getattr(line.partner, "vendor", None) if line.partner_id else None
        if line.partner_id not in groups:
            groups[line.partner_id] = VendorShipping(
                name=vendor.name if vendor else line.partner_name, part=parts.get(vendor.pk) if vendor else None
            )
    parcels: dict[int, Parcel] = {}
    shipped: dict[int, int] = {}
    by_pk = {line.pk: line for line in lines}
    for quantity in quantities:
        line = by_pk[quantity.line_id]
        shipment = quantity.event.shipment
        if shipment.pk not in parcels:
            parcels[shipment.pk] = Parcel(shipment.get_carrier_display(), shipment.tracking_number, shipment.created_at)
            groups[line.partner_id].parcels.append(parcels[shipment.pk])
        parcels[shipment.pk].lines.append((line.description, quantity.quantity))
        shipped[line.pk] = shipped.get(line.pk, 0) + quantity.quantity
    for line in lines:
        if line.quantity > shipped.get(line.pk, 0):
            groups[line.partner_id].waiting.append((line.description, line.quantity - shipped.get(line.pk, 0)))
    return list(groups.values())


def seller_low_stock(*, vendor: Vendor) -> QuerySet:
    """The vendor's stock records at or below their low-stock threshold."""
    return (
        StockRecord.objects.filter(partner=vendor.partner, low_stock_threshold__isnull=False)
        .filter(num_in_stock__lte=Coalesce(F("num_allocated"), 0) + F("low_stock_threshold"))
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


def storefront_vendor_products(*, vendor: Vendor) -> QuerySet:
    """The vendor's browsable products for its storefront, newest first.

    Loaded for Oscar's product pods (stock records with partner and vendor,
    images, class): a fixed number of queries whatever the page size.
    """
    return (
        Product.objects.browsable()
        .base_queryset()
        .filter(stockrecords__partner=vendor.partner)
        .prefetch_related("stockrecords__partner__vendor")
        .order_by("-date_created", "-pk")
    )


def storefront_vendor_rating(*, vendor: Vendor) -> dict:
    """Average score and count of the approved reviews of the vendor's public products."""
    return ProductReview.objects.filter(
        status=ProductReview.APPROVED,
        product__is_public=True,
        product__stockrecords__partner=vendor.partner,
    ).aggregate(average=Avg("score"), count=Count("pk"))


def vendor_admin_list(*, status: str | None = None, county: str | None = None) -> QuerySet:
    """Every vendor (any status) for the admins' dashboard, newest first, optionally filtered."""
    vendors = Vendor.objects.select_related("applicant", "partner")
    if status:
        vendors = vendors.filter(status=status)
    if county:
        vendors = vendors.filter(county=county)
    return vendors.order_by("-created_at", "-pk")


def vendor_admin_counties() -> list[str]:
    """The counties of all vendors, whatever their status, for the dashboard's filter."""
    return list(Vendor.objects.order_by("county").values_list("county", flat=True).distinct())


def vendor_admin_get(*, pk: int) -> Vendor:
    """One vendor with what the dashboard shows: applicant, categories, audit trail, invitations; Http404."""
    try:
        return (
            Vendor.objects.select_related("applicant", "partner")
            .prefetch_related(
                "main_categories",
                "partner__users",
                Prefetch("events", queryset=VendorEvent.objects.select_related("actor")),
                Prefetch(
                    "invitations",
                    queryset=VendorInvitation.objects.select_related("accepted_by").order_by("-created_at", "-pk"),
                ),
            )
            .get(pk=pk)
        )
    except Vendor.DoesNotExist as missing:
        raise Http404 from missing


def seller_earnings_by_month(*, vendor: Vendor) -> list[dict]:
    """The vendor's earnings per calendar month of Asia/Shanghai, newest first.

    Each row: month (date, first day), count, goods_total, shipping_total, commission, net,
    unpaid_count and paid (every entry of the month is in a payout).
    """
    rows = (
        EarningsEntry.objects.filter(vendor=vendor)
        .annotate(month=TruncMonth("booked_at", tzinfo=SALES_TIME_ZONE))
        .values("month")
        .annotate(**ledger_sums())
        .order_by("-month")
    )
    return [
        {
            "month": timezone.localtime(row["month"], SALES_TIME_ZONE).date()
            if isinstance(row["month"], datetime)
            else row["month"],
            "count": row["count"],
            "goods_total": row["goods_total"],
            "shipping_total": row["shipping_total"],
            "commission": row["commission_total"],
            "net": row["net_total"],
            "unpaid_count": row["unpaid_count"],
            "paid": row["unpaid_count"] == 0,
        }
        for row in rows
    ]


def seller_earnings_entries(*, vendor: Vendor, month) -> QuerySet:
    """The vendor's own ledger entries booked in ``month`` (a date, first day; Asia/Shanghai), oldest first."""
    start, end = month_range(month)
    return (
        EarningsEntry.objects.filter(vendor=vendor, booked_at__gte=start, booked_at__lt=end)
        .select_related("part__order", "payout")
        .order_by("booked_at", "pk")
    )


def customer_order_part_get(*, user, number: str, pk: int) -> OrderPart:
    """A vendor's part of one of the user's own orders; Http404 for anyone else's order (or a guest)."""
    if not user.is_authenticated:
        raise Http404
    try:
        return OrderPart.objects.select_related("order", "vendor").get(pk=pk, order__number=number, order__user=user)
    except OrderPart.DoesNotExist as missing:
        raise Http404 from missing


def guest_order_part_get(*, order, pk: int) -> OrderPart:
    """A vendor's part of a guest's order the guest has proven (Oscar's anon-order check); Http404 otherwise."""
    if order is None or order.user_id is not None:
        raise Http404
    try:
        return OrderPart.objects.select_related("order", "vendor").get(pk=pk, order=order)
    except OrderPart.DoesNotExist as missing:
        raise Http404 from missing
