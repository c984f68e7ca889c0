"""The checkout's first step without JavaScript: a guest needs no e-mail (a mobile number, or nothing:
the address asks for it), the password box is not `required`, signing in takes a mobile number."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from shop.order.models import Order
from tests.factories import CHECKOUT_ADDRESS
from tests.factories.marketplace import make_product, make_vendor
from tests.factories.outbox import outbox
from tests.factories.pages import add_to_basket, fill_address, form_with_field

User = get_user_model()


@pytest.fixture
def dates(china):
    vendor, _ = make_vendor("临县王家庄村农民专业合作社")
    return make_product(vendor, title="临县红枣 特级", price="39.90")


def _gateway(app):
    return form_with_field(app.get(reverse("checkout:index")), "username")


def _errors(page) -> list[str]:
    return [" ".join(e.stripped_strings) for e in page.html.select("#gateway_form .error-block")]


def test_the_password_box_is_not_required_in_the_html(django_app, dates):
    # given
    add_to_basket(django_app, dates, "1")
    # when
    page = django_app.get(reverse("checkout:index"))
    # then
    password = page.html.select_one('#gateway_form input[name="password"]')
    assert (password.has_attr("required"), password["autocomplete"]) == (False, "current-password")


def test_a_guest_with_only_a_mobile_number_buys_and_is_told_by_sms(django_app, dates):
    # given
    add_to_basket(django_app, dates, "1")
    gateway = _gateway(django_app)
    gateway["username"] = "138 1234 5678"
    gateway["options"] = "anonymous"
    # when
    address = gateway.submit().maybe_follow().forms["new_shipping_address"]
    prefilled = address["phone_number"].value
    fill_address(address, CHECKOUT_ADDRESS)
    preview = address.submit().maybe_follow()
    thank_you = preview.forms["place_order_form"].submit().maybe_follow()
    # then
    order = Order.objects.get()
    assert prefilled == "13812345678"
    assert thank_you.request.path == reverse("checkout:thank-you")
    assert (order.user, order.guest_email, str(order.shipping_address.phone_number)) == (None, "", "+8613812345678")
    assert [row[:3] for row in outbox("order_placed")] == [("order_placed", "sms", "+8613812345678")]


def test_a_guest_may_leave_the_box_empty(django_app, dates):
    # given
    add_to_basket(django_app, dates, "1")
    gateway = _gateway(django_app)
    gateway["options"] = "anonymous"
    # when
    page = gateway.submit().maybe_follow()
    # then
    assert page.request.path == reverse("checkout:shipping-address")
    assert page.forms["new_shipping_address"]["phone_number"].value == ""


def test_a_buyer_signs_in_at_the_gateway_with_a_mobile_number(django_app, dates):
    # given
    user = User.objects.create_user(username="13912345678", email="", password="s3cret-枣园-2026")
    add_to_basket(django_app, dates, "1")
    gateway = _gateway(django_app)
    gateway["username"] = "139-1234-5678"
    gateway["options"] = "existing"
    gateway["password"] = "s3cret-枣园-2026"
    # when
    page = gateway.submit().maybe_follow()
    # then
    assert page.request.path == reverse("checkout:shipping-address")
    assert django_app.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    "username, password, errors",
    [
        ("13912345678", "", ["请输入密码。"]),
        ("", "whatever", ["请输入邮箱地址或11位手机号码。"]),
        ("+8613٨٠٠١٣٨٠٠٠", "whatever", ["请输入邮箱地址或11位手机号码。"]),
        ("<b>x</b>" * 100, "whatever", ["确保该变量包含不超过 254 字符 (目前字符数 800)。"]),
    ],
)
def test_signing_in_at_the_gateway_with_bad_input_is_refused_in_chinese(django_app, dates, username, password, errors):
    # given
    add_to_basket(django_app, dates, "1")
    gateway = _gateway(django_app)
    gateway["username"] = username
    gateway["options"] = "existing"
    gateway["password"] = password
    # when
    page = gateway.submit()
    # then
    assert page.status_code == 200
    assert _errors(page) == errors
    assert "_auth_user_id" not in django_app.session


def test_address_fields_carry_the_standard_autofill_tokens(django_app, dates):
    # given
    add_to_basket(django_app, dates, "1")
    gateway = _gateway(django_app)
    gateway["options"] = "anonymous"
    # when
    page = gateway.submit().maybe_follow()
    # then
    fields = page.html.select(
        "#new_shipping_address input:not([type=hidden]), #new_shipping_address textarea, #new_shipping_address select"
    )
    assert {f["name"]: (f.get("autocomplete"), f.get("inputmode")) for f in fields} == {
        "pasted": (None, None),
        "first_name": ("shipping name", None),
        "phone_number": ("shipping tel", "tel"),
        "state": ("shipping address-level1", None),
        "line4": ("shipping address-level2", None),
        "line3": ("shipping address-level3", None),
        "line1": ("shipping street-address", None),
        "postcode": ("shipping postal-code", "numeric"),
        "notes": (None, None),
    }


def _address(page) -> list[str]:
    return [
        " ".join(line.split())
        for line in page.html.select_one(".chinese-address").get_text("\n").split("\n")
        if line.strip()
    ]


def test_the_address_reads_province_first_with_the_mobile_in_groups(django_app, dates):
    # given
    add_to_basket(django_app, dates, "1")
    gateway = _gateway(django_app)
    gateway["options"] = "anonymous"
    address = gateway.submit().maybe_follow().forms["new_shipping_address"]
    fill_address(address, CHECKOUT_ADDRESS)
    # when
    preview = address.submit().maybe_follow()
    thank_you = preview.forms["place_order_form"].submit().maybe_follow()
    # then
    expected = ["王小明", "138 1234 5678", "山西省 吕梁市 临县", "城关镇王家庄村3号"]
    assert _address(preview) == expected
    assert _address(thank_you) == expected
