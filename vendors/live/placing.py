"""Turning won taps into orders: workers write the orders of pending reservations in batches.

Rules:
- A tap that wins (vendors.live.services.live_snapup) has already taken its units in the database (the
  item's cap, the buyer's limit) and left a pending LiveReservation; the buyer sees 抢到了 at once and
  their page polls until the order number is there.
- ``live_reservations_place`` takes the oldest pending reservations (FOR UPDATE SKIP LOCKED: several
  workers never take the same one), groups them by item and writes each group's orders through
  shop.checkout.services.orders_place_cash_on_delivery_many: ordinary orders, at the reservation's price,
  cash on delivery, to the buyer's default address, with their shops' parts and outbox rows.
- The database may still refuse a reservation: the shop's own stock ran out (sold elsewhere), the shop
  was suspended or the product delisted, the buyer deleted their default address. Its units go back to
  the sale (the item's count and the buyer's) and Redis is rebuilt from the database after commit; the
  buyer's page says why.
- A unit whose shop part the buyer cancelled goes back on sale when beat reconciles the counters
  (``live_item_counters_reconcile``, every 30 s while the event is live): an item's count and each buyer's
  are what their kept orders and pending reservations hold; Redis is rebuilt from them.
- The reservation, its LiveOrder and the order are written in one transaction: a worker that dies
  mid-batch leaves the reservations pending for the next one (a reservation's owner is the transaction
  holding its row lock, its expiry that transaction's end).
"""

import logging
from collections import defaultdict
from itertools import groupby

from django.db import connection, transaction
from django.db.models import F
from django.utils import translation
from oscar.apps.address.models import UserAddress

from shop.checkout.services import WantedOrder, orders_place_cash_on_delivery_many
from shop.partner.models import StockRecord
from vendors.live import admission
from vendors.live.models import LiveBuyer, LiveEvent, LiveItem, LiveOrder, LiveReservation
from vendors.models import Vendor

logger = logging.getLogger(__name__)
BATCH = 200
Reason = LiveReservation.Reason


@transaction.atomic
def live_reservations_place(*, batch: int = BATCH) -> int:
    """Write the orders of up to ``batch`` pending reservations; returns how many reservations it settled."""
    reservations = list(
        LiveReservation.objects.filter(status=LiveReservation.Status.PENDING)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("user")
        .order_by("pk")[:batch]
    )
    if not reservations:
        return 0
    addresses = {
        address.user_id: address
        for address in UserAddress.objects.filter(
            user_id__in={r.user_id for r in reservations}, is_default_for_shipping=True
        ).select_related("country")
    }
    for item_id, group in groupby(sorted(reservations, key=lambda r: (r.item_id, r.pk)), key=lambda r: r.item_id):
        _place_item(item_id, list(group), addresses)
    return len(reservations)


def _place_item(item_id: int, reservations: list[LiveReservation], addresses: dict) -> None:
    item = LiveItem.objects.select_related("event", "vendor", "product").get(pk=item_id)
    refused: dict[int, str] = {}
    if not _still_on_sale(item):
        refused = dict.fromkeys((r.pk for r in reservations), Reason.NOT_ON_SALE)
    for reservation in reservations:
        if reservation.user_id not in addresses:
            refused.setdefault(reservation.pk, Reason.NO_ADDRESS)
    serving = [r for r in reservations if r.pk not in refused]
    if serving:
        record = StockRecord.objects.select_related("partner__vendor", "product__product_class").get(
            product_id=item.product_id
        )
        # One batch per price: a reservation keeps the price it was won at.
        for price, same_price in groupby(serving, key=lambda r: r.unit_price):
            same_price = list(same_price)
            order_ids = orders_place_cash_on_delivery_many(
                stockrecord=record,
                unit_price=price,
                wanted=[WantedOrder(r.user, addresses[r.user_id], r.quantity) for r in same_price],
                language=translation.get_language(),
            )
            for reservation, order_id in zip(same_price, order_ids, strict=True):
                if order_id is None:
                    refused[reservation.pk] = Reason.SOLD_OUT
                else:
                    reservation.order_id, reservation.status = order_id, LiveReservation.Status.PLACED
    placed = [r for r in reservations if r.status == LiveReservation.Status.PLACED]
    LiveOrder.objects.bulk_create(
        [
            LiveOrder(item=item, order_id=r.order_id, user_id=r.user_id, quantity=r.quantity, unit_price=r.unit_price)
            for r in placed
        ]
    )
    _mark_placed(placed)
    for reason in set(refused.values()):
        LiveReservation.objects.filter(pk__in=[pk for pk, why in refused.items() if why == reason]).update(
            status=LiveReservation.Status.REFUSED, reason=reason
        )
    if refused:
        _give_back(item, [r for r in reservations if r.pk in refused])


