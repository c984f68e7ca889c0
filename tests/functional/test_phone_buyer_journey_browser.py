"""A buyer with only a mobile number, on a 390 px phone in Chromium against the live server.

She signs up with an SMS code (no e-mail, no password), buys from two shops, pastes her address as it came
in a chat and has it read into the fields, sees two parcels each with its own cash-on-delivery amount,
cancels one shop's part with a reason, and every total on every page agrees: the thank-you page, her order
list and order page, and each farmer's order page. Fixtures are in conftest.py.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from shop.order.models import Order
from tests.factories.browser import (
    OTHER_SELLER_MOBILE,
    OTHER_SELLER_PASSWORD,
    demo_two_shops,
    sign_in,
    sms_code_sent_to,
)
from vendors.demo import DEMO_SELLER_MOBILE
from vendors.models import OrderPart

User = get_user_model()

BUYER_MOBILE = "15912345678"
PASTED = "收货人：张秀英\n手机号码：159-1234-5678\n所在地区：山西省 忻州市 静乐县\n详细地址：鹅城镇西坡村5号"


def _yuan(amount: Decimal) -> str:
    return f"¥{amount:.2f}"


def _add_to_basket(page, shop_url: str, stockrecord) -> None:
    page.goto(shop_url + stockrecord.product.get_absolute_url())
    page.get_by_role("button", name="加入购物车").click()
    expect(page.locator("#messages .alert-success")).to_contain_text(stockrecord.product.title)


@pytest.mark.browser
def test_a_buyer_with_only_a_mobile_number_buys_from_two_shops_and_cancels_one(shop_url, demo_logins, new_page):
    dates, millet = demo_two_shops()
    parcel_dates, parcel_millet = dates.price + Decimal("8.00"), millet.price + Decimal("6.00")
    total = parcel_dates + parcel_millet
    buyer = new_page("buyer")

    # when: a new buyer signs up with her mobile number and an SMS code
    buyer.goto(shop_url + "/accounts/login/")
    buyer.locator("#phone-login-link").click()
    form = buyer.locator("#phone_code_form")
    form.get_by_label("手机号码").fill(BUYER_MOBILE)
    form.get_by_role("button", name="获取验证码").click()
    expect(buyer.locator("#messages .alert-info .alertinner")).to_contain_text("验证码已发送")
    form.get_by_label("短信验证码").fill(sms_code_sent_to(BUYER_MOBILE))
    form.get_by_role("button", name="登录").click()
    # then: she has an account with her number and nothing else
    expect(buyer.locator("#header_account")).to_be_visible()
    account = User.objects.get(username=BUYER_MOBILE)
    assert (account.email, account.has_usable_password()) == ("", False)

    # when: she buys from two shops and pastes her address at checkout
    _add_to_basket(buyer, shop_url, dates)
    _add_to_basket(buyer, shop_url, millet)
    buyer.locator("#header_basket").click()
    buyer.get_by_role("link", name="去结算").click()
    expect(buyer).to_have_url(re.compile(r"/checkout/shipping-address/$"))
    # The page's scripts run once it is parsed: a click before that is a plain form post (the path without
    # JavaScript, tested elsewhere), which a loaded machine once gave here.
    buyer.wait_for_load_state()
    buyer.get_by_label("粘贴整段地址").fill(PASTED)
    buyer.evaluate("window.sameDocument = true")
    buyer.get_by_role("button", name="识别地址").click()
    # then: the address is read into the fields, for her to check, without a reload
    expect(buyer.locator(".address-notice")).to_have_text("地址已识别，请核对下面每一项。")
    assert buyer.evaluate("window.sameDocument") is True
    fields = {
        "收货人": "张秀英",
        "手机号码": "15912345678",
        "省份": "山西省",
        "城市": "忻州市",
        "区/县": "静乐县",
        "详细地址": "鹅城镇西坡村5号",
    }
    for label, value in fields.items():
        expect(buyer.get_by_label(label, exact=True)).to_have_value(value)
    # the pickers' script is at work: another province lists its own cities at once, without a reload
    expect(buyer.locator(".address-refresh")).to_be_hidden()
    buyer.get_by_label("省份", exact=True).select_option("北京市")
    expect(buyer.get_by_label("城市", exact=True)).to_have_value("北京市")
    expect(buyer.get_by_label("区/县", exact=True).locator('option[value="朝阳区"]')).to_have_count(1)
    buyer.get_by_label("省份", exact=True).select_option("山西省")
    buyer.get_by_label("城市", exact=True).select_option("忻州市")
    buyer.get_by_label("区/县", exact=True).select_option("静乐县")
    buyer.get_by_role("button", name="继续").click()

    # then: the preview shows both parcels and the total
    expect(buyer).to_have_url(re.compile(r"/checkout/preview/$"))
    expect(buyer.locator(".vendor-group .vendor-shipping")).to_have_text(["¥8.00", "¥6.00"])
    expect(buyer.locator("#place-order")).to_have_text(f"提交订单（{_yuan(total)}）")
    region = buyer.locator(".shipping-payment address .region")
    expect(region).to_have_text(re.compile(r"山西省\s+忻州市\s+静乐县"))
    expect(buyer.locator(".shipping-payment address .mobile")).to_have_text("159 1234 5678")

    # when: she places the order
    buyer.locator("#place-order").click()
    # then: the thank-you page shows each parcel's own amount and the total
    expect(buyer).to_have_url(re.compile(r"/checkout/thank-you/$"))
    order = Order.objects.get(live_order__isnull=True, user=account)
    expect(buyer.locator(".vendor-group .vendor-parcel-cod")).to_have_text([_yuan(parcel_dates), _yuan(parcel_millet)])
    expect(buyer.locator(".order-totals .grand-total")).to_have_text(_yuan(total))
    assert order.total_incl_tax == total
    assert (order.shipping_address.state, order.shipping_address.line4, order.shipping_address.line3) == (
        "山西省",
        "忻州市",
        "静乐县",
    )

    # when: she opens the order from her order list
    buyer.goto(shop_url + "/accounts/orders/")
    expect(buyer.locator(f"#order_{order.number} .order-total")).to_have_text(_yuan(total))
    buyer.locator(f"#order_{order.number} a.order-card-link").click()
    # then: two parcels, each with its own amount, and the same total
    expect(buyer.locator(".vendor-shipping .part-cod")).to_have_text([_yuan(parcel_dates), _yuan(parcel_millet)])
    expect(buyer.locator("#amount-due strong")).to_have_text(_yuan(total))
    expect(buyer.locator("#order-total")).to_have_text(_yuan(total))

    # when: she cancels the second shop's part, with a reason
    millet_part = order.vendor_parts.get(vendor=millet.partner.vendor)
    buyer.locator(f'.vendor-shipping[data-part="{millet_part.pk}"]').get_by_role(
        "button", name="取消这家店的商品"
    ).click()
    confirm = buyer.locator("#part-cancel-confirm")
    confirm.get_by_text("商品或数量买错了").click()  # the reason's row, as a thumb taps it
    confirm.get_by_label("想对店家说的话（选填）").fill("小米买多了")
    confirm.get_by_role("button", name="确认取消").click()
    # then: every total on her pages is what she still owes: the first shop's parcel
    expect(buyer.locator("#amount-due strong")).to_have_text(_yuan(parcel_dates))
    expect(buyer.locator("#order-total")).to_have_text(_yuan(parcel_dates))
    expect(buyer.locator("#cancelled-total")).to_have_text(f"- {_yuan(parcel_millet)}")
    expect(buyer.locator(".vendor-shipping .part-cod")).to_have_text([_yuan(parcel_dates)])
    buyer.goto(shop_url + "/accounts/orders/")
    expect(buyer.locator(f"#order_{order.number} .order-total")).to_have_text(_yuan(parcel_dates))
    expect(buyer.locator(f"#order_{order.number} .order-owed")).to_have_text(f"货到付款应付 {_yuan(parcel_dates)}")
    millet_part.refresh_from_db()
    assert (millet_part.status, millet_part.cancel_reason, millet_part.cancel_note) == (
        OrderPart.Status.CANCELLED,
        "wrong_items",
        "小米买多了",
    )

    # when: each farmer opens the order in the seller center
    for actor, (login, password) in {
        "dates-farmer": (DEMO_SELLER_MOBILE, demo_logins[DEMO_SELLER_MOBILE]),
        "millet-farmer": (OTHER_SELLER_MOBILE, OTHER_SELLER_PASSWORD),
    }.items():
        farmer = new_page(actor)
        farmer.goto(shop_url + "/accounts/login/?next=/seller/")
        sign_in(farmer, login, password)
        expect(farmer).to_have_url(shop_url + "/seller/")
        farmer.goto(f"{shop_url}/seller/orders/{order.number}/")
        shipping = farmer.locator("#shipping-address")
        expect(shipping).to_contain_text("159 1234 5678")
        expect(shipping).to_contain_text("静乐县")
        if actor == "dates-farmer":
            # then: the first shop collects its parcel's amount, the same as the buyer's pages say
            expect(farmer.locator("#part-cod")).to_have_text(_yuan(parcel_dates))
        else:
            # then: the second shop sees the part cancelled, why, and nothing to collect
            expect(farmer.locator("#part-cod")).to_have_count(0)
            expect(farmer.locator("#part-cancel-reason")).to_have_text("原因: 商品或数量买错了 — 小米买多了")
