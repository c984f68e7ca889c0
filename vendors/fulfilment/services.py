"""A vendor's part of an order after it is placed: shipped, delivered, cancelled; the order's overall status.

Rules:
- A part moves waiting -> shipped -> delivered, or waiting -> cancelled; nothing else.
  Every move locks the part row (select_for_update), so a shipment, a cancellation and a
  confirmation of the same part cannot both win.
- A part is shipped when every one of the vendor's lines of the order is fully in the vendor's
  parcels (a partial parcel leaves it waiting). A cancelled part ships nothing (vendor_lines_ship
  refuses it with ShipmentRefused).
- The buyer cancels only a waiting part with nothing shipped: its lines' stock allocations are
  released (Oscar's EventHandler.cancel_stock_allocations: never below 0) and the vendor is told.
- A shipped part becomes delivered when the buyer confirms receipt, or VENDOR_AUTO_DELIVER_DAYS
  after it shipped (vendors.fulfilment.tasks.auto_deliver_parts_task); either way the vendor's earnings entry is
  booked (vendors.earnings.services.earnings_book) in the same transaction.
- The order's overall status is derived from its parts by one function (``order_status_derive``) and
  written to Oscar's ``order.status`` as a code (vendors.models.OrderStatus, with its labels)
  after every part change. Orders placed before parts existed have no parts and keep their status.
- Cash on delivery: the buyer still owes the non-cancelled parts' goods and shipping (``order_amount_due``).
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.exceptions import InvalidShippingEvent, UnableToPlaceOrder
from oscar.apps.order.processing import EventHandler
from oscar.templatetags.currency_filters import currency

from shop.order.models import Line, Order, OrderNote, ShippingEventType
from vendors.earnings.services import earnings_book
from vendors.fulfilment.selectors import shipped_quantity
from vendors.fulfilment.shipping import PER_VENDOR_SHIPPING_CODE, basket_vendor_groups
from vendors.listings.sanitize import sanitize_text
from vendors.models import OrderPart, OrderStatus, Shipment, Vendor
from vendors.notifications import services as notifications

Status = OrderPart.Status


class PartStatusError(Exception):
    """The part is not in a status that allows this move (someone else moved it first)."""

    def __init__(self, part: OrderPart, action: str):
        super().__init__(f"order part {part.pk} is {part.status}: cannot {action}")
        self.part = part


class PartNotCancellable(PartStatusError):
    """Only a waiting part with nothing shipped yet can be cancelled."""


class PartNotShipped(PartStatusError):
    """Only a shipped part can be confirmed delivered."""


def order_status_derive(statuses: list[str]) -> str | None:
    """The order's overall status from its parts' statuses; None for an order without parts.

    All cancelled -> cancelled. Otherwise, over the parts not cancelled: all delivered -> delivered;
    all shipped or delivered -> shipped; some of them shipped or delivered -> partly shipped; none
    shipped yet -> partly cancelled when a part was cancelled, else waiting.
    """
    if not statuses:
        return None
    active = [status for status in statuses if status != Status.CANCELLED]
    if not active:
        return OrderStatus.CANCELLED
    if all(status == Status.DELIVERED for status in active):
        return OrderStatus.DELIVERED
    moved = [status for status in active if status in (Status.SHIPPED, Status.DELIVERED)]
    if len(moved) == len(active):
        return OrderStatus.SHIPPED
    if moved:
        return OrderStatus.PARTLY_SHIPPED
    return OrderStatus.PARTLY_CANCELLED if len(active) < len(statuses) else OrderStatus.WAITING


@transaction.atomic
def order_status_refresh(*, order) -> str | None:
    """Write the status derived from the order's parts to ``order.status`` (one UPDATE); returns it.

    The order row is locked first: two vendors' parts changing at once would otherwise each derive
    the status without the other's change, and the last writer would leave a stale status.
    """
    list(Order.objects.select_for_update().filter(pk=order.pk).values_list("pk", flat=True))
    status = order_status_derive(list(OrderPart.objects.filter(order_id=order.pk).values_list("status", flat=True)))
    if status is not None:
        Order.objects.filter(pk=order.pk).update(status=status)
        order.status = status
    return status


def order_part_locked(*, order, vendor: Vendor) -> OrderPart | None:
    """The vendor's part of the order, locked for this transaction; None for an order placed before parts."""
    return OrderPart.objects.select_for_update().filter(order_id=order.pk, vendor=vendor).first()


