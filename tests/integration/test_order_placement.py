"""Placing an order (shop.order.utils.OrderCreator, shop.checkout.views.PaymentDetailsView).

The order, its vendors' parts and its notification rows are written in one transaction; a failure
rolls all of it back. A failure after the order is written never re-opens its basket nor lets a
second order be placed (docs/oscar-pitfalls.md #6); Oscar's synchronous order e-mail is not sent.
"""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from shop.checkout.views import PaymentDetailsView
from shop.order.models import Order
from shop.partner.models import StockRecord
from tests.factories.marketplace import make_product, make_vendor
from tests.factories.outbox import CHECKOUT_MOBILE, outbox, vendor_told
from tests.factories.pages import add_to_basket, basket_contents, checkout_to_preview, flash_messages
from vendors.models import OrderPart
from vendors.notifications.models import Message


@pytest.fixture
def goods(china):
    dates_vendor, _ = make_vendor("临县王家庄村农民专业合作社")
    millet_vendor, _ = make_vendor("沁源县李家沟村家庭农场")
    dates = make_product(dates_vendor, title="临县红枣 特级", price="39.90", stock=10)
    millet = make_product(millet_vendor, title="沁州黄小米", price="25.00", stock=10)
    return dates_vendor, dates, millet_vendor, millet


def _allocated(*products):
    return [StockRecord.objects.get(product=product).num_allocated for product in products]


def test_a_sold_out_line_rolls_back_the_order_and_its_parts(django_app, goods, monkeypatch):
    # given: another buyer takes 9 of the 10 bags of millet after this request checked the basket
    _, dates, _, millet = goods
    add_to_basket(django_app, dates, "1")
    add_to_basket(django_app, millet, "2")
    preview = checkout_to_preview(django_app)
    handle_payment = PaymentDetailsView.handle_payment

    def other_buyer_meanwhile(view, *args, **kwargs):
        StockRecord.objects.filter(product=millet).update(num_allocated=9)
        return handle_payment(view, *args, **kwargs)

    monkeypatch.setattr(PaymentDetailsView, "handle_payment", other_buyer_meanwhile)
    # when
    page = preview.forms["place_order_form"].submit().maybe_follow()
    # then
    assert (page.status_code, page.request.path) == (200, reverse("basket:summary"))
    assert flash_messages(page) == [
        "抱歉，“沁州黄小米”库存不够了，买不到 2 件。购物车已为您保留：请减少数量或删掉这件商品，再去结算。"
    ]
    assert (Order.objects.count(), OrderPart.objects.count(), Message.objects.count()) == (0, 0, 0)
    assert _allocated(dates, millet) == [None, 9]
    assert basket_contents() == [("Open", [("临县红枣 特级", 1), ("沁州黄小米", 2)])]


def test_a_fee_changed_after_the_preview_places_no_order_and_shows_the_new_total(django_app, goods):
    # given: the preview showed 39.90 + 8.00 shipping; then the vendor raised its fee to 12.00
    dates_vendor, dates, _, _ = goods
    add_to_basket(django_app, dates, "1")
    preview = checkout_to_preview(django_app)
    assert preview.forms["place_order_form"]["order_total"].value == "47.90"
    dates_vendor.shipping_fee = Decimal("12.00")
    dates_vendor.save()
    # when
    page = preview.forms["place_order_form"].submit()
    # then
    assert page.status_code == 200
    assert page.html.select_one(".alert-danger").get_text(strip=True) == (
        "订单总额在您预览之后发生了变化（商品价格或店铺运费有调整），现在是 ¥51.90。"
        "订单尚未提交，请核对下方订单后重新提交。"
    )
    assert page.forms["place_order_form"]["order_total"].value == "51.90"
    assert (Order.objects.count(), basket_contents()) == (0, [("Open", [("临县红枣 特级", 1)])])
    # and the new total, once seen, can be ordered
    page.forms["place_order_form"].submit().follow()
    assert list(Order.objects.values_list("total_incl_tax", "shipping_incl_tax")) == [
        (Decimal("51.90"), Decimal("12.00"))
    ]


def test_a_fee_changed_during_placement_is_refused_by_the_parts(django_app, goods, monkeypatch):
    """The charge is computed when the submission is built; a fee changed just after it still
    does not let the order record a shipping its parts do not add up to."""
    # given
    dates_vendor, dates, _, _ = goods
    add_to_basket(django_app, dates, "1")
    preview = checkout_to_preview(django_app)
    handle_payment = PaymentDetailsView.handle_payment

    def vendor_changes_fee_meanwhile(view, *args, **kwargs):
        type(dates_vendor).objects.filter(pk=dates_vendor.pk).update(shipping_fee=Decimal("12.00"))
        view.request.basket._lines = None  # place_order reads the basket's lines and vendors afresh
        return handle_payment(view, *args, **kwargs)

    monkeypatch.setattr(PaymentDetailsView, "handle_payment", vendor_changes_fee_meanwhile)
    # when
    page = preview.forms["place_order_form"].submit()
    # then
    assert page.status_code == 200
    assert page.html.select_one(".alert-danger").get_text(strip=True) == (
        "结算过程中运费发生了变化（现在是 ¥12.00，原为 ¥8.00）。订单尚未提交，请核对新的总额后重新提交。"
    )
    assert (Order.objects.count(), OrderPart.objects.count()) == (0, 0)
    assert _allocated(dates) == [None]
    assert basket_contents() == [("Open", [("临县红枣 特级", 1)])]


