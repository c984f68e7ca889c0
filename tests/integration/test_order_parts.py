"""Vendors' parts of an order after placement (vendors.fulfilment): shipped, cancelled, delivered, the order's status.

The helpers at the top (an order of two vendors with its parts) are used by the earnings and the
order-cancel tests too. Notifications are written to the outbox and checked there; sending them
is tested with the outbox (tests/integration/test_notifications.py).
"""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from oscar.test.factories import UserFactory

from shop.order.models import Order
from tests.factories.marketplace import (
    TwoVendorOrder,
    make_order,
    make_product,
    make_two_vendor_order,
    make_vendor,
    ship_all,
    stock_of,
)
from tests.factories.outbox import buyer_told, outbox, vendor_told
from vendors.earnings.selectors import seller_sales_totals
from vendors.fulfilment.selectors import order_amount_due
from vendors.fulfilment.services import (
    PartNotCancellable,
    PartNotShipped,
    ShipmentRefused,
    order_part_cancel,
    order_part_confirm_delivered,
    order_parts_auto_deliver,
    order_status_derive,
    vendor_lines_ship,
)
from vendors.models import EarningsEntry, OrderPart, OrderStatus, Shipment

SHANGHAI = ZoneInfo("Asia/Shanghai")


# Helpers ------------------------------------------------------------------------------------------


# What these services tell (placing the order tells others: not these tests' concern).
AFTER_PLACEMENT = ("parcel_shipped", "part_cancelled")


@pytest.fixture
def two_vendor_order(db, china) -> TwoVendorOrder:
    return make_two_vendor_order(china=china)


def refreshed(obj):
    obj.refresh_from_db()
    return obj


# Shipping ------------------------------------------------------------------------------------------


def test_shipping_all_of_a_vendors_lines_ships_its_part_and_tells_the_buyer(two_vendor_order):
    # given
    w = two_vendor_order
    # when
    shipment = ship_all(w.vendor_a, w.user_a, w.order)
    # then
    part_a, part_b = refreshed(w.part_a), refreshed(w.part_b)
    assert (part_a.status, part_b.status) == ("shipped", "waiting")
    assert part_a.shipped_at is not None
    assert refreshed(w.order).status == "partly_shipped"
    assert outbox(*AFTER_PLACEMENT) == buyer_told("parcel_shipped", w.order, shipment=shipment)


def test_a_partial_parcel_leaves_the_part_waiting(two_vendor_order):
    # given
    w = two_vendor_order
    dates_line = w.order.lines.get(product=w.dates)
    # when
    shipment = vendor_lines_ship(
        vendor=w.vendor_a,
        order=w.order,
        quantities={dates_line.pk: 2},
        carrier="zto",
        tracking_number="ZTO7700001",
        shipped_by=w.user_a,
    )
    # then
    assert refreshed(w.part_a).status == "waiting"
    assert refreshed(w.part_a).shipped_at is None
    assert refreshed(w.order).status == "waiting"
    assert outbox(*AFTER_PLACEMENT) == buyer_told("parcel_shipped", w.order, shipment=shipment)


def test_the_second_parcel_that_completes_the_vendors_lines_ships_the_part(two_vendor_order):
    # given
    w = two_vendor_order
    dates_line, millet_line = w.order.lines.get(product=w.dates), w.order.lines.get(product=w.millet)
    vendor_lines_ship(
        vendor=w.vendor_a,
        order=w.order,
        quantities={dates_line.pk: 2},
        carrier="sf",
        tracking_number="SF1",
        shipped_by=w.user_a,
    )
    # when
    vendor_lines_ship(
        vendor=w.vendor_a,
        order=w.order,
        quantities={millet_line.pk: 1},
        carrier="sf",
        tracking_number="SF2",
        shipped_by=w.user_a,
    )
    # then
    assert refreshed(w.part_a).status == "shipped"


def test_both_vendors_shipped_makes_the_order_shipped(two_vendor_order):
    # given
    w = two_vendor_order
    # when
    ship_all(w.vendor_a, w.user_a, w.order)
    ship_all(w.vendor_b, w.user_b, w.order, tracking="YT1234567")
    # then
    assert refreshed(w.order).status == "shipped"


