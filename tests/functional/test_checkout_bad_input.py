"""Bad input on the way to an order, typed into the real pages by a guest paying cash on delivery.

Each refusal shows a Chinese message, never a server error, creates no order
and leaves the basket as it was. The product page's quantity is a hidden input
(Oscar's SimpleAddToBasketForm, always 1), so bad values there come from an
edited page or a hand-made request; they are refused all the same.
"""

import pytest
from django.db.models.signals import pre_save
from django.urls import reverse

from shop.order.models import Order
from shop.partner.models import StockRecord
from tests.factories import CHECKOUT_ADDRESS, FarmProductFactory
from tests.factories.pages import (
    add_to_basket,
    basket_contents,
    checkout_to_address_step,
    checkout_to_preview,
    fill_address,
    flash_messages,
)

TITLE = "临县红枣 特级"
ADDRESS = CHECKOUT_ADDRESS


@pytest.fixture
def dates(china):
    """Red dates in stock, with the one shipping country in place."""
    return FarmProductFactory(title=TITLE, stockrecords__num_in_stock=100)


def _update_basket_line(app, quantity):
    form = app.get(reverse("basket:summary")).forms["basket_formset"]
    form["form-0-quantity"] = quantity
    return form.submit().maybe_follow()


def _field_errors(page):
    """{label: error} for every form field that shows an error."""
    return {
        group.label.get_text(strip=True): group.select_one(".error-block").get_text(strip=True)
        for group in page.html.select(".form-group")
        if group.select_one(".error-block")
    }


def _basket_line_errors(page):
    return [error.get_text(strip=True) for error in page.html.select("#basket_formset .error-block")]


def _stock(product):
    return list(product.stockrecords.values_list("num_in_stock", "num_allocated"))


@pytest.mark.parametrize("mobile", ["12345", "12812345678"])
def test_an_invalid_mobile_number_is_refused_at_the_address_step(django_app, dates, mobile):
    # given
    add_to_basket(django_app, dates, "2")
    form = checkout_to_address_step(django_app).forms["new_shipping_address"]
    fill_address(form, {**ADDRESS, "phone_number": mobile})
    # when
    page = form.submit()
    # then
    assert page.status_code == 200
    assert page.request.path == reverse("checkout:shipping-address")
    assert _field_errors(page) == {"手机号码": "请输入有效的中国大陆手机号码（以1开头的11位数字）。"}
    assert page.forms["new_shipping_address"]["phone_number"].value == mobile
    assert Order.objects.count() == 0
    assert basket_contents() == [("Open", [(TITLE, 2)])]


@pytest.mark.parametrize(
    "field, label, error",
    [
        ("first_name", "收货人", "这个字段是必填项。"),
        ("state", "省份", "这个字段是必填项。"),
        ("line4", "城市", "请从列表中选择城市。"),
        ("line3", "区/县", "请从列表中选择区/县。"),
        ("line1", "详细地址", "这个字段是必填项。"),
    ],
)
@pytest.mark.parametrize("typed", ["", "   "])
def test_an_empty_required_address_field_is_refused(django_app, dates, field, label, error, typed):
    # given
    add_to_basket(django_app, dates, "2")
    form = checkout_to_address_step(django_app).forms["new_shipping_address"]
    fill_address(form, {**ADDRESS, field: typed})
    # when
    page = form.submit()
    # then
    assert page.status_code == 200
    assert page.request.path == reverse("checkout:shipping-address")
    assert _field_errors(page) == {label: error}
    assert Order.objects.count() == 0
    assert basket_contents() == [("Open", [(TITLE, 2)])]


def test_a_good_quantity_is_added_from_the_product_page(django_app, dates):
    """The control for the refusals below: the same form with a sound quantity works."""
    # when
    page = add_to_basket(django_app, dates, "2")
    # then
    assert page.status_code == 200
    assert flash_messages(page) == [f"已将 2 件 {TITLE} 加入购物车。", "购物车合计： ¥79.80 查看购物车 立即结算"]
    assert basket_contents() == [("Open", [(TITLE, 2)])]


@pytest.mark.parametrize(
    "quantity, message",
    [
        ("0", "确保该值大于或等于1。"),
        ("-3", "确保该值大于或等于1。"),
        ("1000000000", "由于技术原因，单个订单不能超过 200 件商品，您的购物车目前有 2 件商品。"),
        ("9" * 20, "由于技术原因，单个订单不能超过 200 件商品，您的购物车目前有 2 件商品。"),
        ("abc", "输入整数。"),
        ("1.5", "输入整数。"),
        ("", "这个字段是必填项。"),
    ],
)
def test_a_bad_quantity_is_refused_on_the_product_page(django_app, dates, quantity, message):
    # given
    add_to_basket(django_app, dates, "2")
    # when
    page = add_to_basket(django_app, dates, quantity)
    # then
    assert page.status_code == 200
    assert page.request.path == dates.get_absolute_url()
    assert flash_messages(page) == [message]
    assert Order.objects.count() == 0
    assert basket_contents() == [("Open", [(TITLE, 2)])]


