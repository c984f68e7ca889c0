"""Fulfilment reads: a vendor's lines of orders, a buyer's view of each shop's parcels, what is due.

Rules:
- A vendor sees only its own lines of an order, and the shipping address of orders it has lines in;
  someone else's order is a 404 (``seller_order_*``).
- An order's lines are grouped by shop in one place (``order_vendor_groups``): the thank-you page,
  the buyer's order pages and the dashboard's order page show the same groups (a basket's lines are
  grouped by vendors.fulfilment.shipping.basket_vendor_groups, with each parcel's charge).
- A customer acts on a vendor's part only of an order of its own (``customer_order_part_get``); a guest
  only through its order's link, once Oscar's e-mail check passed (``guest_order_part_get``).
- Cash on delivery: the buyer owes the goods and shipping of the parts not cancelled; an order without parts
  owes its total. One expression says so (``order_amount_owed``), for one order (``order_amount_due``) and
  for lists (annotated on a queryset), so every page shows the same figure after a partial cancellation.
- The buyer's order list is split in tabs by the order's overall status (``ORDER_TABS``); a card shows
  what is still to pay on delivery (``order_amount_to_pay``: the parts neither cancelled nor delivered).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import (
    Case,
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
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from shop.order.models import Line, Order, ShippingEventQuantity
from vendors.models import OrderPart, OrderStatus, Shipment, Vendor


def shipped_quantity() -> Coalesce:
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
    own_lines = Line.objects.filter(partner=vendor.partner).annotate(shipped_quantity=shipped_quantity()).order_by("pk")
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
        .annotate(shipped_quantity=shipped_quantity())
        .filter(quantity__gt=F("shipped_quantity"))
    )
    return seller_order_list(vendor=vendor).filter(Exists(unshipped))


def seller_order_get(*, vendor: Vendor, number: str):
    """One order as the vendor sees it (its lines only); Http404 if it has none of them."""
    return get_object_or_404(seller_order_list(vendor=vendor), number=number)


def seller_order_shipments(*, vendor: Vendor, order) -> QuerySet:
    """The vendor's own parcels of one order (never another vendor's), with their lines and quantities."""
    return (
        Shipment.objects.filter(vendor=vendor, event__order=order)
        .select_related("event")
        .prefetch_related("event__line_quantities__line")
        .order_by("created_at", "pk")
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
    quantities = (
        ShippingEventQuantity.objects.filter(event__order=order, event__shipment__isnull=False)
        .select_related("event__shipment")
        .order_by("event__date_created", "event_id", "pk")
    )
    groups: dict[int, VendorShipping] = {}  # by line
    lines = {}
    shops = []
    for part, part_lines in order_vendor_groups(order):
        vendor = getattr(part_lines[0].partner, "vendor", None) if part_lines[0].partner_id else None
        group = VendorShipping(name=vendor.name if vendor else part_lines[0].partner_name, part=part)
        shops.append(group)
        for line in part_lines:
            groups[line.pk] = group
            lines[line.pk] = line
    parcels: dict[int, Parcel] = {}
    shipped: dict[int, int] = {}
    for quantity in quantities:
        line = lines[quantity.line_id]
        shipment = quantity.event.shipment
        if shipment.pk not in parcels:
            parcels[shipment.pk] = Parcel(shipment.get_carrier_display(), shipment.tracking_number, shipment.created_at)
            groups[line.pk].parcels.append(parcels[shipment.pk])
        parcels[shipment.pk].lines.append((line.description, quantity.quantity))
        shipped[line.pk] = shipped.get(line.pk, 0) + quantity.quantity
    for line in lines.values():
        if line.quantity > shipped.get(line.pk, 0):
            groups[line.pk].waiting.append((line.description, line.quantity - shipped.get(line.pk, 0)))
    return shops


def customer_order_part_get(*, user, number: str, pk: int) -> OrderPart:
    """A vendor's part of one of the user's own orders; Http404 for anyone else's order (or a guest)."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        OrderPart.objects.select_related("order", "vendor"), pk=pk, order__number=number, order__user=user
    )


def guest_order_part_get(*, order, pk: int) -> OrderPart:
    """A vendor's part of a guest's order the guest has proven (Oscar's anon-order check); Http404 otherwise."""
    if order is None or order.user_id is not None:
        raise Http404
    return get_object_or_404(OrderPart.objects.select_related("order", "vendor"), pk=pk, order=order)


