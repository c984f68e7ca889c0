"""Live-sales reads: the public list and pages of events, the offer behind a 抢购 button, the live status.

Rules:
- The public sees scheduled events only (never drafts or cancelled ones), and in an event only items of
  approved shops: suspending a shop takes its items off the page and off sale at once.
- What every viewer polls (``live_event_status``: what is left of each item, the item on stage) is built
  at most once a second per event and served from the cache; what is left comes from Redis when it holds
  the counters (vendors.live.admission), else from the database.
- The offer a snap-up checks before admission (``live_item_offer``) is cached for a few seconds; the
  order's transaction checks the event and the shop again.
"""

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from vendors.live import admission
from vendors.live.models import LiveEvent, LiveItem
from vendors.live.services import LiveItemOffer
from vendors.models import Vendor

STATUS_SECONDS = 1
OFFER_SECONDS = 3


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
    """The item's price, limit, window and whether it may sell (event scheduled, shop approved); cached."""
    key = f"live:offer:{item_id}"
    offer = cache.get(key)
    if offer is None:
        item = LiveItem.objects.select_related("event", "vendor").filter(pk=item_id).first()
        if item is None:
            return None
        offer = LiveItemOffer(
            item_id=item.pk,
            event_id=item.event_id,
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
