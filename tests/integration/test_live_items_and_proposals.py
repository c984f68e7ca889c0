"""Live-sales writes behind the admins' and the vendors' pages: an item's changes and removal, a vendor's
proposal and its items (vendors.live.services), and a shop suspended mid-event (vendors.live.selectors)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.test.factories import UserFactory

from shop.order.models import Order
from tests.factories.live_sales import make_buyer, make_event, make_item, snap_up
from tests.factories.marketplace import make_product, make_vendor
from vendors.live.models import LiveBuyer, LiveEvent, LiveItem
from vendors.live.selectors import live_event_get, live_item_offer, seller_live_event_list
from vendors.live.services import (
    EventStatusError,
    ItemRefused,
    NotOnSale,
    live_event_cancel,
    live_event_schedule,
    live_item_remove,
    live_item_update,
    live_proposal_item_add,
    live_proposal_item_remove,
    live_proposal_save,
    live_snapup,
)
from vendors.onboarding.services import vendor_suspend


def _items() -> list[tuple]:
    return list(LiveItem.objects.order_by("pk").values_list("pk", "event", "per_buyer_limit", "display_order", "sold"))


def _propose(vendor, user, *, title="王家庄红枣丰收直播"):
    starts_at = timezone.now() + timedelta(days=3)
    return live_proposal_save(
        vendor=vendor,
        data={
            "title": title,
            "host_name": "王秀英",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
            "county": "别的县",
            "stream_url": "https://example.com/not-hers-to-set",
        },
        created_by=user,
    )


def test_an_items_limit_and_order_change(db):
    # given
    item = make_item(make_event(), limit=2)
    # when
    live_item_update(item=item, per_buyer_limit=5, display_order=7)
    # then
    assert LiveItem.objects.values_list("per_buyer_limit", "display_order").get() == (5, 7)


@pytest.mark.parametrize(("limit", "order"), [(0, 1), (1, -1)])
def test_a_bad_limit_or_order_is_refused_and_changes_nothing(db, limit, order):
    # given
    item = make_item(make_event())
    before = _items()
    # when / then
    with pytest.raises(ItemRefused):
        live_item_update(item=item, per_buyer_limit=limit, display_order=order)
    assert _items() == before


def test_an_unsold_item_is_removed_and_takes_the_stage_with_it(db):
    # given
    event = make_event()
    item = make_item(event)
    LiveEvent.objects.filter(pk=event.pk).update(on_stage=item)
    # when
    live_item_remove(item=item)
    # then
    assert LiveItem.objects.count() == 0
    assert LiveEvent.objects.get(pk=event.pk).on_stage_id is None


def test_an_item_that_sold_is_not_removed(china):
    # given
    item = make_item(make_event())
    snap_up(item, make_buyer(china))
    before = _items()
    # when / then
    with pytest.raises(ItemRefused) as refused:
        live_item_remove(item=item)
    assert str(refused.value) == "这个商品已有成交，不能移除。"
    assert _items() == before
    assert LiveBuyer.objects.count() == 1


def test_a_cancelled_event_takes_no_more_items(db):
    # given
    event = live_event_cancel(event=make_event())
    # when / then
    with pytest.raises(ItemRefused) as refused:
        make_item(event)
    assert str(refused.value) == "活动已取消，不能再添加商品。"
    assert LiveItem.objects.count() == 0


def test_a_vendor_proposes_an_event_of_its_own_county_without_links(db):
    # given
    vendor, user = make_vendor("临县王家庄村农民专业合作社")
    # when
    event = _propose(vendor, user)
    # then
    assert (event.status, event.proposed_by, event.created_by, event.county, event.stream_url) == (
        "draft",
        vendor,
        user,
        "临县",
        "",
    )


def test_a_vendor_adds_and_removes_its_own_product_in_its_own_draft(db):
    # given
    vendor, user = make_vendor("临县王家庄村农民专业合作社")
    event = _propose(vendor, user)
    first = make_product(vendor, title="临县红枣 特级")
    second = make_product(vendor, title="临县小米")
    # when
    a = live_proposal_item_add(
        vendor=vendor, event=event, product=first, live_price=Decimal("29.90"), quantity=10, per_buyer_limit=2
    )
    b = live_proposal_item_add(
        vendor=vendor, event=event, product=second, live_price=Decimal("19.90"), quantity=5, per_buyer_limit=1
    )
    live_proposal_item_remove(vendor=vendor, item=a)
    # then
    assert list(LiveItem.objects.values_list("pk", "vendor", "display_order")) == [(b.pk, vendor.pk, 1)]


def test_a_vendor_cannot_touch_anothers_proposal_or_product(db):
    # given
    vendor_a, user_a = make_vendor("临县王家庄村农民专业合作社")
    vendor_b, user_b = make_vendor("沁源县李家沟村家庭农场")
    a_event = _propose(vendor_a, user_a)
    b_event = _propose(vendor_b, user_b, title="李家沟党参直播")
    a_product = make_product(vendor_a)
    b_product = make_product(vendor_b, title="沁源党参", price="88.00")
    b_item = live_proposal_item_add(
        vendor=vendor_b, event=b_event, product=b_product, live_price=Decimal("68.00"), quantity=5, per_buyer_limit=1
    )
    before = (list(LiveEvent.objects.order_by("pk").values()), _items())
    terms = {"live_price": Decimal("9.90"), "quantity": 1, "per_buyer_limit": 1}
    # when / then
    with pytest.raises(EventStatusError):
        live_proposal_save(vendor=vendor_a, data={"title": "改"}, created_by=user_a, event=b_event)
    with pytest.raises(ItemRefused):
        live_proposal_item_add(vendor=vendor_a, event=b_event, product=a_product, **terms)
    with pytest.raises(ItemRefused) as foreign_product:
        live_proposal_item_add(vendor=vendor_a, event=a_event, product=b_product, **terms)
    with pytest.raises(ItemRefused):
        live_proposal_item_remove(vendor=vendor_a, item=b_item)
    assert str(foreign_product.value) == "只能添加自己店铺的商品。"
    assert (list(LiveEvent.objects.order_by("pk").values()), _items()) == before


def test_a_scheduled_proposal_no_longer_changes(db):
    # given
    vendor, user = make_vendor("临县王家庄村农民专业合作社")
    event = _propose(vendor, user)
    product = make_product(vendor)
    live_event_schedule(event=event)
    # when / then
    with pytest.raises(EventStatusError):
        live_proposal_save(vendor=vendor, data={"title": "改"}, created_by=user, event=event)
    with pytest.raises(ItemRefused):
        live_proposal_item_add(
            vendor=vendor, event=event, product=product, live_price=Decimal("9.90"), quantity=1, per_buyer_limit=1
        )
    assert (LiveEvent.objects.get().title, LiveItem.objects.count()) == ("王家庄红枣丰收直播", 0)


def test_a_vendor_lists_its_proposals_and_the_scheduled_events_featuring_it(db):
    # given
    vendor, user = make_vendor("临县王家庄村农民专业合作社")
    own = _propose(vendor, user)
    featuring = make_event()
    make_item(featuring, vendor=vendor)
    draft_featuring = make_event(status=LiveEvent.Status.DRAFT)
    make_item(draft_featuring, vendor=vendor)
    make_item(make_event())  # another shop's only
    # when
    events = list(seller_live_event_list(vendor=vendor))
    # then
    assert [(e.pk, e.own_item_count) for e in events] == [(own.pk, 0), (featuring.pk, 1)]


def test_a_shop_suspended_mid_event_leaves_the_event_page_and_cannot_be_snapped_up(china):
    """vendor_suspend (the admins' decision) takes the shop's items off the event page and off sale at once."""
    # given: a live event featuring two shops; a buyer has loaded the offer (cached) before the suspension
    event = make_event()
    suspended = make_item(event, title="临县红枣 特级")
    other = make_item(event, title="沁源党参", price="88.00", live_price="68.00")
    buyer = make_buyer(china)
    stale_offer = live_item_offer(item_id=suspended.pk)
    admin = UserFactory(is_staff=True)
    # when
    vendor_suspend(vendor=suspended.vendor, suspended_by=admin, reason="食品安全抽检不合格")
    page = live_event_get(slug=event.slug)
    # then
    assert [item.pk for item in page.public_items] == [other.pk]
    for offer in (stale_offer, live_item_offer(item_id=suspended.pk)):
        with pytest.raises(NotOnSale):
            live_snapup(offer=offer, user=buyer)
    assert (LiveItem.objects.get(pk=suspended.pk).sold, Order.objects.count()) == (0, 0)
    assert snap_up(other, buyer)
