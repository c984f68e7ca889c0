"""A guest buys from two vendors in one checkout (django-webtest): the basket, the preview and the
thank-you page group the lines by vendor with each parcel's shipping, and the order charges exactly
goods + per-vendor shipping. Submitting the place-order form twice gives one order.
"""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.apps.payment.models import SourceType

from shop.basket.models import Basket
from shop.checkout.views import PaymentDetailsView
from shop.order.models import Order
from tests.factories.marketplace import make_product, make_vendor
from tests.factories.outbox import CHECKOUT_MOBILE, buyer_told, outbox, vendor_told
from tests.factories.pages import add_to_basket, basket_contents, checkout_to_preview, flash_messages
from vendors.models import OrderPart
from vendors.notifications.models import Message
from vendors.notifications.tasks import send_message_task

# Pinned: the place-order POST (vanilla Oscar 4.2.1: about 40 for one line; here two lines of two vendors)
# and a whole guest checkout of two vendors' products (two product pages and adds, basket, checkout, thank-you).
# Both with the notification outbox's own statements, sessions in the database and the first thumbnails written;
# `make bench` counts a warm checkout with sessions in Redis, as in production.
# Each product page reads its shop's rating for the shop card (one statement each).
PLACE_ORDER_QUERIES = 34
CHECKOUT_QUERIES = 198


@pytest.fixture
def two_vendors(china):
    """Dates of a vendor on the platform defaults (8.00, free from 99.00) and millet of one with its own terms."""
    dates_vendor, _ = make_vendor("临县王家庄村农民专业合作社")
    millet_vendor, _ = make_vendor("沁源县李家沟村家庭农场")
    millet_vendor.shipping_fee, millet_vendor.free_shipping_from = Decimal("6.00"), Decimal("50.00")
    millet_vendor.save()
    dates = make_product(dates_vendor, title="临县红枣 特级", price="39.90")
    millet = make_product(millet_vendor, title="沁州黄小米", price="25.00")
    return dates_vendor, dates, millet_vendor, millet


def _groups(page):
    """[(vendor name, link, [summary texts])] of the page's vendor groups."""
    return [
        (
            section.select_one(".vendor-name").get_text(strip=True),
            section.select_one(".vendor-name a")["href"],
            [" ".join(row.stripped_strings) for row in section.select(".vendor-summary > *")],
        )
        for section in page.html.select(".vendor-group")
    ]


def _totals(page):
    return [" ".join(row.stripped_strings) for row in page.html.select(".order-totals tr")]


def _statements(queries) -> int:
    """SQL statements run, without SQLite's logged BEGIN/COMMIT (PostgreSQL's are not logged either)."""
    return len([query for query in queries.captured_queries if query["sql"] not in ("BEGIN", "COMMIT")])


def _place_order_form_fields(preview):
    form = preview.forms["place_order_form"]
    return {name: field.value for name, field in form.field_order if name}


def test_a_guest_buys_from_two_vendors_and_pays_each_vendors_shipping(django_app, two_vendors):
    # given: 1 box of dates (39.90, under the default 99.00) and 2 bags of millet (50.00: free from 50.00)
    dates_vendor, dates, millet_vendor, millet = two_vendors
    add_to_basket(django_app, dates, "1")
    add_to_basket(django_app, millet, "2")
    # when
    basket_page = django_app.get(reverse("basket:summary"))
    preview = checkout_to_preview(django_app)
    thank_you = preview.forms["place_order_form"].submit().maybe_follow()
    # then
    dates_group = (
        "临县王家庄村农民专业合作社",
        f"/vendors/{dates_vendor.slug}/",
        ["商品小计 ¥39.90", "本店运费 ¥8.00"],
    )
    millet_group = ("沁源县李家沟村家庭农场", f"/vendors/{millet_vendor.slug}/", ["商品小计 ¥50.00", "本店运费 包邮"])
    assert _groups(basket_page) == [
        (*dates_group[:2], [*dates_group[2], "本店再买¥59.10即可包邮"]),
        millet_group,
    ]
    assert _groups(preview) == [dates_group, millet_group]
    assert _totals(preview) == ["商品总额 ¥89.90", "运费（所有店铺） ¥8.00", "订单总计 ¥97.90"]
    assert preview.html.select_one("#place-order").get_text(strip=True) == "提交订单（¥97.90）"
    assert thank_you.request.path == reverse("checkout:thank-you")
    assert _groups(thank_you) == [
        (*dates_group[:2], [*dates_group[2], "本包裹货到付款 ¥47.90"]),
        (*millet_group[:2], [*millet_group[2], "本包裹货到付款 ¥50.00"]),
    ]
    assert _totals(thank_you) == ["商品总额 ¥89.90", "运费（所有店铺） ¥8.00", "订单总计 ¥97.90"]
    order = Order.objects.get()
    assert (order.total_incl_tax, order.shipping_incl_tax, order.shipping_code) == (
        Decimal("97.90"),
        Decimal("8.00"),
        "per-vendor",
    )
    assert list(order.vendor_parts.values_list("vendor__name", "goods_total", "shipping_charge", "status")) == [
        ("临县王家庄村农民专业合作社", Decimal("39.90"), Decimal("8.00"), OrderPart.Status.WAITING),
        ("沁源县李家沟村家庭农场", Decimal("50.00"), Decimal("0.00"), OrderPart.Status.WAITING),
    ]
    dates_part, millet_part = order.vendor_parts.order_by("pk")
    assert outbox(*Message.Kind.values) == (
        buyer_told("order_placed", order, mobile=CHECKOUT_MOBILE)
        + vendor_told("vendor_new_order", dates_vendor, part=dates_part)
        + vendor_told("vendor_new_order", millet_vendor, part=millet_part)
    )
    assert basket_contents() == [("Submitted", [("临县红枣 特级", 1), ("沁州黄小米", 2)])]


