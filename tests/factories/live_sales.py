"""Live events, items and buyers with a default address, built the way the live-sales domain builds them."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from oscar.apps.address.models import UserAddress
from oscar.test.factories import UserFactory

from tests.factories.marketplace import make_product, make_vendor
from vendors.live.models import LiveEvent
from vendors.live.placing import live_reservations_place
from vendors.live.selectors import live_item_offer
from vendors.live.services import live_event_save, live_event_schedule, live_item_add, live_snapup


def make_event(*, starts_in: timedelta = timedelta(minutes=-10), hours: int = 3, status=LiveEvent.Status.SCHEDULED):
    """An event of 临县 (live now by default), scheduled unless told otherwise."""
    starts_at = timezone.now() + starts_in
    event = live_event_save(
        data={
            "title": "县长直播带货：临县红枣专场",
            "host_name": "张某",
            "host_title": "临县县长",
            "county": "临县",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=hours),
            "description": "<p>临县红枣、沁源党参、腐竹，产地直发。</p>",
            "stream_url": "https://live.douyin.com/123456",
        },
        created_by=None,
    )
    if status == LiveEvent.Status.SCHEDULED:
        event = live_event_schedule(event=event)
    return event


def make_item(event, *, vendor=None, price="39.90", live_price="29.90", stock=500, quantity=100, limit=2, **kwargs):
    vendor = vendor or make_vendor(f"临县农户{event.pk}-{timezone.now().timestamp()}")[0]
    product = make_product(vendor, price=price, stock=stock, **kwargs)
    return live_item_add(
        event=event,
        product=product,
        live_price=Decimal(live_price),
        quantity=quantity,
        per_buyer_limit=limit,
    )


def make_buyer(china, *, username=None):
    """A signed-up buyer with a default shipping address (what a one-tap order needs)."""
    user = UserFactory(**({"username": username} if username else {}))
    UserAddress.objects.create(
        user=user,
        first_name="王小明",
        line1="城关镇王家庄村3号",
        line3="临县",
        line4="吕梁市",
        state="山西省",
        country=china,
        phone_number="+8613812345678",
        is_default_for_shipping=True,
    )
    return user


def snap_up(item, user, *, quantity=1, now=None):
    """A tap of 抢购 and the worker's batch after it: the order placed (None when the worker refused it).
    Raises what the tap raises (SoldOut, OverLimit, NotOnSale, NoDefaultAddress)."""
    reservation = live_snapup(offer=live_item_offer(item_id=item.pk), user=user, quantity=quantity, now=now)
    live_reservations_place()
    reservation.refresh_from_db()
    return reservation.order
