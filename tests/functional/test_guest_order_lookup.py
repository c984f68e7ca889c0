"""A guest (maybe with no e-mail) opens an order with its number, the mobile number it ships to and an SMS code."""

import pytest
from django.urls import reverse

from shop.core.phone import normalise_mainland_mobile
from tests.factories.marketplace import make_two_vendor_order
from tests.factories.outbox import LVLIANG_MOBILE
from tests.factories.pages import open_guest_order, sms_code


@pytest.fixture
def guest_order(db, china):
    """A guest's order with no e-mail, shipped to LVLIANG_MOBILE."""
    order = make_two_vendor_order(china=china).order
    order.user, order.guest_email = None, ""
    order.save(update_fields=["user", "guest_email"])
    return order


def _errors(page) -> list[str]:
    return [" ".join(e.stripped_strings) for e in page.html.select("#phone_code_form .error-block")]


def _find(app, number: str, phone: str):
    form = app.get(reverse("customer:guest-order-find")).forms["phone_code_form"]
    form["order_number"], form["phone"] = number, phone
    form = form.submit("send_code").forms["phone_code_form"]
    form["code"] = sms_code(normalise_mainland_mobile(phone))
    return form.submit("submit")


def test_the_orders_link_asks_for_its_mobile_number_and_code_and_opens_it(django_app, guest_order):
    # given
    url = reverse("customer:anon-order", args=[guest_order.number, guest_order.verification_hash()])
    # when
    ask = django_app.get(url).maybe_follow()
    page = open_guest_order(django_app, url, LVLIANG_MOBILE)
    # then
    assert ask.request.path == reverse("customer:guest-order-find")
    assert ask.forms["phone_code_form"]["order_number"].value == str(guest_order.number)
    assert page.request.path == url
    assert page.html.select_one("#order-status").get_text(strip=True) == "待发货"


def test_a_guest_finds_the_order_by_number_mobile_and_code(django_app, guest_order):
    # when
    response = _find(django_app, guest_order.number, "139 1234 5678")
    # then
    assert response.status_code == 302
    assert response.location == reverse(
        "customer:anon-order", args=[guest_order.number, guest_order.verification_hash()]
    )
    assert response.follow().status_code == 200


def test_the_order_needs_the_code(django_app, guest_order):
    # given
    form = django_app.get(reverse("customer:guest-order-find")).forms["phone_code_form"]
    form["order_number"], form["phone"] = guest_order.number, LVLIANG_MOBILE
    form = form.submit("send_code").forms["phone_code_form"]
    form["code"] = f"{(int(sms_code(LVLIANG_MOBILE)) + 1) % 10**6:06d}"
    # when
    page = form.submit("submit")
    # then
    assert page.status_code == 200
    assert _errors(page) == ["验证码不正确或已过期，请重新获取。"]
    url = reverse("customer:anon-order", args=[guest_order.number, guest_order.verification_hash()])
    assert django_app.get(url).status_code == 302


def test_another_number_finds_nothing_even_with_its_own_code(django_app, guest_order):
    # when
    page = _find(django_app, guest_order.number, "13700001111")
    # then
    assert page.status_code == 200
    assert _errors(page) == ["没有找到寄往这个手机号的这个订单，请核对订单号。"]


def test_an_unknown_order_number_gets_a_code_like_any_other(django_app, guest_order):
    # when
    form = django_app.get(reverse("customer:guest-order-find")).forms["phone_code_form"]
    form["order_number"], form["phone"] = "999999", LVLIANG_MOBILE
    page = form.submit("send_code")
    # then
    assert [" ".join(a.stripped_strings) for a in page.html.select("#messages .alert .alertinner")] == [
        "验证码已发送到 139 1234 5678，5分钟内有效。"
    ]


@pytest.mark.parametrize(
    "number, phone, error",
    [
        ("<script>alert(1)</script>" * 10, LVLIANG_MOBILE, "确保该变量包含不超过 128 字符"),
        ("", LVLIANG_MOBILE, "这个字段是必填项。"),
        ("100001", "+1 415 555 0100", "请输入有效的中国大陆手机号码（以1开头的11位数字）。"),
    ],
)
def test_bad_input_gets_a_chinese_message(django_app, guest_order, number, phone, error):
    # given
    form = django_app.get(reverse("customer:guest-order-find")).forms["phone_code_form"]
    form["order_number"], form["phone"], form["code"] = number, phone, "123456"
    # when
    page = form.submit("submit")
    # then
    assert page.status_code == 200
    assert [text[: len(error)] for text in _errors(page)] == [error]
