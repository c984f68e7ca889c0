"""One order, two shops, in Chromium against the live server, one phone per actor.

A registered buyer puts two shops' products in one basket: the basket and the
preview group the lines by shop, each with its own shipping, and the order
charges exactly goods + each shop's shipping. Each farmer sees only its own
line in the seller center and ships it; the buyer then sees both parcels with
their tracking numbers, and the order is shipped. Fixtures are in conftest.py.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from shop.order.models import Order
from tests.factories.browser import (
    BUYER_EMAIL,
    BUYER_MOBILE,
    BUYER_PASSWORD,
    OTHER_SELLER_MOBILE,
    OTHER_SELLER_PASSWORD,
    demo_two_shops,
    enter_chinese_address,
    message,
    register,
    sign_in,
)
from vendors.demo import DEMO_SELLER_MOBILE
from vendors.notifications.models import Message


def _add_to_basket(page, shop_url: str, stockrecord) -> None:
    page.goto(shop_url + stockrecord.product.get_absolute_url())
    page.get_by_role("button", name="加入购物车").click()
    expect(page.locator("#messages .alert-success")).to_contain_text(stockrecord.product.title)


def _shop_groups(page):
    return page.locator(".vendor-group")


def _ship(page, shop_url: str, order, title: str, other_title: str, tracking_number: str) -> None:
    page.goto(f"{shop_url}/seller/orders/{order.number}/")
    expect(page.locator(".vendor-line > div:first-child")).to_have_text([title])
    expect(page.locator("#content_inner")).not_to_contain_text(other_title)
    page.get_by_label("快递公司").select_option(label="中通快递")
    page.get_by_label("快递单号").fill(tracking_number)
    page.get_by_role("button", name="确认发货").click()
    expect(message(page)).to_have_text("已发货。买家现在可以看到快递单号。")


@pytest.mark.browser
def test_a_buyer_orders_from_two_shops_pays_each_shops_shipping_and_sees_both_parcels(shop_url, demo_logins, new_page):
    # given: the demo farmer's cheapest product (the platform's terms: 8.00, free from 99.00) and another
    # shop's, which ships for 6.00 and free from 200.00; a farmer of that shop signs in with its mobile
    dates, millet = demo_two_shops()
    dates_vendor, millet_vendor = dates.partner.vendor, millet.partner.vendor
    buyer_page, dates_page, millet_page = new_page("buyer"), new_page("dates-farmer"), new_page("millet-farmer")
    goods = dates.price + millet.price

    # when: a registered buyer puts both shops' products in the basket
    buyer_page.goto(shop_url + "/accounts/login/")
    register(buyer_page, BUYER_EMAIL, BUYER_PASSWORD, mobile=BUYER_MOBILE)
    _add_to_basket(buyer_page, shop_url, dates)
    _add_to_basket(buyer_page, shop_url, millet)
    buyer_page.locator("#header_basket").click()
    # then: one group per shop, each with its own shipping
    groups = _shop_groups(buyer_page)
    expect(groups.locator(".vendor-name")).to_have_text([dates_vendor.name, millet_vendor.name])
    expect(groups.locator(".vendor-shipping")).to_have_text(["¥8.00", "¥6.00"])

    # when: checking out with cash on delivery, up to the preview
    buyer_page.get_by_role("link", name="去结算").click()
    enter_chinese_address(buyer_page)  # cash on delivery, the one payment method, needs no choosing
    # then: the preview shows both shops' shipping and the total that will be charged
    expect(buyer_page).to_have_url(re.compile(r"/checkout/preview/$"))
    expect(_shop_groups(buyer_page).locator(".vendor-shipping")).to_have_text(["¥8.00", "¥6.00"])
    total = goods + Decimal("14.00")
    expect(buyer_page.locator("#place-order")).to_have_text(f"提交订单（¥{total}）")

    # when: placing the order
    buyer_page.locator("#place-order").click()
    # then: the order records exactly what was shown, one part per shop
    expect(buyer_page).to_have_url(re.compile(r"/checkout/thank-you/$"))
    order = Order.objects.get(live_order__isnull=True)  # not one of the demo live sale's orders
    assert (order.shipping_incl_tax, order.total_incl_tax) == (Decimal("14.00"), total)
    assert [(p.vendor, p.goods_total, p.shipping_charge, p.status) for p in order.vendor_parts.order_by("pk")] == [
        (dates_vendor, dates.price, Decimal("8.00"), "waiting"),
        (millet_vendor, millet.price, Decimal("6.00"), "waiting"),
    ]
    assert sorted(Message.objects.exclude(kind="verification_code").values_list("kind", "vendor", "channel")) == sorted(
        [
            ("order_placed", None, "email"),
            ("order_placed", None, "sms"),
            ("vendor_new_order", dates_vendor.pk, "sms"),
            ("vendor_new_order", millet_vendor.pk, "sms"),
        ]
    )

    # when: each farmer signs in with its mobile, sees only its own line and ships it
    for page, (login, password) in (
        (dates_page, (DEMO_SELLER_MOBILE, demo_logins[DEMO_SELLER_MOBILE])),
        (millet_page, (OTHER_SELLER_MOBILE, OTHER_SELLER_PASSWORD)),
    ):
        page.goto(shop_url + "/accounts/login/?next=/seller/")
        sign_in(page, login, password)
        expect(page).to_have_url(shop_url + "/seller/")
    _ship(dates_page, shop_url, order, dates.product.title, millet.product.title, "ZT0000000001")
    _ship(millet_page, shop_url, order, millet.product.title, dates.product.title, "ZT0000000002")

    # then: the buyer sees both parcels, each with its carrier and tracking number
    buyer_page.goto(f"{shop_url}/accounts/orders/{order.number}/")
    parcels = buyer_page.locator(".vendor-shipping")
    expect(parcels.locator(".vendor-name")).to_have_text([dates_vendor.name, millet_vendor.name])
    expect(parcels.locator(".parcel .carrier")).to_have_text(["中通快递", "中通快递"])
    expect(parcels.locator(".parcel .tracking-number")).to_have_text(["ZT0000000001", "ZT0000000002"])
    expect(parcels.locator(".waiting")).to_have_count(0)
    order.refresh_from_db()
    assert order.status == "shipped"
    assert list(order.vendor_parts.order_by("pk").values_list("status", flat=True)) == ["shipped", "shipped"]
    assert Message.objects.filter(kind="parcel_shipped").count() == 4  # two parcels, e-mail and SMS each
