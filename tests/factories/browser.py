"""Playwright steps a shopper takes on a phone: sign in, register, enter a Chinese address, pay cash on delivery."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from tests.faults.backends import RecordingSmsBackend

RED_DATES = "临县红枣 特级"
# A second demo shop's farmer, who signs in with the shop's mobile number (demo_two_shops).
OTHER_SELLER_MOBILE, OTHER_SELLER_PASSWORD = "13900000002", "Xiaomi-2026!"
RED_DATES_UPC = "VM-LINXIAN-00-0"
BUYER_EMAIL, BUYER_PASSWORD, BUYER_MOBILE = "li.hua@example.com", "Hongzao-2026!", "13600001111"
ADDRESS = {
    "收货人": "王小明",
    "手机号码": "13812345678",
    "省份": "山西省",
    "城市": "吕梁市",
    "区/县": "临县",
    "详细地址": "城关镇王家庄村 3 号",
}


PICKERS = ("省份", "城市", "区/县")


def red_dates_origin(*, english: bool = False) -> list[str]:
    """The origin block of the demo's red dates as the product page lists it (the demo's harvest date
    follows today's date, its certifications a stable pick)."""
    from shop.catalogue.models import Product

    dates = Product.objects.get(upc=RED_DATES_UPC)
    certified = dates.attribute_values.filter(attribute__code="certifications").first()
    options = [option.option for option in certified.value_multi_option.all()] if certified else []
    if english:
        labels = ("Origin", "Net weight", "Harvest date", "Certifications", "Geographical indication")
    else:
        labels = ("产地", "净含量", "采收日期", "认证", "地理标志产品")
    return [
        f"{labels[0]}: 山西省 吕梁市 临县 东坡村",
        f"{labels[1]}: 1kg",
        f"{labels[2]}: {dates.attr.harvest_date:%Y-%m-%d}",
        f"{labels[3]}: " + " ".join([labels[4], *options]),
    ]


def enter_chinese_address(page) -> None:
    expect(page).to_have_url(re.compile(r"/checkout/shipping-address/$"))
    for label, value in ADDRESS.items():
        field = page.get_by_label(label, exact=True)
        if label in PICKERS:
            # each choice fills the next select (static/js/address.js)
            expect(field.locator(f'option[value="{value}"]')).to_have_count(1)
            field.select_option(value)
        else:
            field.fill(value)
    # the postcode stays empty: it is optional in China
    page.get_by_role("button", name="继续").click()


def pay_cash_on_delivery_and_place_order(page) -> None:
    # one shipping method and one payment method: nothing to choose, so the address goes to the preview
    expect(page).to_have_url(re.compile(r"/checkout/preview/$"))
    address_lines = [line.strip() for line in page.locator(".shipping-payment address").inner_text().splitlines()]
    assert address_lines == ["王小明 138 1234 5678", "山西省 吕梁市 临县", "城关镇王家庄村 3 号"]
    expect(page.locator(".shipping-payment h3").filter(has_text="货到付款")).to_have_count(1)
    page.get_by_role("button", name="提交订单").click()
    expect(page).to_have_url(re.compile(r"/checkout/thank-you/$"))


def message(page):
    return page.locator("#messages .alert-success .alertinner")


def sms_code_sent_to(mobile: str) -> str:
    """The code of the last SMS to ``mobile`` (the browser tests' SMS backend records them: conftest.page)."""
    texts = [text for phone, text in RecordingSmsBackend.sent if phone == "+86" + mobile]
    return re.search(r"验证码是([0-9]{6})", texts[-1]).group(1)


def register(page, email: str, password: str, *, mobile: str) -> None:
    """From the login page: register with a mobile number, its SMS code, a password and (optional) an
    e-mail address (it goes back to ``next``, if any)."""
    page.locator("#register-link").click()
    expect(page).to_have_url(re.compile(r"/accounts/register/"))
    form = page.locator("#phone_code_form")
    form.get_by_label("手机号码").fill(mobile)
    form.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#messages .alert-info .alertinner")).to_contain_text("验证码已发送")
    form.get_by_label("短信验证码").fill(sms_code_sent_to(mobile))
    form.get_by_label("邮箱（选填）").fill(email)
    form.locator('input[name="password1"]').fill(password)
    form.locator('input[name="password2"]').fill(password)
    form.get_by_role("button", name="注册").click()
    expect(message(page)).to_have_text("欢迎！您的账号已开通。")


def sign_in(page, login: str, password: str) -> None:
    """Oscar's login form on /accounts/login/ (it goes back to ``next``, if any)."""
    form = page.locator("#login_form")
    form.get_by_label("邮箱或手机号").fill(login)
    form.get_by_label("密码").fill(password)
    form.get_by_role("button", name="登录").click()


def demo_two_shops():
    """Two demo shops' products, both under their free-shipping amounts: the demo farmer's cheapest (the
    platform's terms: 8.00, free from 99.00) and another shop's, which ships for 6.00 and free from 200.00;
    that shop gets a farmer who signs in with OTHER_SELLER_MOBILE. Returns the two stock records."""
    from django.contrib.auth import get_user_model

    from shop.partner.models import StockRecord
    from vendors.demo import DEMO_SELLER_MOBILE

    dates = StockRecord.objects.filter(partner__users__username=DEMO_SELLER_MOBILE).order_by("price", "pk").first()
    millet = (
        StockRecord.objects.exclude(partner=dates.partner)
        .filter(price__lt=99)
        .select_related("partner__vendor", "product")
        .order_by("pk")
        .first()
    )
    vendor = millet.partner.vendor
    vendor.shipping_fee, vendor.free_shipping_from = Decimal("6.00"), Decimal("200.00")
    vendor.save()
    farmer = get_user_model().objects.create_user(username=OTHER_SELLER_MOBILE, password=OTHER_SELLER_PASSWORD)
    millet.partner.users.add(farmer)
    return dates, millet
