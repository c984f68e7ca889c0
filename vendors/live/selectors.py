"""Live-sales reads: the public list and pages of events, the offer behind a 抢购 button, the live status.

Rules:
- The public sees scheduled events only (never drafts or cancelled ones), and in an event only items of
  approved shops: suspending a shop takes its items off the page and off sale at once.
- What every viewer polls (``live_event_status``: what is left of each item, the item on stage) is built
  at most once a second per event and served from the cache; what is left comes from Redis when it holds
  the counters (vendors.live.admission), else from the database.
- The offer a snap-up checks before admission (``live_item_offer``) is cached for a few seconds; the
  order's transaction checks the event and the shop again.
- An event's headline figures (``live_event_figures``) count its snap-ups net of the shop parts cancelled.
- A product page learns of a live price (``live_product_offer``) from a read cached a few seconds: a
  product sells at its normal price everywhere else, the page only points to the live room.
- Admins (``live_*_admin_*``) see every event and item; the products they may feature are public products
  of approved shops.
- A vendor (``seller_live_*``) sees its own proposals and the scheduled events that feature its products,
  and in them only its own items; anyone else's event or item is a 404.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache, caches
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from shop.catalogue.models import Product
from vendors.live import admission
from vendors.live.models import LiveBuyer, LiveEvent, LiveItem, LiveOrder, LiveReservation
from vendors.live.services import LiveItemOffer
from vendors.models import Vendor

STATUS_SECONDS = 1
OFFER_SECONDS = 3
LOCAL_OFFER_SECONDS = 1


def _public_items() -> QuerySet:
    return (
        LiveItem.objects.filter(vendor__status=Vendor.Status.APPROVED, product__is_public=True)
        .select_related("product", "vendor")
        .prefetch_related("product__images", "product__stockrecords")
    )


def live_event_lists(*, now=None) -> dict[str, list[LiveEvent]]:
    """Scheduled events in three lists: live now (ending first), upcoming (soonest first), past (latest first)."""
    now = now or timezone.now()
    events = LiveEvent.objects.filter(status=LiveEvent.Status.SCHEDULED)
    return {
        "live": list(events.filter(starts_at__lte=now, ends_at__gt=now).order_by("ends_at", "pk")),
        "upcoming": list(events.filter(starts_at__gt=now).order_by("starts_at", "pk")),
        "past": list(events.filter(ends_at__lte=now).order_by("-ends_at", "-pk")[:30]),
    }


def live_event_get(*, slug: str) -> LiveEvent:
    """A scheduled event with its public items (as ``public_items``); Http404 for drafts and cancelled ones."""
    events = LiveEvent.objects.filter(status=LiveEvent.Status.SCHEDULED).prefetch_related(
        Prefetch("items", queryset=_public_items(), to_attr="public_items")
    )
    return get_object_or_404(events, slug=slug)


def live_event_status(*, event_id: int, now=None) -> dict:
    """What the event page polls: phase, the item on stage, what is left of each item. Cached a second."""
    key = f"live:status:{event_id}"
    status = cache.get(key)
    if status is None:
        status = _event_status(event_id, now or timezone.now())
        cache.set(key, status, STATUS_SECONDS)
    return status


def live_event_status_json(*, slug: str) -> bytes:
    """live_event_status of the event with this slug as JSON, what the event pages poll: from this process's
    memory (a second), else the shared cache (a second), else the database and Redis. Http404 for no event."""
    key = f"live:status-json:{slug}"
    local = caches["live-status"]
    body = local.get(key)
    if body is None:
        body = cache.get(key)
        if body is None:
            body = json.dumps(live_event_status(event_id=live_event_id(slug=slug))).encode()
            cache.set(key, body, STATUS_SECONDS)
        local.set(key, body, STATUS_SECONDS)
    return body


def _event_status(event_id: int, now) -> dict:
    event = LiveEvent.objects.filter(pk=event_id).only("status", "starts_at", "ends_at", "on_stage_id").first()
    if event is None:
        return {"phase": None, "on_stage": None, "items": {}}
    items = list(
        LiveItem.objects.filter(event_id=event_id, vendor__status=Vendor.Status.APPROVED).values_list(
            "pk", "quantity", "sold"
        )
    )
    in_redis = admission.remaining(item_ids=[pk for pk, _quantity, _sold in items])
    left = {str(pk): (in_redis[pk] if in_redis[pk] is not None else quantity - sold) for pk, quantity, sold in items}
    return {
        "phase": event.phase(now),
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "on_stage": event.on_stage_id,
        "items": left,
    }


def live_item_offer(*, item_id: int) -> LiveItemOffer | None:
    """The item's price, limit, window and whether it may sell (event scheduled, shop approved): from this
    process's memory (a second), else the shared cache (a few seconds), else the database. The tap's statement
    checks the window, the event and the shop again, so a stale offer never sells what it should not."""
    key = f"live:offer:{item_id}"
    local = caches["live-status"]
    offer = local.get(key)
    if offer is None:
        offer = _shared_offer(key, item_id)
        local.set(key, offer, LOCAL_OFFER_SECONDS)
    return offer


def _shared_offer(key: str, item_id: int) -> LiveItemOffer | None:
    offer = cache.get(key)
    if offer is None:
        item = LiveItem.objects.select_related("event", "vendor").filter(pk=item_id).first()
        if item is None:
            return None
        offer = LiveItemOffer(
            item_id=item.pk,
            event_id=item.event_id,
            event_slug=item.event.slug,
            product_id=item.product_id,
            live_price=item.live_price,
            per_buyer_limit=item.per_buyer_limit,
            starts_at=item.event.starts_at,
            ends_at=item.event.ends_at,
            on_sale_status=item.event.status == LiveEvent.Status.SCHEDULED
            and item.vendor.status == Vendor.Status.APPROVED,
        )
        cache.set(key, offer, OFFER_SECONDS)
    return offer


EVENT_ID_SECONDS = 60
PRODUCT_OFFER_SECONDS = 5


def live_event_id(*, slug: str) -> int:
    """The id of the scheduled event with this slug (Http404 otherwise), cached: the status poll of every viewer
    starts here, and a slug never changes. A cancellation shows in the status itself (its ``phase``)."""
    key = f"live:slug:{slug}"
    event_id = cache.get(key)
    if event_id is None:
        event = get_object_or_404(LiveEvent.objects.filter(status=LiveEvent.Status.SCHEDULED).only("pk"), slug=slug)
        event_id = event.pk
        cache.set(key, event_id, EVENT_ID_SECONDS)
    return event_id


@dataclass(frozen=True)
class LiveEventFigures:
    units: int
    sales: Decimal


def live_event_figures(*, event_ids: list[int]) -> dict[int, LiveEventFigures]:
    """Units sold and sales (at the live price) of each event's snap-ups, net of the ones whose shop part was
    cancelled; one query for all the events. Events without a snap-up are missing from the answer."""
    rows = (
        LiveOrder.objects.filter(item__event_id__in=event_ids)
        .kept()
        .values("item__event_id")
        .annotate(units=Sum("quantity"), sales=Sum(F("quantity") * F("unit_price")))
    )
    return {row["item__event_id"]: LiveEventFigures(units=row["units"], sales=row["sales"]) for row in rows}


@dataclass(frozen=True)
class LiveProductOffer:
    """A product's live price in an event live now (for its product page)."""

    event_slug: str
    event_title: str
    live_price: Decimal


