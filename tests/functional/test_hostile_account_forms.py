"""Hostile input into the forms of phone-first accounts and Chinese addresses: oversized values, malformed
numbers, numbers from outside the mainland, markup and NUL characters. Each form answers with its page again
(never a 500), a Chinese message, the payload shown escaped (never as markup), and nothing saved.

The forms: signing in with a password or with an SMS code, registering, resetting a password by SMS, finding a
guest order, the checkout's gateway and shipping address (and its 识别地址 button), the address book (and its
识别地址 button).
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from oscar.apps.address.models import UserAddress
from webtest.forms import Select, Text, Textarea

from shop.customer.models import PhoneCode
from shop.order.models import Order
from tests.factories import CHECKOUT_ADDRESS
from tests.factories.marketplace import make_product, make_vendor
from tests.factories.pages import add_to_basket, checkout_to_address_step, fill_address

User = get_user_model()

PAYLOADS = {
    "oversized": "山" * 10_000,
    "markup": '<script>alert(1)</script>"><img src=x onerror=alert(1)>',
    "nul": "138\x001234 5678",
    "arabic-indic-digits": "138١٢٣٤٥٦٧٨",
    "twelve-full-width-digits": "１３８１２３４５６７８９",
    "hong-kong": "+852 9123 4567",
    "us": "+1 415 555 0100",
    "landline": "0351-7654321",
    "letters-in-number": "138-1234-567x",
}
FREE_TEXT = ("first_name", "line1")
# A Chinese message is in CJK: one such character in an error is enough to tell it from Django's English.
CJK = range(0x4E00, 0xA000)


def _chinese(text: str) -> bool:
    return any(ord(char) in CJK for char in text)


def _messages(page) -> list[str]:
    found = page.html.select(".error-block, .invalid-feedback, .alert-danger, .address-notice, #messages .alert")
    return [" ".join(node.stripped_strings) for node in found]


def _typed_fields(form) -> list[str]:
    return [
        name
        for name, fields in form.fields.items()
        if name and isinstance(fields[0], (Text, Textarea, Select)) and name not in ("csrfmiddlewaretoken",)
    ]


def _fill_every_field(form, payload: str) -> None:
    for name in _typed_fields(form):
        field = form[name]
        if isinstance(field, Select):
            field.force_value(payload)
        else:
            field.value = payload


def _escaped(page) -> bool:
    """The markup payload, if shown, is shown as text (its tags escaped), never as tags."""
    body = page.text.lower()
    return "<script>alert" not in body and "<img src=x" not in body


def _answered_safely(page, *, told: bool = True) -> None:
    """The form's page again, the payload escaped and (told) a Chinese message about what is wrong."""
    assert page.status_code == 200
    assert _escaped(page)
    if told:
        messages = _messages(page)
        assert messages and all(_chinese(text) for text in messages), messages


def _nothing_saved(users_before: int) -> None:
    assert (User.objects.count(), UserAddress.objects.count(), Order.objects.count()) == (users_before, 0, 0)


@pytest.fixture
def dates(china):
    vendor, _ = make_vendor("临县王家庄村农民专业合作社")
    return make_product(vendor, title="临县红枣 特级", price="39.90")


PHONE_FORMS = {
    "sms-sign-in": "/accounts/login/sms/",
    "register": "/accounts/register/",
    "sms-password-reset": "/accounts/password-reset/sms/",
    "guest-order-find": "/accounts/orders/find/",
}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("button", ["send_code", "submit"])
@pytest.mark.parametrize("url", PHONE_FORMS.values(), ids=PHONE_FORMS.keys())
def test_the_sms_code_forms_refuse_hostile_input_in_chinese(django_app, db, url, button, payload):
    # given
    users = User.objects.count()
    form = django_app.get(url).forms["phone_code_form"]
    _fill_every_field(form, payload)
    # when
    page = form.submit(button)
    # then
    _answered_safely(page)
    _nothing_saved(users)
    assert PhoneCode.objects.count() == 0  # no code is sent to a number that is not one


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_the_password_sign_in_refuses_hostile_input_in_chinese(django_app, db, payload):
    form = django_app.get(reverse("customer:login")).forms["login_form"]
    form["login-username"], form["login-password"] = payload, payload
    # when
    page = form.submit("login_submit")
    # then
    _answered_safely(page)
    assert "_auth_user_id" not in django_app.session


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("options", ["anonymous", "existing"])
def test_the_checkout_gateway_refuses_hostile_input_in_chinese(django_app, dates, options, payload):
    add_to_basket(django_app, dates, "1")
    form = django_app.get(reverse("checkout:index")).forms["gateway_form"]
    form["username"], form["password"], form["options"] = payload, payload, options
    # when
    page = form.submit()
    # then
    _answered_safely(page)
    assert "_auth_user_id" not in django_app.session


def _checkout_address_form(app, dates):
    add_to_basket(app, dates, "1")
    return checkout_to_address_step(app).forms["new_shipping_address"]


def _book_address_form(app, china):
    user = User.objects.create_user(username="13912345678", password="s3cret-枣园-2026")
    return app.get(reverse("customer:address-create"), user=user).forms["address_form"]


ADDRESS_FORMS = {"checkout": _checkout_address_form, "address-book": _book_address_form}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("button", [None, "address_parse", "address_refresh"])
@pytest.mark.parametrize("where", ADDRESS_FORMS)
def test_the_address_forms_refuse_hostile_input_in_every_field(django_app, dates, china, where, button, payload):
    # given
    form = ADDRESS_FORMS[where](django_app, dates if where == "checkout" else china)
    users = User.objects.count()
    _fill_every_field(form, payload)
    # when
    page = form.submit(button) if button else form.submit()
    # then: 更新城市和区县 only re-renders the form (no message: it refuses nothing)
    _answered_safely(page, told=button != "address_refresh")
    _nothing_saved(users)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("field", ["first_name", "phone_number", "state", "line4", "line3", "line1", "postcode"])
def test_one_hostile_field_among_good_ones_is_refused_or_kept_harmless(django_app, dates, field, payload):
    # given a good address with one field hostile
    form = _checkout_address_form(django_app, dates)
    fill_address(form, {**CHECKOUT_ADDRESS, field: payload})
    # when
    page = form.submit().maybe_follow()
    # then: refused in Chinese; or, in a recipient's name or a street (free text, where digits and markup
    # are only characters), taken and shown escaped on the preview
    accepted = page.request.path == reverse("checkout:preview")
    _answered_safely(page, told=not accepted)
    if accepted:
        assert field in FREE_TEXT and payload not in (PAYLOADS["oversized"], PAYLOADS["nul"])
        assert payload in page.html.select_one(".chinese-address").get_text()
    assert Order.objects.count() == 0


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_hostile_paste_keeps_what_was_typed(django_app, dates, payload):
    # given
    form = _checkout_address_form(django_app, dates)
    fill_address(form, CHECKOUT_ADDRESS)
    form["pasted"] = payload
    # when
    page = form.submit("address_parse")
    # then
    _answered_safely(page)
    kept = page.forms["new_shipping_address"]
    assert {name: kept[name].value for name in ("first_name", "state", "line4", "line3", "line1")} == {
        name: CHECKOUT_ADDRESS[name] for name in ("first_name", "state", "line4", "line3", "line1")
    }