@pytest.mark.parametrize(
    "quantity, error",
    [
        ("-1", "确保该值大于或等于0。"),
        ("1000000000", "最多可购买 100 件"),
        ("9" * 20, "最多可购买 100 件"),
        ("abc", "输入整数。"),
    ],
)
def test_a_bad_quantity_is_refused_on_the_basket_page(django_app, dates, quantity, error):
    # given
    add_to_basket(django_app, dates, "2")
    # when
    page = _update_basket_line(django_app, quantity)
    # then
    assert page.status_code == 200
    assert page.request.path == reverse("basket:summary")
    assert flash_messages(page) == ["您的购物车出现了一些问题。请更正以下所有校验错误。"]
    assert _basket_line_errors(page) == [error]
    assert Order.objects.count() == 0
    assert basket_contents() == [("Open", [(TITLE, 2)])]


def test_quantity_zero_on_the_basket_page_removes_the_line(django_app, dates):
    """Oscar treats 0 on the basket page as "remove this line"; we keep that."""
    # given
    add_to_basket(django_app, dates, "2")
    # when
    page = _update_basket_line(django_app, "0")
    # then
    assert page.status_code == 200
    assert page.request.path == reverse("basket:summary")
    assert flash_messages(page) == ["您的购物车现在是空的 查看购物车 立即结算"]
    assert Order.objects.count() == 0
    assert basket_contents() == [("Open", [])]


@pytest.mark.parametrize("left", [0, 1])
def test_a_product_sold_out_after_the_preview_is_not_ordered(django_app, dates, left):
    # given
    add_to_basket(django_app, dates, "2")
    preview = checkout_to_preview(django_app)
    assert preview.request.path == reverse("checkout:preview")
    dates.stockrecords.update(num_in_stock=left)
    # when
    response = preview.forms["place_order_form"].submit()
    # then
    assert response.status_code == 302
    page = response.follow()
    assert page.status_code == 200
    assert page.request.path == reverse("basket:summary")
    # the same words as when the last units go while placing the order (below)
    assert flash_messages(page) == [
        f"抱歉，“{TITLE}”库存不够了，买不到 2 件。购物车已为您保留：请减少数量或删掉这件商品，再去结算。"
    ]
    assert Order.objects.count() == 0
    assert basket_contents() == [("Open", [(TITLE, 2)])]
    assert _stock(dates) == [(left, None)]  # nothing allocated


def test_no_checkout_page_asks_for_card_details(django_app, dates):
    # given
    add_to_basket(django_app, dates, 1)
    # when
    preview = checkout_to_preview(django_app)
    payment_details = django_app.get(reverse("checkout:payment-details"))
    method_page = payment_details.maybe_follow()
    # then: the one method (cash on delivery) needs no choice: back to the preview
    assert (payment_details.status_code, payment_details.location) == (302, reverse("checkout:payment-method"))
    assert method_page.request.path == reverse("checkout:preview")
    inputs = {name for page in (preview, method_page) for form in page.forms.values() for name in form.fields if name}
    assert not {name for name in inputs if any(w in name.lower() for w in ("card", "number", "ccv", "cvv", "expiry"))}


def test_a_buyer_who_loses_the_last_units_in_a_race_gets_sold_out_and_keeps_the_basket(django_app, dates):
    # given: 2 left and in the basket; another buyer's order takes them after this request's
    # availability check, just before its allocation (the pre_save signal allocate() sends)
    dates.stockrecords.update(num_in_stock=2)
    add_to_basket(django_app, dates, "2")
    preview = checkout_to_preview(django_app)

    def other_buyer(sender, instance, **kwargs):
        if instance.pk == record.pk and not taken:
            taken.append(True)
            StockRecord.objects.filter(pk=record.pk).update(num_allocated=2)

    record, taken = dates.stockrecords.get(), []
    pre_save.connect(other_buyer, sender=StockRecord)
    # when
    try:
        page = preview.forms["place_order_form"].submit().maybe_follow()
    finally:
        pre_save.disconnect(other_buyer, sender=StockRecord)
    # then: the basket, with the same words as the checkout's basket check (above)
    assert page.status_code == 200
    assert page.request.path == reverse("basket:summary")
    assert flash_messages(page) == [
        f"抱歉，“{TITLE}”库存不够了，买不到 2 件。购物车已为您保留：请减少数量或删掉这件商品，再去结算。"
    ]
    assert Order.objects.count() == 0
    assert basket_contents() == [("Open", [(TITLE, 2)])]
    assert _stock(dates) == [(2, None)]  # the whole placement rolled back, the other buyer's too in this test