def live_product_offer(*, product_id: int, now=None) -> LiveProductOffer | None:
    """The live price of the product in an event live now, if any (the earliest ending); cached a few seconds,
    no offer included, so the product page pays at most one query for it."""
    key = f"live:product:{product_id}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    now = now or timezone.now()
    item = (
        LiveItem.objects.filter(
            product_id=product_id,
            vendor__status=Vendor.Status.APPROVED,
            event__status=LiveEvent.Status.SCHEDULED,
            event__starts_at__lte=now,
            event__ends_at__gt=now,
        )
        .order_by("event__ends_at", "pk")
        .values("event__slug", "event__title", "live_price")
        .first()
    )
    offer = (
        LiveProductOffer(
            event_slug=item["event__slug"], event_title=item["event__title"], live_price=item["live_price"]
        )
        if item
        else None
    )
    cache.set(key, offer or False, PRODUCT_OFFER_SECONDS)
    return offer


def live_reservation_for_buyer(*, user, pk: int, event_id: int) -> LiveReservation:
    """The buyer's own snap-up of this event, with its order once written (Http404 for anyone else's)."""
    return get_object_or_404(
        LiveReservation.objects.select_related("order", "item__product"),
        user=user,
        pk=pk,
        item__event_id=event_id,
    )


def live_buyer_units(*, item_id: int, user) -> int:
    """How many units of the item the buyer holds (the per-buyer limit's count)."""
    return LiveBuyer.objects.filter(item_id=item_id, user=user).values_list("units", flat=True).first() or 0


# Admins ---------------------------------------------------------------------------------------------------