def order_vendor_groups(order) -> list[tuple[OrderPart | None, list]]:
    """An order's lines grouped by shop (their partner), in line order: [(part, lines), ...].

    The one grouping of an order by shop. ``part`` is None for a partner without a vendor profile and for
    orders placed before parts. Four queries (parts, lines with product and vendor, images, attributes).
    """
    parts = {part.vendor.partner_id: part for part in order.vendor_parts.select_related("vendor")}
    lines = (
        order.lines.select_related("product", "partner__vendor")
        .prefetch_related("product__images", "attributes")
        .order_by("pk")
    )
    groups: dict[int | None, tuple[OrderPart | None, list]] = {}
    for line in lines:
        groups.setdefault(line.partner_id, (parts.get(line.partner_id), []))[1].append(line)
    return list(groups.values())


def order_amount_owed():
    """An expression on Order: what the buyer still owes, the goods and shipping of its parts not cancelled
    (0.00 once every part is cancelled); its total when it has no parts (placed before parts)."""
    money = DecimalField(max_digits=12, decimal_places=2)
    kept = (
        OrderPart.objects.filter(order_id=OuterRef("pk"))
        .exclude(status=OrderPart.Status.CANCELLED)
        .values("order_id")
        .annotate(owed=Sum(F("goods_total") + F("shipping_charge"), output_field=money))
        .values("owed")
    )
    return Case(
        When(
            Exists(OrderPart.objects.filter(order_id=OuterRef("pk"))),
            then=Coalesce(Subquery(kept, output_field=money), Value(Decimal("0.00"), output_field=money)),
        ),
        default=F("total_incl_tax"),
        output_field=money,
    )


def orders_with_amount_owed(queryset: QuerySet) -> QuerySet:
    """The orders, each with ``amount_owed`` (``order_amount_owed``), for lists and sums."""
    return queryset.annotate(amount_owed=order_amount_owed())


def order_amount_due(*, order) -> Decimal | None:
    """What the buyer pays on delivery (``order_amount_owed``); None for an order without parts."""
    row = (
        Order.objects.filter(pk=order.pk)
        .annotate(owed=order_amount_owed(), has_parts=Exists(OrderPart.objects.filter(order_id=OuterRef("pk"))))
        .values_list("owed", "has_parts")
        .first()
    )
    return row[0] if row and row[1] else None


def order_amount_cancelled(*, order) -> Decimal:
    """What the cancelled parts of the order came to (goods and shipping), no longer owed."""
    money = DecimalField(max_digits=12, decimal_places=2)
    total = OrderPart.objects.filter(order_id=order.pk, status=OrderPart.Status.CANCELLED).aggregate(
        total=Sum(F("goods_total") + F("shipping_charge"), output_field=money)
    )["total"]
    return total or Decimal("0.00")


# The buyer's order list tabs: the order's overall status (vendors.fulfilment.services.order_status_derive)
# -> its tab. A partly shipped order waits for parcels to arrive; a partly cancelled one (nothing
# shipped yet) waits to be shipped; a cancelled order is only under "all".
ORDER_TABS: dict[str, tuple[str, ...]] = {
    "to-ship": (OrderStatus.WAITING, OrderStatus.PARTLY_CANCELLED),
    "to-receive": (OrderStatus.PARTLY_SHIPPED, OrderStatus.SHIPPED),
    "done": (OrderStatus.DELIVERED,),
}


def customer_order_tab_counts(*, orders: QuerySet) -> dict[str, int]:
    """How many of ``orders`` each tab holds ("all" too), in one query."""
    return orders.aggregate(
        all=Count("pk"), **{tab: Count("pk", filter=Q(status__in=statuses)) for tab, statuses in ORDER_TABS.items()}
    )


def customer_orders_in_tab(*, orders: QuerySet, tab: str) -> QuerySet:
    """``orders`` in the tab (all of them for an unknown tab), each with its parts and their shops."""
    if tab in ORDER_TABS:
        orders = orders.filter(status__in=ORDER_TABS[tab])
    return orders.prefetch_related(
        Prefetch("vendor_parts", queryset=OrderPart.objects.select_related("vendor").order_by("pk"))
    )


def order_amount_to_pay(*, order) -> Decimal | None:
    """What the buyer still pays on delivery: the parts neither cancelled nor delivered yet; None without
    parts. Reads the prefetched parts (customer_orders_in_tab)."""
    parts = list(order.vendor_parts.all())
    if not parts:
        return None
    open_parts = (OrderPart.Status.WAITING, OrderPart.Status.SHIPPED)
    return sum((part.total for part in parts if part.status in open_parts), Decimal("0.00"))