def test_a_replayed_place_order_post_places_no_second_order(django_app, two_vendors):
    # given: the order was placed from this preview
    _, dates, _, millet = two_vendors
    add_to_basket(django_app, dates, "1")
    add_to_basket(django_app, millet, "1")
    preview = checkout_to_preview(django_app)
    fields = _place_order_form_fields(preview)
    first = preview.forms["place_order_form"].submit().maybe_follow()
    # when: the same form is posted again (back button and resubmit, or a resent request)
    response = django_app.post(reverse("checkout:preview"), fields)
    page = response.maybe_follow()
    # then: the same thank-you page, the same order number, no warning
    assert (response.status_code, response.location) == (302, reverse("checkout:thank-you"))
    assert page.status_code == 200
    assert flash_messages(page) == []
    number = Order.objects.get().number
    assert page.html.select_one("p.lead strong").get_text() == first.html.select_one("p.lead strong").get_text()
    assert page.html.select_one("p.lead strong").get_text() == number
    assert Order.objects.count() == 1
    assert basket_contents() == [("Submitted", [("临县红枣 特级", 1), ("沁州黄小米", 1)])]


def test_a_second_submit_while_the_first_is_running_gets_a_message_and_no_order(django_app, two_vendors, monkeypatch):
    """The basket is frozen by the first submit (the conditional open -> frozen found it not open)."""
    # given
    _, dates, _, millet = two_vendors
    add_to_basket(django_app, dates, "1")
    preview = checkout_to_preview(django_app)
    build_submission = PaymentDetailsView.build_submission

    def first_submit_freezes_meanwhile(view, **kwargs):
        # after this request loaded the open basket, the first submit froze it (and is placing the order)
        Basket.objects.update(status=Basket.FROZEN)
        return build_submission(view, **kwargs)

    monkeypatch.setattr(PaymentDetailsView, "build_submission", first_submit_freezes_meanwhile)
    # when
    page = preview.forms["place_order_form"].submit().maybe_follow()
    # then
    assert page.request.path == reverse("basket:summary")
    assert flash_messages(page) == ["这个购物车正在另一个页面提交，请稍等片刻，再查看“我的订单”或购物车。"]
    assert Order.objects.count() == 0
    assert basket_contents() == [("Frozen", [("临县红枣 特级", 1)])]


