"""Live-sales writes: events and their items, the host's on-stage switch, and the snap-up itself.

Rules:
- An admin creates and schedules events; a vendor proposes one (a draft with ``proposed_by``) that an
  admin approves (scheduled) or cancels. Text is sanitised on save.
- An item features a public product of an approved vendor, at a live price below its normal price, with
  an event quantity no larger than the stock free at that moment and a per-buyer limit (ItemRefused); a
  cancelled event takes no items. Its limit and place in the list may change later; it can be removed only
  while nothing of it has sold (its orders point at it).
- A vendor's proposal (``live_proposal_*``) is the vendor's own: it changes it, and adds or removes its own
  products, only while it is a draft; the county is the vendor's. Anyone else's event or product is refused.
- A snap-up (``live_snapup``) is one tap: admission in Redis (vendors.live.admission), then one statement
  (three in a transaction where the database is not PostgreSQL) that takes the units again with
  conditional updates (the item's cap, re-checking the window, the vendor and that the product is still
  listed; the buyer's limit) and writes a LiveReservation at the live price. The buyer is answered 抢到了
  at once; workers write the ordinary order (cash on delivery, to the default address) moments later
  (vendors.live.placing). Any failure after admission gives the units
  back to Redis: a reserved unit whose reservation was not written is never lost.
- The live price holds only inside the event's window and only for units the snap-up took.
"""

import contextlib
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.address.models import UserAddress

from shop.catalogue.models import Product
from shop.core.slugs import pinyin_slugify
from shop.partner.models import StockRecord
from vendors.listings.sanitize import sanitize_html, sanitize_text
from vendors.live import admission
from vendors.live.models import RESERVATION_TAKES_UNITS, LiveBuyer, LiveEvent, LiveItem, LiveOrder, LiveReservation
from vendors.live.tasks import place_live_orders_soon
from vendors.models import Vendor


class EventStatusError(Exception):
    """The event is not in a status that allows this (someone else decided first)."""


class ItemRefused(Exception):
    """An item the event cannot feature; the message says why, in the admin's language."""


class NotOnSale(Exception):
    """The event is not live (not started, over, cancelled) or the shop is suspended."""


class SoldOut(Exception):
    """The item's event quantity is gone."""


class OverLimit(Exception):
    """The buyer already holds as many units as the item allows one buyer (``held``, when Redis told)."""

    def __init__(self, held: int | None = None):
        super().__init__(held)
        self.held = held


class SignedOut(Exception):
    """The session the tap came with is no longer good (her password changed elsewhere, her account is off)."""


class TryAgain(Exception):
    """The database could not take the tap just now (a connection lost): nothing was taken."""


class NoDefaultAddress(Exception):
    """The buyer has no default shipping address to send a one-tap order to."""


EVENT_FIELDS = ("title", "host_name", "host_title", "county", "starts_at", "ends_at", "stream_url", "replay_url")


def _unique_slug(title: str, starts_at) -> str:
    base = f"{starts_at:%Y%m%d}-{pinyin_slugify(title)[:50]}".strip("-") or "live"
    slug, n = base, 1
    while LiveEvent.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def live_event_save(*, data: dict, created_by, event: LiveEvent | None = None, proposed_by: Vendor | None = None):
    """Create (draft) or change an event's details; a cancelled event cannot be changed."""
    if event is not None:
        event = LiveEvent.objects.select_for_update().get(pk=event.pk)
        if event.status == LiveEvent.Status.CANCELLED:
            raise EventStatusError(event)
    else:
        event = LiveEvent(created_by=created_by, proposed_by=proposed_by, status=LiveEvent.Status.DRAFT)
    for field in EVENT_FIELDS:
        if field in data:
            value = data[field]
            setattr(
                event, field, sanitize_text(value) if isinstance(value, str) and not field.endswith("_url") else value
            )
    if "description" in data:
        event.description = sanitize_html(data["description"])
    if not event.slug:
        event.slug = _unique_slug(event.title, event.starts_at)
    if data.get("cover") is not None:
        event.cover.save(data["cover"].name, data["cover"], save=False)
    event.save()
    return event