def _mark_placed(placed: list[LiveReservation]) -> None:
    """Each reservation's order, in one statement (an UPDATE from a list of values, which PostgreSQL and SQLite
    share: Django's bulk_update builds a CASE per row, a third of a batch's time)."""
    if not placed:
        return
    table = connection.ops.quote_name(LiveReservation._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(placed))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, order_id = v.column2 FROM (VALUES {rows}) AS v"
            f" WHERE {table}.id = v.column1",
            [LiveReservation.Status.PLACED, *(value for r in placed for value in (r.pk, r.order_id))],
        )


def _still_on_sale(item: LiveItem) -> bool:
    """The event was not called off, the shop is not suspended, the product is still listed. (The window was
    checked at the tap: a reservation won in the last second is written after the end.)"""
    return (
        item.event.status == LiveEvent.Status.SCHEDULED
        and item.vendor.status == Vendor.Status.APPROVED
        and item.product.is_public
    )


def _give_back(item: LiveItem, refused: list[LiveReservation]) -> None:
    """The refused units go back to the sale: the item's count and each buyer's, then Redis from them."""
    per_buyer: dict[int, int] = defaultdict(int)
    for reservation in refused:
        per_buyer[reservation.user_id] += reservation.quantity
    LiveItem.objects.filter(pk=item.pk).update(sold=F("sold") - sum(per_buyer.values()))
    for user_id, units in per_buyer.items():
        LiveBuyer.objects.filter(item=item, user_id=user_id).update(units=F("units") - units)
    logger.info("live item %s: %s reservations refused, their units back on sale", item.pk, len(refused))
    transaction.on_commit(lambda: admission.counters_rebuild(item_id=item.pk), robust=True)


@transaction.atomic
def live_item_counters_reconcile(*, item_id: int) -> int:
    """Make the item's counters what its snap-ups say: units of pending reservations and of orders whose shop
    part is not cancelled, in total and per buyer; then rebuild Redis from them. Returns the units sold.

    Gives back to the sale what buyers cancelled, and what a crashed request reserved in Redis without
    writing a reservation. The item's row lock waits for every tap that holds it (each took the lock with
    its conditional UPDATE) and keeps new ones out until the counts are written, so none is miscounted.
    """
    item = LiveItem.objects.select_for_update().get(pk=item_id)
    # One statement, so one snapshot: a batch of orders committed between two queries would move its units
    # from pending reservations to orders unseen by both.
    pending = LiveReservation.objects.filter(item=item, status=LiveReservation.Status.PENDING)
    kept = LiveOrder.objects.filter(item=item).kept()
    per_buyer: dict[int, int] = defaultdict(int)
    for user_id, units in (
        pending.order_by()
        .values_list("user_id", "quantity")
        .union(kept.order_by().values_list("user_id", "quantity"), all=True)
    ):
        per_buyer[user_id] += units
    sold = sum(per_buyer.values())
    LiveItem.objects.filter(pk=item.pk).update(sold=sold)
    for buyer in LiveBuyer.objects.filter(item=item):
        units = per_buyer.get(buyer.user_id, 0)
        if buyer.units != units:
            LiveBuyer.objects.filter(pk=buyer.pk).update(units=units)
    transaction.on_commit(lambda: admission.counters_rebuild(item_id=item_id), robust=True)
    return sold
