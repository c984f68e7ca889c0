"""Every page that shows an order's total shows what is still owed once a shop's part is cancelled: the
buyer's list and order page, each seller's order page, the admins' order list, order page, CSV and home."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.test.factories import UserFactory

from tests.factories.marketplace import make_two_vendor_order
from tests.factories.outbox import LVLIANG_MOBILE
from tests.factories.pages import open_guest_order
from vendors.fulfilment.services import order_part_cancel


@pytest.fixture
def cancelled_a(db, china):
    """A two-shop order (A: ¥104.80 + ¥8.00, B: ¥264.00 + ¥8.00) whose shop A part the buyer cancelled."""
    w = make_two_vendor_order(china=china)
    order_part_cancel(part=w.part_a, cancelled_by=w.buyer)
    return w


def _text(page, selector: str) -> str:
    return page.html.select_one(selector).get_text(strip=True)


def test_every_page_with_an_order_total_shows_what_is_still_owed(django_app, cancelled_a):
    # given
    w = cancelled_a
    number = w.order.number
    admin = UserFactory(is_staff=True, is_superuser=True)
    # when
    buyer_list = django_app.get("/accounts/orders/", user=w.buyer)
    buyer_order = django_app.get(f"/accounts/orders/{number}/", user=w.buyer)
    seller_a = django_app.get(f"/seller/orders/{number}/", user=w.user_a)
    seller_b = django_app.get(f"/seller/orders/{number}/", user=w.user_b)
    admin_list = django_app.get("/dashboard/orders/", user=admin)
    admin_order = django_app.get(f"/dashboard/orders/{number}/", user=admin)
    admin_csv = django_app.get("/dashboard/orders/?response_format=csv", user=admin)
    admin_home = django_app.get("/dashboard/", user=admin)
    # then
    assert [td.get_text(strip=True) for td in buyer_list.html.select("#order-list .order-total")] == ["¥272.00"]
    assert _text(buyer_order, "#amount-due strong") == "¥272.00"
    assert _text(buyer_order, "#order-total") == "¥272.00"
    assert _text(buyer_order, "#cancelled-total") == "- ¥112.80"
    assert seller_a.html.select_one("#part-cod") is None
    assert _text(seller_b, "#part-cod") == "¥272.00"
    assert [td.get_text(strip=True) for td in admin_list.html.select(".order-total")] == ["¥272.00"]
    assert _text(admin_order, "#order-total") == "¥272.00"
    rows = list(csv.reader(io.StringIO(admin_csv.text)))
    assert [row[1] for row in rows[1:]] == ["272.00"]
    assert (admin_home.context["total_revenue"], admin_home.context["total_revenue_last_day"]) == (
        Decimal("272.00"),
        Decimal("272.00"),
    )
    assert admin_home.context["average_order_costs"] == Decimal("272.00")
    assert sum(item["total_incl_tax"] for item in admin_home.context["hourly_report_dict"]["order_total_hourly"]) == (
        Decimal("272.00")
    )


def test_an_order_with_every_part_cancelled_owes_nothing(django_app, cancelled_a):
    # given
    w = cancelled_a
    order_part_cancel(part=w.part_b, cancelled_by=w.buyer)
    # when
    buyer_list = django_app.get("/accounts/orders/", user=w.buyer)
    buyer_order = django_app.get(f"/accounts/orders/{w.order.number}/", user=w.buyer)
    # then
    assert [td.get_text(strip=True) for td in buyer_list.html.select("#order-list .order-total")] == ["¥0.00"]
    assert _text(buyer_order, "#order-total") == "¥0.00"
    assert _text(buyer_order, "#cancelled-total") == "- ¥384.80"


def test_a_dashboard_csv_cell_cannot_run_as_a_formula(django_app, cancelled_a):
    # given
    w = cancelled_a
    w.order.shipping_address.first_name = '=HYPERLINK("http://x")'
    w.order.shipping_address.save()
    admin = UserFactory(is_staff=True, is_superuser=True)
    # when
    response = django_app.get("/dashboard/orders/?response_format=csv", user=admin)
    # then
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[1][6].startswith("'=HYPERLINK(")


def test_a_guests_order_page_shows_what_is_still_owed(django_app, cancelled_a):
    # given
    order = cancelled_a.order
    order.user, order.guest_email = None, "guest@example.com"
    order.save(update_fields=["user", "guest_email"])
    url = reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})
    # when
    page = open_guest_order(django_app, url, LVLIANG_MOBILE)
    # then
    assert _text(page, "#amount-due strong") == "¥272.00"
    assert _text(page, "#order-total") == "¥272.00"
    assert _text(page, "#cancelled-total") == "- ¥112.80"