ADMIN_STATUSES = (
    LiveEvent.Status.DRAFT,
    LiveEvent.Status.SCHEDULED,
    LiveEvent.Status.LIVE,
    LiveEvent.Status.ENDED,
    LiveEvent.Status.CANCELLED,
)


def live_event_admin_list(*, status: str | None = None, now=None) -> QuerySet:
    """Every event, latest start first; ``status`` may be a stored one or a phase (scheduled = not started)."""
    now = now or timezone.now()
    events = (
        LiveEvent.objects.select_related("proposed_by")
        .annotate(item_count=Count("items"))
        .order_by("-starts_at", "-pk")
    )
    scheduled = events.filter(status=LiveEvent.Status.SCHEDULED)
    if status == LiveEvent.Status.SCHEDULED:
        return scheduled.filter(starts_at__gt=now)
    if status == LiveEvent.Status.LIVE:
        return scheduled.filter(starts_at__lte=now, ends_at__gt=now)
    if status == LiveEvent.Status.ENDED:
        return scheduled.filter(ends_at__lte=now)
    if status in (LiveEvent.Status.DRAFT, LiveEvent.Status.CANCELLED):
        return events.filter(status=status)
    return events


def live_event_admin_get(*, pk: int) -> LiveEvent:
    return get_object_or_404(LiveEvent.objects.select_related("proposed_by", "created_by"), pk=pk)


def live_event_admin_items(*, event: LiveEvent) -> QuerySet:
    """All items of the event (suspended shops' too, so the admin sees why they are off sale), in list order."""
    return (
        LiveItem.objects.filter(event=event)
        .select_related("product", "vendor")
        .prefetch_related("product__images", "product__stockrecords")
    )


def live_item_admin_get(*, event: LiveEvent, pk: int) -> LiveItem:
    """An item of this event; Http404 for an item of another event."""
    return get_object_or_404(LiveItem.objects.select_related("product", "vendor", "event"), event=event, pk=pk)


def live_stage_items(*, event: LiveEvent) -> list[LiveItem]:
    """The items the host can show (those of approved shops), each with ``left``: what is still for sale."""
    items = list(_public_items().filter(event=event))
    left = live_event_status(event_id=event.pk)["items"]
    for item in items:
        item.left = left.get(str(item.pk), item.remaining)
    return items


def live_shop_choices() -> QuerySet:
    """Approved shops, whose public products an admin may feature."""
    return Vendor.objects.filter(status=Vendor.Status.APPROVED).order_by("name", "pk")


def live_product_choices(*, vendor_id: int | None = None, query: str = "") -> QuerySet:
    """Public products of approved shops (of one shop, or whose title contains ``query``), with the shop's
    name, the normal price and the units free now (``shop_name``, ``normal_price``, ``free``)."""
    products = Product.objects.filter(
        is_public=True,
        parent=None,
        stockrecords__partner__vendor__status=Vendor.Status.APPROVED,
    ).annotate(
        shop_name=F("stockrecords__partner__vendor__name"),
        normal_price=F("stockrecords__price"),
        free=F("stockrecords__num_in_stock") - Coalesce(F("stockrecords__num_allocated"), 0),
    )
    if vendor_id:
        products = products.filter(stockrecords__partner__vendor__pk=vendor_id)
    if query:
        products = products.filter(title__icontains=query)
    return products.order_by("shop_name", "title", "pk")


# Vendors --------------------------------------------------------------------------------------------------


def seller_live_event_list(*, vendor: Vendor) -> QuerySet:
    """The vendor's own proposals (any status) and the scheduled events featuring its products, latest first."""
    featured = LiveItem.objects.filter(vendor=vendor).values("event_id")
    return (
        LiveEvent.objects.filter(
            Q(proposed_by=vendor) | Q(status=LiveEvent.Status.SCHEDULED, pk__in=featured),
        )
        .annotate(own_item_count=Count("items", filter=Q(items__vendor=vendor)))
        .order_by("-starts_at", "-pk")
    )


def seller_live_event_get(*, vendor: Vendor, pk: int) -> LiveEvent:
    """One of the vendor's events; Http404 for anyone else's."""
    return get_object_or_404(seller_live_event_list(vendor=vendor), pk=pk)


def seller_live_items(*, vendor: Vendor, event: LiveEvent) -> QuerySet:
    """The vendor's own items of the event, never another shop's."""
    return (
        LiveItem.objects.filter(event=event, vendor=vendor)
        .select_related("product")
        .prefetch_related("product__images")
    )


def seller_live_item_get(*, vendor: Vendor, event: LiveEvent, pk: int) -> LiveItem:
    return get_object_or_404(seller_live_items(vendor=vendor, event=event).select_related("event"), pk=pk)
