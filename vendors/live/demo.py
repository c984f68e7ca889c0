"""Demo live events for the embedded setup (``seed_demo``): one live now, one upcoming, one past with sales.

Orders are real snap-ups (vendors.live.services.live_snapup, then the workers' vendors.live.placing) by
generated buyers, placed inside the event's window and then dated across it, so the pages and the report show
what a real event leaves.
Their outbox messages are recorded as sent: a demo must not print hundreds of e-mails.
"""

import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from oscar.apps.address.models import Country, UserAddress

from shop.order.models import Order
from shop.partner.models import StockRecord
from vendors.live.models import LiveEvent, LiveEventMinute, LiveEventStats, LiveOrder
from vendors.live.placing import live_reservations_place
from vendors.live.selectors import live_item_offer
from vendors.live.services import (
    NotOnSale,
    OverLimit,
    SoldOut,
    live_event_save,
    live_event_schedule,
    live_item_add,
    live_item_put_on_stage,
    live_snapup,
)
from vendors.models import Vendor
from vendors.notifications.models import Message

DEMO_EVENTS = [
    # slug, title, host, host's title, starts (hours from now), hours, items, buyers
    ("demo-linxian-hongzao", "县长直播带货：临县红枣、沁源党参专场", "张建华", "临县县长", -0.5, 3, 4, 40),
    ("demo-qinyuan-fuzhu", "沁源腐竹·党参产地直播", "李秀梅", "沁源县副县长", 26, 2, 3, 0),
    ("demo-wanrong-pingguo", "万荣苹果丰收节直播", "王志强", "万荣县县长", -74, 3, 4, 240),
]
STREAMS = ["https://live.douyin.com/", "https://live.kuaishou.com/u/", "https://channels.weixin.qq.com/live/"]


def seed_live_events(*, now=None) -> int:
    """Create the demo events that are missing; return how many were created."""
    now = now or timezone.now()
    created = 0
    rng = random.Random(2026)
    for slug, title, host, host_title, starts_in, hours, item_count, buyers in DEMO_EVENTS:
        if LiveEvent.objects.filter(slug=slug).exists():
            continue
        with transaction.atomic():
            event = _event(slug, title, host, host_title, now + timedelta(hours=starts_in), hours, rng)
            items = _items(event, item_count, rng)
            if buyers:
                _sales(event, items, buyers, rng, now)
                _viewers(event, rng, now)
            if event.is_on_sale(now):
                live_item_put_on_stage(event=event, item=items[0])
            Message.objects.filter(status=Message.Status.PENDING).update(status=Message.Status.SENT, attempts=1)
        created += 1
    return created


def _event(slug, title, host, host_title, starts_at, hours, rng) -> LiveEvent:
    event = live_event_save(
        data={
            "title": title,
            "host_name": host,
            "host_title": host_title,
            "county": host_title[:2] + "县",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=hours),
            "description": f"<p>{host_title}{host}走进田间地头，带您认识家乡好物：产地直发，助农增收。</p>",
            "stream_url": rng.choice(STREAMS) + str(rng.randrange(10**7, 10**8)),
        },
        created_by=None,
    )
    LiveEvent.objects.filter(pk=event.pk).update(slug=slug)
    event.slug = slug
    return live_event_schedule(event=event)


def _items(event, count: int, rng):
    records = list(
        StockRecord.objects.filter(
            partner__vendor__status=Vendor.Status.APPROVED, product__is_public=True, num_in_stock__gte=60
        )
        .select_related("product")
        .order_by("?")[:count]
    )
    items = []
    for order, record in enumerate(records):
        price = (record.price * Decimal("0.75")).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        items.append(
            live_item_add(
                event=event,
                product=record.product,
                live_price=price,
                quantity=min(80, record.num_in_stock - (record.num_allocated or 0)),
                per_buyer_limit=rng.choice([2, 3, 5]),
                display_order=order,
            )
        )
    return items


def _sales(event, items, buyers: int, rng, now) -> None:
    User = get_user_model()
    won = []
    china = Country.objects.get(iso_3166_1_a2="CN")
    inside = event.starts_at + timedelta(minutes=1)
    for n in range(buyers):
        user, _created = User.objects.get_or_create(username=f"demo-buyer-{event.pk}-{n}")
        UserAddress.objects.get_or_create(
            user=user,
            is_default_for_shipping=True,
            defaults={
                "first_name": rng.choice(["王", "李", "张", "刘", "陈", "杨"])
                + rng.choice(["丽", "强", "芳", "伟", "敏"]),
                "line1": f"幸福路 {rng.randrange(1, 300)} 号",
                "line3": rng.choice(["小店区", "离石区", "临县", "万荣县", "沁源县"]),
                "line4": rng.choice(["太原市", "吕梁市", "运城市", "长治市"]),
                "state": "山西省",
                "country": china,
                "phone_number": f"+86138{rng.randrange(10**7, 10**8)}",
            },
        )
        item = rng.choice(items)
        try:
            reservation = live_snapup(
                offer=live_item_offer(item_id=item.pk), user=user, quantity=rng.choice([1, 1, 1, 2]), now=inside
            )
        except (SoldOut, OverLimit, NotOnSale):
            continue
        # Spread the orders over the event, most of them when the host shows the item.
        won.append(
            (
                reservation,
                event.starts_at + (min(event.ends_at, now) - event.starts_at) * min(rng.betavariate(2, 3), 0.999),
            )
        )
    while live_reservations_place():  # what the workers do after the taps
        pass
    for reservation, placed in won:
        reservation.refresh_from_db()
        Order.objects.filter(pk=reservation.order_id).update(date_placed=placed)
        LiveOrder.objects.filter(order_id=reservation.order_id).update(created_at=placed)


def _viewers(event, rng, now) -> None:
    """Viewer counts as beat would have flushed them: a crowd that grows, peaks mid-show and thins out."""
    start = event.starts_at.replace(second=0, microsecond=0)
    minutes = int((min(event.ends_at, now) - start).total_seconds() // 60)
    rows = []
    for n in range(minutes):
        shape = min(rng.betavariate(2, 2.5) + 0.2, 1.0) if n else 0.3
        crowd = 200 + 1800 * (1 - abs(n - minutes * 0.45) / max(minutes, 1))
        rows.append(LiveEventMinute(event=event, minute=start + timedelta(minutes=n), viewers=int(crowd * shape)))
    LiveEventMinute.objects.bulk_create(rows)
    unique = int(sum(row.viewers for row in rows) * 0.55)
    LiveEventStats.objects.update_or_create(
        event=event, defaults={"views": int(unique * 2.7), "unique_viewers": unique, "flushed_at": now}
    )