@transaction.atomic
def live_event_schedule(*, event: LiveEvent) -> LiveEvent:
    """An admin approves a draft (a vendor's proposal or their own): it is announced and sells in its window."""
    event = LiveEvent.objects.select_for_update().get(pk=event.pk)
    if event.status != LiveEvent.Status.DRAFT:
        raise EventStatusError(event)
    event.status = LiveEvent.Status.SCHEDULED
    event.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def live_event_cancel(*, event: LiveEvent) -> LiveEvent:
    event = LiveEvent.objects.select_for_update().get(pk=event.pk)
    if event.status == LiveEvent.Status.CANCELLED:
        raise EventStatusError(event)
    event.status = LiveEvent.Status.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def live_item_add(
    *, event: LiveEvent, product: Product, live_price: Decimal, quantity: int, per_buyer_limit: int, display_order=0
) -> LiveItem:
    """Feature a product. Raises ItemRefused (event cancelled, shop not approved, price not below normal, more
    than is free)."""
    if event.status == LiveEvent.Status.CANCELLED:
        raise ItemRefused(_("This event is cancelled: it takes no more products."))
    record = (
        StockRecord.objects.select_for_update(of=("self",))
        .select_related("partner__vendor")
        .filter(product=product, product__is_public=True)
        .first()
    )
    vendor = getattr(record.partner, "vendor", None) if record else None
    if vendor is None or vendor.status != Vendor.Status.APPROVED:
        raise ItemRefused(_("Only products of approved shops can be featured."))
    if live_price <= 0 or live_price >= record.price:
        raise ItemRefused(
            _("The live price must be above zero and below the normal price (%(price)s).") % {"price": record.price}
        )
    free = record.num_in_stock - (record.num_allocated or 0)
    if quantity < 1 or quantity > free:
        raise ItemRefused(_("The quantity must be between 1 and the %(free)s units in stock now.") % {"free": free})
    if per_buyer_limit < 1:
        raise ItemRefused(_("Each buyer must be allowed at least one unit."))
    try:
        with transaction.atomic():
            item = LiveItem.objects.create(
                event=event,
                product=product,
                vendor=vendor,
                live_price=live_price,
                quantity=quantity,
                per_buyer_limit=per_buyer_limit,
                display_order=display_order,
            )
    except IntegrityError as clash:
        raise ItemRefused(_("This product is already featured in this event.")) from clash
    transaction.on_commit(lambda: admission.counters_rebuild(item_id=item.pk), robust=True)
    return item


@transaction.atomic
def live_item_update(*, item: LiveItem, per_buyer_limit: int, display_order: int) -> LiveItem:
    """Change an item's limit per buyer and its place in the list (its price and quantity stay as announced)."""
    if per_buyer_limit < 1:
        raise ItemRefused(_("Each buyer must be allowed at least one unit."))
    if display_order < 0:
        raise ItemRefused(_("The display order must be 0 or more."))
    LiveItem.objects.filter(pk=item.pk).update(per_buyer_limit=per_buyer_limit, display_order=display_order)
    item.per_buyer_limit, item.display_order = per_buyer_limit, display_order
    return item


@transaction.atomic
def live_item_remove(*, item: LiveItem) -> None:
    """Take an item out of its event; refused (ItemRefused) once a unit of it has sold.

    The row is locked first: a snap-up's conditional UPDATE of ``sold`` waits for it and then finds no row
    (sold out), so no order is ever written for a removed item.
    """
    locked = LiveItem.objects.select_for_update().filter(pk=item.pk).first()
    if locked is None:
        return
    if locked.sold > 0 or LiveOrder.objects.filter(item=locked).exists() or locked.reservations.exists():
        raise ItemRefused(_("Units of this item have been sold: it stays in the event."))
    locked.delete()


PROPOSAL_FIELDS = ("title", "host_name", "host_title", "starts_at", "ends_at", "description", "cover")


def _own_draft(*, vendor: Vendor, event: LiveEvent) -> LiveEvent:
    locked = LiveEvent.objects.select_for_update().get(pk=event.pk)
    if locked.proposed_by_id != vendor.pk or locked.status != LiveEvent.Status.DRAFT:
        raise EventStatusError(locked)
    return locked


@transaction.atomic
def live_proposal_save(*, vendor: Vendor, data: dict, created_by, event: LiveEvent | None = None) -> LiveEvent:
    """A vendor proposes an event (a draft an admin schedules or cancels), or changes its proposal while it is
    a draft (EventStatusError otherwise). The county is the vendor's; links are the admins' business."""
    if event is not None:
        event = _own_draft(vendor=vendor, event=event)
    fields = {name: data[name] for name in PROPOSAL_FIELDS if name in data}
    fields["county"] = vendor.county
    return live_event_save(data=fields, created_by=created_by, event=event, proposed_by=vendor)


@transaction.atomic
def live_proposal_item_add(
    *, vendor: Vendor, event: LiveEvent, product: Product, live_price: Decimal, quantity: int, per_buyer_limit: int
) -> LiveItem:
    """A vendor features one of its own products in its own draft proposal (ItemRefused otherwise)."""
    try:
        event = _own_draft(vendor=vendor, event=event)
    except EventStatusError as refused:
        raise ItemRefused(_("Products can be added only to your own request while it waits for review.")) from refused
    if not StockRecord.objects.filter(product=product, partner_id=vendor.partner_id).exists():
        raise ItemRefused(_("Only your own products can be added."))
    return live_item_add(
        event=event,
        product=product,
        live_price=live_price,
        quantity=quantity,
        per_buyer_limit=per_buyer_limit,
        display_order=event.items.count(),
    )


