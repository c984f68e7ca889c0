"""The buyer's orders in tabs (全部/待发货/待收货/已完成) with their counts, one compact card per order."""

import pytest
from django.utils import timezone
from oscar.test.factories import UserFactory

from tests.factories.marketplace import make_order, make_parts, make_product, make_vendor, ship_all
from vendors.fulfilment.services import order_status_refresh
from vendors.models import OrderPart


@pytest.fixture
def orders(db, china):
    """A buyer's four orders of one shop: waiting, shipped, delivered and cancelled (oldest first)."""
    vendor, user = make_vendor("临县王家庄村红枣合作社")
    product = make_product(vendor, price="39.90", stock=100)
    buyer = UserFactory()
    placed = []
    for _ in range(4):
        order = make_order(buyer, [(product, 2)], china=china)
        make_parts(order, shipping="8.00")
        placed.append(order)
    waiting, shipped, delivered, cancelled = placed
    ship_all(vendor, user, shipped)
    ship_all(vendor, user, delivered)
    OrderPart.objects.filter(order=delivered).update(status=OrderPart.Status.DELIVERED, delivered_at=timezone.now())
    OrderPart.objects.filter(order=cancelled).update(status=OrderPart.Status.CANCELLED, cancelled_at=timezone.now())
    for order in (delivered, cancelled):
        order_status_refresh(order=order)
    return buyer, waiting, shipped, delivered, cancelled


def tabs(page) -> list[tuple]:
    return [
        (a["data-tab"], a.contents[0].strip(), a.select_one(".order-tab-count").text, "active" in a["class"])
        for a in page.html.select("#order_tabs a")
    ]


def cards(page) -> list[tuple]:
    return [
        (
            card.select_one(".order-card-shops").text,
            card.select_one(".order-status").text,
            card.select_one(".order-total").text,
            card.select_one(".order-owed").text if card.select_one(".order-owed") else None,
        )
        for card in page.html.select(".order-card")
    ]


def test_the_order_list_opens_on_all_orders_with_each_tabs_count(django_app, orders):
    # given
    buyer, *_ = orders
    # when
    page = django_app.get("/accounts/orders/", user=buyer)
    # then
    assert tabs(page) == [
        ("all", "全部", "4", True),
        ("to-ship", "待发货", "1", False),
        ("to-receive", "待收货", "1", False),
        ("done", "已完成", "1", False),
    ]
    # (the factory's orders carry no shipping in their total; the shop's part charges 8.00, and a card's total
    # is what its parts still come to: nothing once cancelled)
    assert sorted(cards(page)) == sorted(
        [
            ("临县王家庄村红枣合作社", "待发货", "¥87.80", "货到付款应付 ¥87.80"),
            ("临县王家庄村红枣合作社", "已发货", "¥87.80", "货到付款应付 ¥87.80"),
            ("临县王家庄村红枣合作社", "已完成", "¥87.80", None),
            ("临县王家庄村红枣合作社", "已取消", "¥0.00", None),
        ]
    )


@pytest.mark.parametrize(
    "tab, index, status", [("to-ship", 1, "待发货"), ("to-receive", 2, "已发货"), ("done", 3, "已完成")]
)
def test_a_tab_lists_only_its_orders(django_app, orders, tab, index, status):
    # given
    buyer = orders[0]
    order = orders[index]
    # when
    page = django_app.get("/accounts/orders/", user=buyer).click(href=f"\\?tab={tab}$")
    # then
    assert [card["id"] for card in page.html.select(".order-card")] == [f"order_{order.number}"]
    assert cards(page)[0][1] == status
    assert [t[0] for t in tabs(page) if t[3]] == [tab]


def test_an_empty_tab_says_so(django_app, db):
    # when
    page = django_app.get("/accounts/orders/?tab=to-receive", user=UserFactory())
    # then
    assert [t[2] for t in tabs(page)] == ["0", "0", "0", "0"]
    assert page.html.select_one(".order-empty").text == "这里还没有订单。"