def test_a_cancelled_part_cannot_be_shipped_and_nothing_changes(two_vendor_order):
    # given
    w = two_vendor_order
    order_part_cancel(part=w.part_b, cancelled_by=w.buyer)
    stock_before = stock_of(w.ginseng)
    told_before = outbox(*AFTER_PLACEMENT)
    # when
    with pytest.raises(ShipmentRefused):
        ship_all(w.vendor_b, w.user_b, w.order)
    # then
    assert refreshed(w.part_b).status == "cancelled"
    assert Shipment.objects.count() == 0
    assert w.order.shipping_events.count() == 0
    assert stock_of(w.ginseng) == stock_before
    assert outbox(*AFTER_PLACEMENT) == told_before


# Cancelling ----------------------------------------------------------------------------------------


def test_cancelling_a_part_releases_exactly_its_allocations_and_tells_the_vendor(two_vendor_order):
    # given
    w = two_vendor_order
    assert (stock_of(w.dates), stock_of(w.millet), stock_of(w.ginseng)) == ((10, 2), (10, 1), (10, 3))
    # when
    part = order_part_cancel(part=w.part_a, cancelled_by=w.buyer)
    # then
    assert (stock_of(w.dates), stock_of(w.millet), stock_of(w.ginseng)) == ((10, 0), (10, 0), (10, 3))
    assert [line.num_allocated for line in w.order.lines.order_by("pk")] == [0, 0, 3]
    assert refreshed(w.part_a).status == "cancelled"
    assert refreshed(w.part_a).cancelled_at is not None
    assert refreshed(w.part_b).status == "waiting"
    assert refreshed(w.order).status == "partly_cancelled"
    notes = list(w.order.notes.values_list("message", flat=True))
    assert notes == ["临县王家庄村农民专业合作社: cancelled by the buyer"]
    assert outbox(*AFTER_PLACEMENT) == vendor_told("part_cancelled", w.vendor_a, part=part)


def test_allocations_are_never_released_below_zero(two_vendor_order):
    """Stock edited down to nothing allocated meanwhile (an admin's fix): the release stops at 0."""
    # given
    w = two_vendor_order
    w.dates.stockrecords.update(num_allocated=1)
    # when
    order_part_cancel(part=w.part_a, cancelled_by=w.buyer)
    # then
    assert stock_of(w.dates) == (10, 0)


def test_cancelling_both_parts_cancels_the_order_and_nothing_is_due(two_vendor_order):
    # given
    w = two_vendor_order
    assert order_amount_due(order=w.order) == Decimal("384.80")  # 104.80 + 8.00 + 264.00 + 8.00
    # when
    order_part_cancel(part=w.part_a, cancelled_by=w.buyer)
    due_after_one = order_amount_due(order=w.order)
    order_part_cancel(part=w.part_b, cancelled_by=w.buyer)
    # then
    assert due_after_one == Decimal("272.00")
    assert order_amount_due(order=w.order) == Decimal("0.00")
    assert refreshed(w.order).status == "cancelled"


@pytest.mark.parametrize("how", ["partly shipped", "shipped", "delivered", "cancelled"])
def test_a_part_that_is_not_waiting_with_nothing_shipped_cannot_be_cancelled(two_vendor_order, how):
    # given
    w = two_vendor_order
    if how == "partly shipped":
        line = w.order.lines.get(product=w.millet)
        vendor_lines_ship(
            vendor=w.vendor_a,
            order=w.order,
            quantities={line.pk: 1},
            carrier="sf",
            tracking_number="SF9",
            shipped_by=w.user_a,
        )
    elif how in ("shipped", "delivered"):
        ship_all(w.vendor_a, w.user_a, w.order)
        if how == "delivered":
            order_part_confirm_delivered(part=w.part_a, confirmed_by=w.buyer)
    else:
        order_part_cancel(part=w.part_a, cancelled_by=w.buyer)
    told_before = outbox(*AFTER_PLACEMENT)
    before = (
        list(OrderPart.objects.order_by("pk").values()),
        stock_of(w.dates),
        stock_of(w.millet),
        refreshed(w.order).status,
        list(w.order.lines.order_by("pk").values("num_allocated", "allocation_cancelled")),
        w.order.notes.count(),
    )
    # when
    with pytest.raises(PartNotCancellable):
        order_part_cancel(part=w.part_a, cancelled_by=w.buyer)
    # then
    after = (
        list(OrderPart.objects.order_by("pk").values()),
        stock_of(w.dates),
        stock_of(w.millet),
        refreshed(w.order).status,
        list(w.order.lines.order_by("pk").values("num_allocated", "allocation_cancelled")),
        w.order.notes.count(),
    )
    assert after == before
    assert outbox(*AFTER_PLACEMENT) == told_before