def _vendor_lines(part: OrderPart):
    return Line.objects.filter(order_id=part.order_id, partner_id=part.vendor.partner_id).annotate(
        shipped_quantity=shipped_quantity()
    )


def order_part_shipment_recorded(
    *, part: OrderPart | None, shipment: Shipment, now: datetime | None = None
) -> OrderPart | None:
    """After a parcel of the part's lines was recorded (the caller holds the part's lock):
    tell the buyer, and mark the part shipped once every line of the vendor is fully shipped.
    ``part`` is None for an order placed before parts: the buyer is still told."""
    notifications.notify_parcel_shipped(shipment=shipment)
    if (
        part is not None
        and part.status == Status.WAITING
        and all(line.shipped_quantity >= line.quantity for line in _vendor_lines(part))
    ):
        part.status = Status.SHIPPED
        part.shipped_at = now or timezone.now()
        part.save(update_fields=["status", "shipped_at"])
        order_status_refresh(order=part.order)
    return part


def _lock(part: OrderPart) -> OrderPart:
    return OrderPart.objects.select_for_update().select_related("vendor", "order").get(pk=part.pk)


@transaction.atomic
def order_part_cancel(*, part: OrderPart, cancelled_by, reason: str = "", note: str = "") -> OrderPart:
    """The buyer cancels one vendor's part, saying why (``reason``, a CancelReason, and an optional
    ``note``): allocations released, part cancelled with its reason, order status refreshed, a note on
    the order, the vendor told (the reason with it).

    Raises PartNotCancellable unless the part is waiting with nothing shipped.
    """
    part = _lock(part)
    lines = list(_vendor_lines(part).order_by("pk"))
    if part.status != Status.WAITING or any(line.shipped_quantity for line in lines):
        raise PartNotCancellable(part, "cancel")
    allocated = [line for line in lines if line.num_allocated and line.stockrecord_id]
    if allocated:
        EventHandler(user=cancelled_by).cancel_stock_allocations(
            part.order, allocated, [line.num_allocated for line in allocated]
        )
    part.status = Status.CANCELLED
    part.cancelled_at = timezone.now()
    part.cancel_reason, part.cancel_note = reason, note[:200]
    part.save(update_fields=["status", "cancelled_at", "cancel_reason", "cancel_note"])
    order_status_refresh(order=part.order)
    OrderNote.objects.create(
        order=part.order,
        user=cancelled_by,
        note_type=OrderNote.SYSTEM,
        message=f"{part.vendor.name}: cancelled by the buyer" + (f" ({reason}: {note[:200]})" if reason else ""),
    )
    notifications.notify_part_cancelled(part=part)
    return part


def _deliver(part: OrderPart, *, now: datetime, by, how: str) -> OrderPart:
    part.status = Status.DELIVERED
    part.delivered_at = now
    part.save(update_fields=["status", "delivered_at"])
    earnings_book(part=part)
    order_status_refresh(order=part.order)
    OrderNote.objects.create(
        order=part.order, user=by, note_type=OrderNote.SYSTEM, message=f"{part.vendor.name}: {how}"
    )
    return part


@transaction.atomic
def order_part_confirm_delivered(*, part: OrderPart, confirmed_by) -> OrderPart:
    """The buyer confirms receipt of a shipped part: delivered, and the vendor's earnings are booked.

    Raises PartNotShipped unless the part is shipped (waiting, cancelled or already delivered).
    """
    part = _lock(part)
    if part.status != Status.SHIPPED:
        raise PartNotShipped(part, "confirm delivery")
    return _deliver(part, now=timezone.now(), by=confirmed_by, how="receipt confirmed by the buyer")


def order_parts_auto_deliver(*, now: datetime | None = None) -> int:
    """Parts shipped more than VENDOR_AUTO_DELIVER_DAYS ago become delivered (earnings booked).

    One transaction per part, so one failure does not hold back the others; a part moved
    meanwhile (the buyer confirmed) is skipped. Returns how many parts it delivered.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.VENDOR_AUTO_DELIVER_DAYS)
    due = OrderPart.objects.filter(status=Status.SHIPPED, shipped_at__lte=cutoff).order_by("pk")
    delivered = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            part = (
                OrderPart.objects.select_for_update()
                .select_related("vendor", "order")
                .filter(pk=pk, status=Status.SHIPPED, shipped_at__lte=cutoff)
                .first()
            )
            if part is None:
                continue
            _deliver(part, now=now, by=None, how="delivered automatically after the confirmation period")
            delivered += 1
    return delivered


class ShipmentRefused(Exception):
    """A line is not the vendor's or more would be shipped than was ordered."""