@pytest.mark.usefixtures("db_sessions")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sql_statements_of_a_guest_checkout_of_two_vendors(django_app, two_vendors, monkeypatch):
    """Counted as in production: no test transaction around the requests (whose savepoints would count),
    and the messages only enqueued (the test settings would send them in-process, inside the request)."""
    enqueued = []
    monkeypatch.setattr(send_message_task, "delay", enqueued.append)
    # given: the cash-on-delivery source type exists (the first order ever creates it)
    SourceType.objects.create(code="cod", name="货到付款")
    _, dates, _, millet = two_vendors
    # when
    with CaptureQueriesContext(connection) as before:
        add_to_basket(django_app, dates, "1")
        add_to_basket(django_app, millet, "2")
        django_app.get(reverse("basket:summary"))
        preview = checkout_to_preview(django_app)
    with CaptureQueriesContext(connection) as placing:
        response = preview.forms["place_order_form"].submit()
    with CaptureQueriesContext(connection) as after:
        thank_you = response.follow()
    # then
    assert thank_you.request.path == reverse("checkout:thank-you")
    assert Order.objects.count() == 1
    assert len(enqueued) == Message.objects.count() == 6  # e-mail and SMS to the buyer and to each vendor
    assert (_statements(placing), _statements(before) + _statements(placing) + _statements(after)) == (
        PLACE_ORDER_QUERIES,
        CHECKOUT_QUERIES,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_parallel_place_order_posts_give_one_order(django_app_factory, two_vendors):
    # given: one preview, its form posted twice at the same moment from the same session
    app = django_app_factory(csrf_checks=False)
    _, dates, _, millet = two_vendors
    add_to_basket(app, dates, "1")
    add_to_basket(app, millet, "1")
    preview = checkout_to_preview(app)
    fields = _place_order_form_fields(preview)
    start = threading.Barrier(2)
    responses = []

    def submit():
        try:
            start.wait()
            responses.append(app.post(reverse("checkout:preview"), fields))
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    # then
    assert sorted((r.status_code, r.location) for r in responses) in (
        [(302, reverse("checkout:thank-you"))] * 2,
        sorted([(302, reverse("checkout:thank-you")), (302, reverse("basket:summary"))]),
    )
    assert Order.objects.count() == 1
    assert OrderPart.objects.count() == 2
    assert basket_contents()[0][0] == "Submitted"
    assert list(dates.stockrecords.values_list("num_allocated", flat=True)) == [1]


# The vendor's shipping terms in the seller center ------------------------------------------------


def test_a_vendor_sets_its_shipping_fee_and_free_shipping_amount(django_app, db):
    # given
    vendor, user = make_vendor("临县王家庄村农民专业合作社")
    page = django_app.get("/seller/profile/", user=user)
    form = page.forms["profile-form"]
    help_texts = [text.get_text(strip=True) for text in page.html.select("#profile-form .form-text")][-2:]
    # when
    form["shipping_fee"] = "6.5"
    form["free_shipping_from"] = "59"
    form.submit().follow()
    vendor.refresh_from_db()
    saved = (vendor.shipping_fee, vendor.free_shipping_from)
    form = django_app.get("/seller/profile/", user=user).forms["profile-form"]
    shown = (form["shipping_fee"].value, form["free_shipping_from"].value)
    form["shipping_fee"] = ""
    form["free_shipping_from"] = ""
    form.submit().follow()
    vendor.refresh_from_db()
    # then
    assert help_texts == [
        "留空则使用平台默认运费（8.00 元）。填 0 表示始终包邮。",
        "本店商品满此金额即包邮。留空则使用平台默认金额（99.00 元）。",
    ]
    assert saved == (Decimal("6.50"), Decimal("59.00"))
    assert shown == ("6.50", "59.00")
    assert (vendor.shipping_fee, vendor.free_shipping_from) == (None, None)


@pytest.mark.parametrize(
    "field, value, error",
    [
        ("shipping_fee", "-1", "请输入 0 至 200.00 元之间的运费，或留空。"),
        ("shipping_fee", "99999", "请输入 0 至 200.00 元之间的运费，或留空。"),
        ("shipping_fee", "abc", "请输入 0 至 200.00 元之间的运费，或留空。"),
        ("free_shipping_from", "-0.01", "请输入 0 至 10000.00 元之间的金额，或留空。"),
        ("free_shipping_from", "1e9", "请输入 0 至 10000.00 元之间的金额，或留空。"),
    ],
)
def test_a_negative_or_absurd_shipping_term_is_refused(django_app, db, field, value, error):
    # given
    vendor, user = make_vendor("临县王家庄村农民专业合作社")
    form = django_app.get("/seller/profile/", user=user).forms["profile-form"]
    form[field] = value
    # when
    page = form.submit()
    # then
    assert page.status_code == 200
    assert [e.get_text(strip=True) for e in page.html.select(".invalid-feedback")] == [error]
    vendor.refresh_from_db()
    assert (vendor.shipping_fee, vendor.free_shipping_from) == (None, None)