def test_a_preview_total_missing_from_the_post_places_no_order(django_app, goods):
    # given
    _, dates, _, _ = goods
    add_to_basket(django_app, dates, "1")
    preview = checkout_to_preview(django_app)
    form = preview.forms["place_order_form"]
    form["order_total"] = "0.01"
    # when
    page = form.submit()
    # then
    assert page.status_code == 200
    assert "现在是 ¥47.90" in page.html.select_one(".alert-danger").get_text(strip=True)
    assert Order.objects.count() == 0


def test_a_failure_after_the_order_is_committed_shows_the_order_and_keeps_the_basket_submitted(
    django_app, goods, monkeypatch
):
    # given: everything after the commit fails (Oscar would thaw the basket and show an error)
    _, dates, _, millet = goods
    add_to_basket(django_app, dates, "1")
    add_to_basket(django_app, millet, "1")
    preview = checkout_to_preview(django_app)
    fields = {name: field.value for name, field in preview.forms["place_order_form"].field_order if name}

    def broken(view, order):
        raise RuntimeError("post_checkout receiver failed")

    monkeypatch.setattr(PaymentDetailsView, "handle_successful_order", broken)
    # when
    response = preview.forms["place_order_form"].submit()
    page = response.follow()
    replay = django_app.post(reverse("checkout:preview"), fields).maybe_follow()
    # then
    assert (response.status_code, response.location) == (302, reverse("checkout:thank-you"))
    order = Order.objects.get()
    assert page.html.select_one(".order-totals .grand-total").get_text(strip=True) == "¥80.90"
    assert flash_messages(replay) == []
    assert replay.request.path == reverse("checkout:thank-you")
    assert (Order.objects.count(), OrderPart.objects.filter(order=order).count()) == (1, 2)
    assert basket_contents() == [("Submitted", [("临县红枣 特级", 1), ("沁州黄小米", 1)])]
    assert _allocated(dates, millet) == [1, 1]


def test_a_failure_inside_the_order_transaction_rolls_everything_back_and_keeps_the_basket(
    django_app, goods, monkeypatch
):
    """save_payment_details runs inside the order's transaction: its failure leaves no order at all,
    so the basket is open again and the buyer can retry (Oscar kept the order and thawed the basket)."""
    # given
    _, dates, _, millet = goods
    add_to_basket(django_app, dates, "1")
    preview = checkout_to_preview(django_app)
    save_payment_details = PaymentDetailsView.save_payment_details

    def broken(view, order):
        raise RuntimeError("payment source could not be saved")

    monkeypatch.setattr(PaymentDetailsView, "save_payment_details", broken)
    # when
    page = preview.forms["place_order_form"].submit()
    # then
    assert page.status_code == 200
    assert page.html.select_one(".alert-danger").get_text(strip=True) == "下单时出现问题，请联系客服。"
    assert (Order.objects.count(), OrderPart.objects.count()) == (0, 0)
    assert _allocated(dates) == [None]
    assert basket_contents() == [("Open", [("临县红枣 特级", 1)])]
    # and a retry places exactly one order
    monkeypatch.setattr(PaymentDetailsView, "save_payment_details", save_payment_details)
    page.forms["place_order_form"].submit().follow()
    assert (Order.objects.count(), basket_contents()) == (1, [("Submitted", [("临县红枣 特级", 1)])])


def test_the_order_is_placed_without_sending_mail_in_the_request(django_app, goods):
    # given
    _, dates, _, _ = goods
    add_to_basket(django_app, dates, "1")
    preview = checkout_to_preview(django_app)
    # when
    page = preview.forms["place_order_form"].submit().follow()
    # then
    assert page.request.path == reverse("checkout:thank-you")
    assert mail.outbox == []
    order = Order.objects.get()
    confirmations = Message.objects.filter(kind="order_placed").order_by("pk")
    assert list(confirmations.values_list("order", "channel", "recipient", "language", "status")) == [
        (order.pk, "email", "buyer@example.com", "zh-hans", "pending"),
        (order.pk, "sms", CHECKOUT_MOBILE, "zh-hans", "pending"),
    ]


@pytest.mark.parametrize(
    "threshold, quantity, told",
    [(5, 4, False), (5, 5, False), (5, 6, True), (6, 5, True), (10, 1, False), (None, 10, False)],
)
def test_the_vendor_is_told_when_an_order_takes_its_stock_below_the_threshold(
    django_app, goods, threshold, quantity, told
):
    """10 in stock; told when what is left for sale falls from at-or-above the threshold to below it."""
    # given
    dates_vendor, dates, _, _ = goods
    record = StockRecord.objects.get(product=dates)
    StockRecord.objects.filter(pk=record.pk).update(low_stock_threshold=threshold)
    if threshold == 10:
        StockRecord.objects.filter(pk=record.pk).update(num_allocated=1)  # already below: 9 left
    add_to_basket(django_app, dates, str(quantity))
    preview = checkout_to_preview(django_app)
    # when
    preview.forms["place_order_form"].submit().follow()
    # then
    assert outbox("low_stock") == (vendor_told("low_stock", dates_vendor) if told else [])
    assert set(Message.objects.filter(kind="low_stock").values_list("stockrecord", flat=True)) == (
        {record.pk} if told else set()
    )
