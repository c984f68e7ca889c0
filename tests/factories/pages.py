"""Django WebTest steps through the shop's pages: basket, anonymous checkout, flash messages."""

from django.urls import reverse
from webtest.forms import Select

from shop.basket.models import Basket
from tests.factories import CHECKOUT_ADDRESS
from vendors.notifications.models import Message


def add_to_basket(app, product, quantity):
    page = app.get(product.get_absolute_url())
    form = page.forms["add_to_basket_form"]
    form["quantity"] = quantity
    return form.submit().maybe_follow()


def fill_address(form, values: dict) -> None:
    """Fill a Chinese address form's fields. The city and district selects list the chosen province's
    cities and the chosen city's districts only once the page knows them (the browser's script fills them
    at once, a browser without it asks the server again): here their value is set as that script sets it,
    and the server checks that the three fit together."""
    for name, value in values.items():
        field = form[name]
        if isinstance(field, Select) and value not in [option[0] for option in field.options]:
            field.force_value(value)
        else:
            form[name] = value


def form_with_field(page, field):
    return next(form for form in page.forms.values() if field in form.fields)


def checkout_to_address_step(app):
    gateway = form_with_field(app.get(reverse("checkout:index")), "username")
    gateway["username"] = "buyer@example.com"
    gateway["options"] = "anonymous"
    return gateway.submit().maybe_follow()


def checkout_to_preview(app):
    address = checkout_to_address_step(app).forms["new_shipping_address"]
    fill_address(address, CHECKOUT_ADDRESS)
    # one payment method: the address step goes straight to the preview
    return address.submit().maybe_follow()


def flash_messages(page):
    """The flash messages' texts (without the close link)."""
    return [" ".join(alert.stripped_strings) for alert in page.html.select("#messages .alert .alertinner")]


def basket_contents():
    return [
        (basket.status, [(line.product.title, line.quantity) for line in basket.lines.order_by("pk")])
        for basket in Basket.objects.order_by("pk")
    ]


def sms_code(phone: str) -> str:
    """The clear code of the number's latest SMS, as the outbox holds it until it is sent (in a test's
    transaction nothing is sent)."""
    return Message.objects.filter(kind="verification_code", recipient=phone).latest("pk").secret


def open_guest_order(app, url: str, phone: str):
    """A guest's order link: the page asks for the mobile number the order ships to and its SMS code."""
    page = app.get(url).maybe_follow()
    form = page.forms["phone_code_form"]
    form["phone"] = phone
    page = form.submit("send_code")
    form = page.forms["phone_code_form"]
    form["code"] = sms_code(phone)
    return form.submit("submit").maybe_follow()