# Delivering ----------------------------------------------------------------------------------------


def test_confirming_receipt_delivers_the_part_and_books_one_earnings_entry(two_vendor_order):
    # given
    w = two_vendor_order
    ship_all(w.vendor_a, w.user_a, w.order)
    # when
    part = order_part_confirm_delivered(part=w.part_a, confirmed_by=w.buyer)
    # then
    assert refreshed(w.part_a).status == "delivered"
    entry = EarningsEntry.objects.get()
    assert (entry.part_id, entry.vendor_id, entry.goods_total, entry.shipping_charge, entry.commission, entry.net) == (
        w.part_a.pk,
        w.vendor_a.pk,
        Decimal("104.80"),
        Decimal("8.00"),
        Decimal("5.24"),
        Decimal("107.56"),
    )
    assert entry.booked_at == part.delivered_at
    assert refreshed(w.order).status == "partly_shipped"


def test_confirming_twice_is_refused_and_books_nothing_more(two_vendor_order):
    # given
    w = two_vendor_order
    ship_all(w.vendor_a, w.user_a, w.order)
    order_part_confirm_delivered(part=w.part_a, confirmed_by=w.buyer)
    # when
    with pytest.raises(PartNotShipped):
        order_part_confirm_delivered(part=w.part_a, confirmed_by=w.buyer)
    # then
    assert EarningsEntry.objects.count() == 1


def test_a_waiting_part_cannot_be_confirmed_delivered(two_vendor_order):
    # given
    w = two_vendor_order
    # when
    with pytest.raises(PartNotShipped):
        order_part_confirm_delivered(part=w.part_b, confirmed_by=w.buyer)
    # then
    assert refreshed(w.part_b).status == "waiting"
    assert EarningsEntry.objects.count() == 0


def test_parts_shipped_more_than_the_configured_days_ago_are_delivered_automatically(two_vendor_order, settings):
    # given
    w = two_vendor_order
    settings.VENDOR_AUTO_DELIVER_DAYS = 10
    ship_all(w.vendor_a, w.user_a, w.order)
    ship_all(w.vendor_b, w.user_b, w.order, tracking="YT7654321")
    now = datetime(2026, 3, 20, 12, 0, tzinfo=SHANGHAI)
    OrderPart.objects.filter(pk=w.part_a.pk).update(shipped_at=now - timedelta(days=10, seconds=1))
    OrderPart.objects.filter(pk=w.part_b.pk).update(shipped_at=now - timedelta(days=9, hours=23))
    # when
    delivered = order_parts_auto_deliver(now=now)
    again = order_parts_auto_deliver(now=now)
    # then
    assert (delivered, again) == (1, 0)
    assert (refreshed(w.part_a).status, refreshed(w.part_b).status) == ("delivered", "shipped")
    assert refreshed(w.part_a).delivered_at == now
    assert list(EarningsEntry.objects.values_list("part_id", "booked_at")) == [(w.part_a.pk, now)]
    assert refreshed(w.order).status == "shipped"


def test_the_beat_task_delivers_due_parts(two_vendor_order, settings):
    # given
    from vendors.fulfilment.tasks import auto_deliver_parts_task

    w = two_vendor_order
    ship_all(w.vendor_a, w.user_a, w.order)
    OrderPart.objects.filter(pk=w.part_a.pk).update(
        shipped_at=timezone.now() - timedelta(days=settings.VENDOR_AUTO_DELIVER_DAYS, minutes=1)
    )
    # when
    result = auto_deliver_parts_task.delay()
    # then
    assert result.get() == 1
    assert refreshed(w.part_a).status == "delivered"
    assert EarningsEntry.objects.filter(part=w.part_a).count() == 1


