"""The snap-up (vendors.live.services.live_snapup): one tap, one reservation within the event's cap, the buyer's
limit and the event's window (the database's conditional updates are the final word), then one ordinary order
at the live price written by a worker (vendors.live.placing)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone
from oscar.test.factories import UserFactory

from shop.catalogue.models import Product
from shop.order.models import Order
from shop.partner.models import StockRecord
from shop.partner.strategy import Selector
from tests.factories.live_sales import make_buyer, make_event, make_item, snap_up
from vendors.fulfilment.services import order_part_cancel
from vendors.live.models import LiveBuyer, LiveItem, LiveOrder, LiveReservation
from vendors.live.placing import live_item_counters_reconcile, live_reservations_place
from vendors.live.selectors import live_item_offer
from vendors.live.services import ItemRefused, NoDefaultAddress, NotOnSale, OverLimit, SoldOut, live_snapup
from vendors.live.tasks import PLACING_SCHEDULED, place_live_orders_task
from vendors.models import OrderPart, Vendor
from vendors.notifications.models import Message


def _reserve(item, user, *, quantity=1, now=None):
    return live_snapup(offer=live_item_offer(item_id=item.pk), user=user, quantity=quantity, now=now)


_tap = snap_up


def test_a_tap_places_an_order_at_the_live_price_with_its_shop_part_and_messages(china):
    # given
    item = make_item(make_event(), price="39.90", live_price="29.90")
    buyer = make_buyer(china)
    # when
    order = _tap(item, buyer)
    # then
    line = order.lines.get()
    assert (line.product_id, line.quantity, line.unit_price_incl_tax) == (item.product_id, 1, Decimal("29.90"))
    assert order.total_incl_tax == Decimal("37.90")  # the shop's ¥8 shipping: below its free-shipping amount
    assert OrderPart.objects.get(order=order).vendor_id == item.vendor_id
    assert LiveOrder.objects.get(order=order).unit_price == Decimal("29.90")
    assert LiveItem.objects.get(pk=item.pk).sold == 1
    assert LiveBuyer.objects.get(item=item, user=buyer).units == 1
    assert StockRecord.objects.get(product=item.product).num_allocated == 1
    assert Message.objects.filter(kind="order_placed").exists()
    assert order.sources.get().source_type.code == "cod"


def test_the_buyers_limit_holds(china):
    # given
    item = make_item(make_event(), limit=2)
    buyer = make_buyer(china)
    _tap(item, buyer)
    _tap(item, buyer)
    # when / then
    with pytest.raises(OverLimit):
        _tap(item, buyer)
    assert LiveItem.objects.get(pk=item.pk).sold == 2
    assert Order.objects.filter(user=buyer).count() == 2


def test_the_events_quantity_holds(china):
    # given
    item = make_item(make_event(), quantity=2, limit=5)
    _tap(item, make_buyer(china), quantity=2)
    # when / then
    with pytest.raises(SoldOut):
        _tap(item, make_buyer(china))
    assert LiveItem.objects.get(pk=item.pk).sold == 2
    assert StockRecord.objects.get(product=item.product).num_allocated == 2


@pytest.mark.parametrize(
    ("offset", "on_sale"),
    [
        (timedelta(seconds=-1), False),
        (timedelta(0), True),
        (timedelta(hours=3, seconds=-1), True),
        (timedelta(hours=3), False),
    ],
)
def test_the_live_price_holds_only_inside_the_window(china, offset, on_sale):
    # given: an event from starts_at (inclusive) to ends_at (exclusive)
    event = make_event(starts_in=timedelta(hours=1), hours=3)
    item = make_item(event)
    buyer = make_buyer(china)
    # when / then
    if on_sale:
        assert _tap(item, buyer, now=event.starts_at + offset).lines.get().unit_price_incl_tax == Decimal("29.90")
    else:
        with pytest.raises(NotOnSale):
            _tap(item, buyer, now=event.starts_at + offset)
        assert LiveItem.objects.get(pk=item.pk).sold == 0


def test_a_suspended_shops_item_is_off_sale_at_once(china):
    # given
    item = make_item(make_event())
    Vendor.objects.filter(pk=item.vendor_id).update(status=Vendor.Status.SUSPENDED)
    # when / then: even with the offer still cached as on sale, the order's transaction refuses
    with pytest.raises(NotOnSale):
        _tap(item, make_buyer(china))
    assert (LiveItem.objects.get(pk=item.pk).sold, Order.objects.count()) == (0, 0)


def test_a_buyer_without_a_default_address_gets_no_order_and_keeps_no_unit(china):
    # given
    item = make_item(make_event(), quantity=1)
    # when
    with pytest.raises(NoDefaultAddress):
        _tap(item, UserFactory())
    # then: the unit is still for sale
    assert _tap(item, make_buyer(china)).lines.get().quantity == 1


def test_the_live_price_must_be_below_the_normal_price_and_the_quantity_free(china):
    # given
    event = make_event()
    # when / then
    with pytest.raises(ItemRefused):
        make_item(event, price="39.90", live_price="39.90")
    with pytest.raises(ItemRefused):
        make_item(event, stock=50, quantity=51)
    assert LiveItem.objects.count() == 0


def test_a_product_in_the_normal_basket_during_the_event_pays_the_normal_price(china):
    # given
    item = make_item(make_event(), price="39.90", live_price="29.90")
    # when
    info = Selector().strategy().fetch_for_product(item.product)
    # then
    assert info.price.incl_tax == Decimal("39.90")
    assert timezone.now() < item.event.ends_at


def test_a_cancelled_snap_up_goes_back_on_sale_when_the_counters_are_reconciled(
    china, django_capture_on_commit_callbacks
):
    # given: the only unit, bought, then the buyer cancels the shop's part
    item = make_item(make_event(), quantity=1, limit=1)
    first = make_buyer(china)
    order = _tap(item, first)
    order_part_cancel(part=OrderPart.objects.get(order=order), cancelled_by=first)
    with pytest.raises(SoldOut):
        _tap(item, make_buyer(china))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        sold = live_item_counters_reconcile(item_id=item.pk)
    # then
    assert sold == 0
    assert LiveBuyer.objects.get(item=item, user=first).units == 0
    assert _tap(item, make_buyer(china)).lines.get().quantity == 1
    assert LiveItem.objects.get(pk=item.pk).sold == 1


def test_reconciling_keeps_what_was_sold(china):
    # given
    item = make_item(make_event(), quantity=10, limit=3)
    buyer = make_buyer(china)
    _tap(item, buyer, quantity=2)
    # when
    sold = live_item_counters_reconcile(item_id=item.pk)
    # then
    assert sold == 2
    assert (LiveItem.objects.get(pk=item.pk).sold, LiveBuyer.objects.get(item=item, user=buyer).units) == (2, 2)


def test_a_product_its_shop_delisted_is_off_sale(china):
    # given
    item = make_item(make_event())
    Product.objects.filter(pk=item.product_id).update(is_public=False)
    # when / then
    with pytest.raises(NotOnSale):
        _tap(item, make_buyer(china))
    assert (LiveItem.objects.get(pk=item.pk).sold, Order.objects.count()) == (0, 0)


def test_a_tap_answers_before_the_order_is_written_and_the_worker_writes_it(china, django_capture_on_commit_callbacks):
    # given
    item = make_item(make_event(), quantity=5)
    buyer = make_buyer(china)
    # when: the tap alone
    reservation = _reserve(item, buyer)
    # then: the unit is the buyer's, the order not written yet
    assert (reservation.status, reservation.order_id, Order.objects.count()) == ("pending", None, 0)
    assert (LiveItem.objects.get(pk=item.pk).sold, LiveBuyer.objects.get(item=item, user=buyer).units) == (1, 1)
    # when: the tap's commit queues the worker (in-process in tests)
    with django_capture_on_commit_callbacks(execute=True):
        second = _reserve(item, make_buyer(china))
    # then: both orders are written, once each
    assert LiveReservation.objects.filter(status="placed").count() == 2
    second.refresh_from_db()
    assert second.order.lines.get().unit_price_incl_tax == Decimal("29.90")
    assert LiveOrder.objects.filter(item=item).count() == 2
    assert live_reservations_place() == 0


def test_a_reservation_the_shops_stock_can_no_longer_serve_is_refused_and_its_unit_goes_back(china):
    # given: two buyers won the item, then the shop's last free units went to normal orders
    item = make_item(make_event(), stock=10, quantity=5)
    first, second = make_buyer(china), make_buyer(china)
    _reserve(item, first)
    _reserve(item, second)
    StockRecord.objects.filter(product=item.product).update(num_allocated=9)
    # when
    live_reservations_place()
    # then: the first is served, the second refused with its unit back on sale
    assert [(r.user_id, r.status, r.reason) for r in LiveReservation.objects.order_by("pk")] == [
        (first.pk, "placed", ""),
        (second.pk, "refused", "sold_out"),
    ]
    assert LiveItem.objects.get(pk=item.pk).sold == 1
    assert LiveBuyer.objects.get(item=item, user=second).units == 0
    assert Order.objects.count() == 1
    assert StockRecord.objects.get(product=item.product).num_allocated == 10


def test_a_shop_suspended_between_the_tap_and_the_order_gets_no_order(china):
    # given
    item = make_item(make_event())
    buyer = make_buyer(china)
    reservation = _reserve(item, buyer)
    Vendor.objects.filter(pk=item.vendor_id).update(status=Vendor.Status.SUSPENDED)
    # when
    live_reservations_place()
    # then
    reservation.refresh_from_db()
    assert (reservation.status, reservation.reason, Order.objects.count()) == ("refused", "not_on_sale", 0)
    assert (LiveItem.objects.get(pk=item.pk).sold, LiveBuyer.objects.get(item=item, user=buyer).units) == (0, 0)
    assert StockRecord.objects.get(product=item.product).num_allocated in (0, None)


def test_reconciling_counts_reservations_whose_orders_are_not_written_yet(china):
    # given
    item = make_item(make_event(), quantity=10, limit=3)
    buyer = make_buyer(china)
    _tap(item, buyer)
    _reserve(item, buyer, quantity=2)
    # when
    sold = live_item_counters_reconcile(item_id=item.pk)
    # then
    assert sold == 3
    assert LiveBuyer.objects.get(item=item, user=buyer).units == 3


def test_a_burst_of_won_taps_queues_one_writer_and_a_tap_after_its_last_look_queues_another(
    china, django_capture_on_commit_callbacks
):
    # given: a writer is already queued (the flag a tap set) when two more taps commit
    item = make_item(make_event(), quantity=5)
    cache.add(PLACING_SCHEDULED, 1, timeout=30)
    with django_capture_on_commit_callbacks(execute=True):
        _reserve(item, make_buyer(china))
        _reserve(item, make_buyer(china))
    # then: they queued nothing more; the queued writer writes both (and clears the flag before it looks)
    assert LiveReservation.objects.filter(status="pending").count() == 2
    assert place_live_orders_task.apply().get() == 2
    assert cache.get(PLACING_SCHEDULED) is None
    # when: a tap after the writer's last look
    with django_capture_on_commit_callbacks(execute=True):
        _reserve(item, make_buyer(china))
    # then: it queued (here: ran) a writer of its own
    assert LiveReservation.objects.filter(status="placed").count() == 3