@transaction.atomic
def live_proposal_item_remove(*, vendor: Vendor, item: LiveItem) -> None:
    """A vendor takes one of its own products out of its own draft proposal (ItemRefused otherwise)."""
    try:
        _own_draft(vendor=vendor, event=item.event)
    except EventStatusError as refused:
        raise ItemRefused(_("Products can be removed only from your own request while it waits for review.")) from (
            refused
        )
    if item.vendor_id != vendor.pk:
        raise ItemRefused(_("Only your own products can be removed."))
    live_item_remove(item=item)


@transaction.atomic
def live_item_put_on_stage(*, event: LiveEvent, item: LiveItem | None) -> LiveEvent:
    """The host shows this item now (讲解中); None takes the stage back."""
    if item is not None and item.event_id != event.pk:
        raise ItemRefused(_("This item is not part of this event."))
    LiveEvent.objects.filter(pk=event.pk).update(on_stage=item, updated_at=timezone.now())
    event.on_stage = item
    return event


@dataclass(frozen=True)
class LiveItemOffer:
    """What a snap-up needs to know of an item, cheap to keep in the cache for a few seconds."""

    item_id: int
    event_id: int
    event_slug: str
    product_id: int
    live_price: Decimal
    per_buyer_limit: int
    starts_at: object
    ends_at: object
    on_sale_status: bool  # event scheduled and shop approved


def live_snapup(*, offer: LiveItemOffer, user, quantity: int = 1, now=None, session_hash: str = "") -> LiveReservation:
    """One tap of 抢购: the won reservation (its order is written by a worker moments later), or NotOnSale /
    SoldOut / OverLimit / NoDefaultAddress; SignedOut when ``session_hash`` (a session nobody checked yet) is
    not the one her password gives today.

    ``offer`` comes from vendors.live.selectors.live_item_offer (cached); the transaction checks it again.
    """
    now = now or timezone.now()
    refused = live_snapup_refused(offer=offer, now=now)
    if refused is not None:
        raise refused
    taken = admission.admit(
        item_id=offer.item_id,
        user_id=user.pk,
        quantity=quantity,
        limit=offer.per_buyer_limit,
        session_hash=session_hash,
    )
    if taken.outcome == admission.SIGNED_OUT:
        raise SignedOut
    if taken.outcome == admission.SOLD_OUT:
        raise SoldOut
    if taken.outcome == admission.OVER_LIMIT:
        raise OverLimit(taken.held)
    try:
        return _reserve(offer=offer, user=user, quantity=quantity, now=now)
    except BaseException:
        admission.release(item_id=offer.item_id, user_id=user.pk, quantity=quantity, admission=taken)
        raise


def live_snapup_refused(*, offer: LiveItemOffer, now=None) -> NotOnSale | SoldOut | None:
    """What refuses every buyer's tap alike, known without asking who taps: the sale is not open (NotOnSale),
    or this process learnt a moment ago that the item is sold out (SoldOut)."""
    now = now or timezone.now()
    if not (offer.on_sale_status and offer.starts_at <= now < offer.ends_at):
        return NotOnSale()
    return SoldOut() if admission.sold_out_here(offer.item_id) else None