def test_delivering_both_parts_completes_the_order(two_vendor_order):
    # given
    w = two_vendor_order
    ship_all(w.vendor_a, w.user_a, w.order)
    ship_all(w.vendor_b, w.user_b, w.order, tracking="YT1111111")
    # when
    order_part_confirm_delivered(part=w.part_a, confirmed_by=w.buyer)
    order_part_confirm_delivered(part=w.part_b, confirmed_by=w.buyer)
    # then
    assert refreshed(w.order).status == "delivered"
    assert EarningsEntry.objects.count() == 2


# The order's overall status ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "status"),
    [
        ([], None),
        (["waiting"], "waiting"),
        (["waiting", "waiting"], "waiting"),
        (["shipped", "waiting"], "partly_shipped"),
        (["delivered", "waiting"], "partly_shipped"),
        (["shipped", "shipped"], "shipped"),
        (["delivered", "shipped"], "shipped"),
        (["delivered", "delivered"], "delivered"),
        (["delivered"], "delivered"),
        (["cancelled", "waiting"], "partly_cancelled"),
        (["cancelled", "waiting", "shipped"], "partly_shipped"),
        (["cancelled", "shipped"], "shipped"),
        (["cancelled", "delivered"], "delivered"),
        (["cancelled"], "cancelled"),
        (["cancelled", "cancelled"], "cancelled"),
    ],
)
def test_the_orders_status_follows_from_its_parts(parts, status):
    # when
    derived = order_status_derive(parts)
    # then
    assert derived == status


def test_every_order_status_has_a_chinese_label():
    # given
    from django.utils import translation

    # when
    with translation.override("zh-hans"):
        labels = {code: str(label) for code, label in OrderStatus.choices}
    # then
    assert labels == {
        "waiting": "待发货",
        "partly_shipped": "部分发货",
        "shipped": "已发货",
        "delivered": "已完成",
        "partly_cancelled": "部分取消",
        "cancelled": "已取消",
    }


def test_an_order_placed_before_parts_keeps_its_status_and_ships_as_before(db, china):
    # given
    vendor, user = make_vendor("吕梁山土特产店")
    product = make_product(vendor, stock=5)
    order = make_order(UserFactory(), [(product, 1)], china=china)
    OrderPart.objects.filter(order=order).delete()
    Order.objects.filter(pk=order.pk).update(status="Pending")
    # when
    shipment = ship_all(vendor, user, order)
    # then
    assert refreshed(order).status == "Pending"
    assert order_amount_due(order=order) is None
    assert outbox(*AFTER_PLACEMENT) == buyer_told("parcel_shipped", order, shipment=shipment)


def test_a_cancelled_part_is_no_sale_in_the_sellers_totals(two_vendor_order):
    # given

    w = two_vendor_order
    before = (seller_sales_totals(vendor=w.vendor_a), seller_sales_totals(vendor=w.vendor_b))
    # when
    order_part_cancel(part=w.part_a, cancelled_by=w.buyer)
    # then
    assert before == (
        {"today": Decimal("104.80"), "month": Decimal("104.80")},
        {"today": Decimal("264.00"), "month": Decimal("264.00")},
    )
    assert seller_sales_totals(vendor=w.vendor_a) == {"today": Decimal("0.00"), "month": Decimal("0.00")}
    assert seller_sales_totals(vendor=w.vendor_b) == {"today": Decimal("264.00"), "month": Decimal("264.00")}


def test_a_cancelled_part_shows_on_the_sellers_order_page_without_the_ship_form(django_app, two_vendor_order):
    # given
    w = two_vendor_order
    order_part_cancel(part=w.part_a, cancelled_by=w.buyer)
    # when
    detail = django_app.get(f"/seller/orders/{w.order.number}/", user=w.user_a)
    listing = django_app.get("/seller/orders/", user=w.user_a)
    # then
    assert detail.html.select_one("#part-status .part-status").text == "已取消"
    assert detail.html.select_one("#ship-form") is None
    assert detail.html.select_one("#part-cancelled") is not None
    assert [badge.text for badge in listing.html.select(".seller-order .part-status")] == ["已取消"]
