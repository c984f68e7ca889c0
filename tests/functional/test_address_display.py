"""Every place that shows a shipping address shows it the Chinese way round (recipient, then province, city,
district, street) with the mobile as 138 1234 5678: the buyer's order page, a guest's order page, the
seller's order page and list, the admin's order list, the checkout's address-book choices, the address
book, the e-mails the buyer and the shops get. The order's SMS carry no address nor mobile (checked here
too); no CSV file the shop produces has an address or a mobile column."""

import re

import pytest
from django.urls import reverse
from oscar.apps.address.models import UserAddress
from oscar.test.factories import UserFactory

from tests.factories.marketplace import make_product, make_two_vendor_order, make_vendor
from tests.factories.outbox import LVLIANG_MOBILE
from tests.factories.pages import add_to_basket, open_guest_order
from vendors.notifications.models import Message
from vendors.notifications.sending import message_render
from vendors.notifications.services import notify_order_placed

RAW = ("+8613912345678", "13912345678")
GROUPED = "139 1234 5678"


def _in_order(text: str, *parts: str) -> bool:
    """Each part found in text, each after the one before (whitespace ignored)."""
    text = re.sub(r"\s+", "", text)
    at = 0
    for part in parts:
        part = re.sub(r"\s+", "", part)
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


def _shows_the_address_chinese_way(text: str) -> bool:
    return _in_order(text, "李建国", GROUPED, "山西省", "吕梁市", "离石区", "滨河北西路 18 号") and not any(
        raw in text for raw in RAW
    )


@pytest.fixture
def order(db, china):
    return make_two_vendor_order(china=china)


def test_the_order_pages_show_the_address_province_first_and_the_mobile_in_groups(django_app, order):
    w = order
    number = w.order.number
    # when
    buyer_page = django_app.get(f"/accounts/orders/{number}/", user=w.buyer)
    seller_page = django_app.get(f"/seller/orders/{number}/", user=w.user_a)
    seller_list = django_app.get("/seller/orders/", user=w.user_a)
    # then
    assert _shows_the_address_chinese_way(buyer_page.html.select_one(".chinese-address").get_text(" "))
    shipping = seller_page.html.select_one("#shipping-address")
    assert _shows_the_address_chinese_way(shipping.get_text(" "))
    assert shipping.select_one('a[href^="tel:"]')["href"] == "tel:+8613912345678"  # dialled as stored
    assert "李建国 · 吕梁市离石区" in " ".join(seller_list.html.select_one(".ship-to").stripped_strings)


def test_the_admins_order_list_shows_the_address_the_same_way(django_app, order):
    # given
    admin = UserFactory(is_staff=True, is_superuser=True)
    # when
    page = django_app.get(reverse("dashboard:order-list"), user=admin)
    # then
    row = next(row for row in page.html.select("table tr") if str(order.order.number) in row.get_text())
    assert _shows_the_address_chinese_way(row.select_one(".chinese-address").get_text(" "))


def test_a_guests_order_page_shows_the_address_the_same_way(django_app, order):
    w = order
    w.order.user = None
    w.order.guest_email = "guest@example.com"
    w.order.save()
    url = reverse("customer:anon-order", kwargs={"order_number": w.order.number, "hash": w.order.verification_hash()})
    # when
    page = open_guest_order(django_app, url, LVLIANG_MOBILE)
    # then
    assert _shows_the_address_chinese_way(page.html.select_one("#shipping-address").get_text(" "))


def test_the_address_book_and_the_checkouts_choices_show_addresses_the_same_way(django_app, china):
    # given
    buyer = UserFactory()
    UserAddress.objects.create(
        user=buyer,
        first_name="李建国",
        phone_number="+8613912345678",
        state="山西省",
        line4="吕梁市",
        line3="离石区",
        line1="滨河北西路 18 号",
        country=china,
        is_default_for_shipping=True,
    )
    vendor, _ = make_vendor("临县王家庄村农民专业合作社")
    add_to_basket(django_app, make_product(vendor, title="临县红枣", price="39.90"), "1")
    # when
    book = django_app.get(reverse("customer:address-list"), user=buyer)
    checkout = django_app.get(reverse("checkout:shipping-address"), user=buyer)
    # then
    assert _shows_the_address_chinese_way(book.html.select_one(".chinese-address").get_text(" "))
    assert _shows_the_address_chinese_way(checkout.html.select_one(".choose-block .chinese-address").get_text(" "))


def test_the_emails_show_the_address_the_same_way_and_the_sms_carry_none(order):
    w = order
    notify_order_placed(order=w.order, parts=[w.part_a, w.part_b], language="zh-hans")
    # when
    emails = {m.kind: message_render(message=m)["body"] for m in Message.objects.filter(channel="email")}
    texts = [message_render(message=m)["text"] for m in Message.objects.filter(channel="sms")]
    # then
    assert sorted(emails) == ["order_placed", "vendor_new_order"]
    assert [kind for kind, body in emails.items() if not _shows_the_address_chinese_way(body)] == []
    assert len(texts) == 3  # the buyer's and each shop's
    assert [text for text in texts if "李建国" in text or "离石区" in text or "139" in text] == []