class TrackingNumberMissing(ShipmentRefused):
    """A carrier's parcel without its tracking number (only 自送 and 村邮站 parcels go without one)."""


@transaction.atomic
def vendor_lines_ship(*, vendor: Vendor, order, quantities: dict, carrier: str, tracking_number: str, shipped_by):
    """Record a parcel of the vendor's lines (partial shipment allowed) and consume their stock allocations.

    The buyer is told (with the tracking number) and the vendor's part of the order becomes shipped
    once all its lines are. ``quantities`` maps line ids to quantities. Raises
    ShipmentRefused for a line that is not the vendor's, a quantity beyond what is left to ship,
    or a part that is cancelled (or already shipped in full); TrackingNumberMissing for a carrier's
    parcel without a tracking number (the seller's own delivery and the village post station need none).
    """
    tracking_number = sanitize_text(tracking_number).strip()
    if not tracking_number and carrier not in Shipment.Carrier.without_tracking():
        raise TrackingNumberMissing
    wanted = {int(pk): int(qty) for pk, qty in quantities.items() if int(qty) > 0}
    # The part's lock orders this shipment against a cancellation or another parcel of the same part.
    part = order_part_locked(order=order, vendor=vendor)
    if part is not None and part.status != OrderPart.Status.WAITING:
        raise ShipmentRefused
    lines = list(order.lines.select_for_update().filter(pk__in=wanted, partner=vendor.partner))
    if not wanted or len(lines) != len(wanted):
        raise ShipmentRefused
    event_type, _ = ShippingEventType.objects.get_or_create(code="shipped", defaults={"name": "已发货"})
    handler = EventHandler(user=shipped_by)
    line_quantities = [wanted[line.pk] for line in lines]
    try:
        handler.validate_shipping_event(order, event_type, lines, line_quantities)
        event = handler.create_shipping_event(
            order, event_type, lines, line_quantities, reference=f"{carrier} {tracking_number}"
        )
    except InvalidShippingEvent as refused:
        raise ShipmentRefused from refused
    handler.consume_stock_allocations(order, lines, line_quantities)
    shipment = Shipment.objects.create(
        event=event,
        vendor=vendor,
        carrier=carrier,
        tracking_number=tracking_number,
        shipped_by=shipped_by,
    )
    order_part_shipment_recorded(part=part, shipment=shipment)
    return shipment


class ShippingChanged(UnableToPlaceOrder):
    """The per-vendor charges no longer add up to the shipping the order recorded (a vendor changed its fee)."""


def order_parts_create(*, order, basket) -> list[OrderPart]:
    """Write one OrderPart per vendor of the basket the order was placed from, in one INSERT.

    Raises ShippingChanged (an UnableToPlaceOrder: the caller's transaction rolls back) when the charges do
    not add up to order.shipping_incl_tax.
    """
    groups = basket_vendor_groups(basket)
    per_vendor = order.shipping_code == PER_VENDOR_SHIPPING_CODE
    charged = sum((group.shipping_charge for group in groups), Decimal("0.00")) if per_vendor else Decimal("0.00")
    if charged != order.shipping_incl_tax:
        raise ShippingChanged(
            _(
                "The shipping charge changed while you were checking out (now %(now)s instead of %(was)s). "
                "Nothing was ordered; please check the new total and place the order again."
            )
            % {"now": currency(charged, order.currency), "was": currency(order.shipping_incl_tax, order.currency)}
        )
    parts = [
        OrderPart(
            order=order,
            vendor=group.vendor,
            goods_total=group.goods_total,
            shipping_charge=group.shipping_charge if per_vendor else Decimal("0.00"),
            commission_rate=group.vendor.commission_rate,
        )
        for group in groups
        if group.vendor is not None
    ]
    return OrderPart.objects.bulk_create(parts)


def order_parts_create_one_shop(
    *, vendor: Vendor, order_ids: list[int], goods_totals: list[Decimal], shipping_charges: list[Decimal]
) -> None:
    """The part order_parts_create writes for each of a batch of orders of one shop's goods only (snap-ups),
    in one INSERT: the goods total given, the order's shipping as the shop's charge."""
    OrderPart.objects.bulk_create(
        [
            OrderPart(
                order_id=order_id,
                vendor=vendor,
                goods_total=goods_total,
                shipping_charge=charge,
                commission_rate=vendor.commission_rate,
            )
            for order_id, goods_total, charge in zip(order_ids, goods_totals, shipping_charges, strict=True)
        ]
    )