# The tap's statements, written out: they run for every winner of a crowd, and the ORM's compiling of the same
# conditions cost more than the database's executing them.
#
# On PostgreSQL the tap is a single statement that commits on its own. The item's row is the one every tap of a
# crowd updates: its lock is taken and released inside the database, never held while a server thread waits its
# turn for Python (three statements in a transaction held it across three round trips, and the row became the
# queue: about 95 orders a second on the 2-core machine). When the buyer's limit refuses the tap, the statement
# writes a reservation of 0 units, which the reservation's check constraint refuses: the whole statement, the
# item's count included, is undone.
_TAKE_UNITS = """
UPDATE {item} SET sold = sold + %(quantity)s
WHERE id = %(item_id)s AND sold + %(quantity)s <= quantity
  AND EXISTS (SELECT 1 FROM {event} WHERE id = {item}.event_id AND status = %(scheduled)s
              AND starts_at <= %(now)s AND ends_at > %(now)s)
  AND EXISTS (SELECT 1 FROM {vendor} WHERE id = {item}.vendor_id AND status = %(approved)s)
  AND EXISTS (SELECT 1 FROM {product} WHERE id = {item}.product_id AND is_public)
  AND EXISTS (SELECT 1 FROM {address} WHERE user_id = %(user_id)s AND is_default_for_shipping)
"""
_BUYER_LIMIT = """
ON CONFLICT (item_id, user_id) DO UPDATE SET units = {buyer}.units + excluded.units
WHERE {buyer}.units + excluded.units <= %(limit)s
RETURNING id
"""
_RESERVATION = "INSERT INTO {reservation} (item_id, user_id, quantity, unit_price, status, reason, created_at)"
_TAP_POSTGRESQL = f"""
WITH took AS ({_TAKE_UNITS} RETURNING id),
buyer AS (INSERT INTO {{buyer}} (item_id, user_id, units) SELECT id, %(user_id)s, %(quantity)s FROM took
          {_BUYER_LIMIT})
{_RESERVATION}
SELECT id, %(user_id)s, CASE WHEN EXISTS (SELECT 1 FROM buyer) THEN %(quantity)s ELSE 0 END,
       %(price)s, %(pending)s, '', %(now)s
FROM took
RETURNING id
"""
# Elsewhere (SQLite, the embedded setup), the same in three statements inside one transaction.
_TAP_PORTABLE = (
    _TAKE_UNITS,
    f"INSERT INTO {{buyer}} (item_id, user_id, units) VALUES (%(item_id)s, %(user_id)s, %(quantity)s) {_BUYER_LIMIT}",
    f"{_RESERVATION} VALUES (%(item_id)s, %(user_id)s, %(quantity)s, %(price)s, %(pending)s, '', %(now)s) RETURNING id",
)


@functools.cache
def _statements() -> dict:
    tables = {
        name: connection.ops.quote_name(model._meta.db_table)
        for name, model in (
            ("item", LiveItem),
            ("event", LiveEvent),
            ("vendor", Vendor),
            ("product", Product),
            ("address", UserAddress),
            ("buyer", LiveBuyer),
            ("reservation", LiveReservation),
        )
    }
    return {"one": _TAP_POSTGRESQL.format(**tables), "three": [sql.format(**tables) for sql in _TAP_PORTABLE]}


def _reserve(*, offer: LiveItemOffer, user, quantity: int, now) -> LiveReservation:
    """The units taken again in the database (the item's cap, re-checking the window, the shop, the listing and
    the buyer's address; then the buyer's limit), the reservation written, its order queued."""
    params = {
        "item_id": offer.item_id,
        "user_id": user.pk,
        "quantity": quantity,
        "limit": offer.per_buyer_limit,
        "price": offer.live_price,
        "now": now,
        "scheduled": LiveEvent.Status.SCHEDULED,
        "approved": Vendor.Status.APPROVED,
        "pending": LiveReservation.Status.PENDING,
    }
    pk = _reserve_in_one_statement(params) if connection.vendor == "postgresql" else _reserve_in_three(params)
    if pk is None:
        raise _why_not(offer=offer, user=user, now=now)
    transaction.on_commit(place_live_orders_soon, robust=True)
    return LiveReservation(
        pk=pk, item_id=offer.item_id, user=user, quantity=quantity, unit_price=offer.live_price, created_at=now
    )


def _reserve_in_one_statement(params: dict) -> int | None:
    """PostgreSQL: the reservation's id, None when the item's count refused it; OverLimit for the buyer's limit.
    Inside a caller's transaction the statement gets a savepoint, so a refusal leaves that transaction usable."""
    scope = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with scope, connection.cursor() as cursor:
            cursor.execute(_statements()["one"], params)
            row = cursor.fetchone()
    except IntegrityError as refused:
        if getattr(getattr(refused.__cause__, "diag", None), "constraint_name", None) == RESERVATION_TAKES_UNITS:
            raise OverLimit from refused
        raise
    return row[0] if row else None


@transaction.atomic
def _reserve_in_three(params: dict) -> int | None:
    """Elsewhere: the same, None or OverLimit, in three statements inside one transaction."""
    take_units, take_buyer_units, reserve = _statements()["three"]
    with connection.cursor() as cursor:
        cursor.execute(take_units, params)
        if cursor.rowcount != 1:
            return None
        cursor.execute(take_buyer_units, params)
        if cursor.fetchone() is None:
            raise OverLimit
        cursor.execute(reserve, params)
        return cursor.fetchone()[0]


def _why_not(*, offer: LiveItemOffer, user, now) -> Exception:
    """Why the units could not be taken (the rare path: Redis turns most losers away before the database)."""
    if not UserAddress.objects.filter(user=user, is_default_for_shipping=True).exists():
        return NoDefaultAddress()
    on_sale = LiveItem.objects.filter(
        pk=offer.item_id,
        event__status=LiveEvent.Status.SCHEDULED,
        event__starts_at__lte=now,
        event__ends_at__gt=now,
        vendor__status=Vendor.Status.APPROVED,
        product__is_public=True,
    )
    return SoldOut() if on_sale.exists() else NotOnSale()
