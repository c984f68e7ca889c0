"""Playwright steps a shopper takes on a phone: sign in, register, enter a Chinese address, pay cash on delivery."""

import re

from playwright.sync_api import expect

RED_DATES = "临县红枣 特级"
RED_DATES_UPC = "VM-LINXIAN-00-0"
BUYER_EMAIL, BUYER_PASSWORD = "li.hua@example.com", "Hongzao-2026!"
ADDRESS = {
    "收货人": "王小明",
    "手机号码": "13812345678",
    "省份": "山西省",
    "城市": "吕梁市",
    "区/县": "临县",
    "详细地址": "城关镇王家庄村 3 号",
}


def enter_chinese_address(page) -> None:
    expect(page).to_have_url(re.compile(r"/checkout/shipping-address/$"))
    for label, value in ADDRESS.items():
        page.get_by_label(label, exact=True).fill(value)
    # the postcode stays empty: it is optional in China
    page.get_by_role("button", name="继续").click()


def pay_cash_on_delivery_and_place_order(page) -> None:
    # only one shipping method, so Oscar skips its page
    expect(page).to_have_url(re.compile(r"/checkout/payment-method/$"))
    page.get_by_label("货到付款").check()
    page.get_by_role("button", name="继续").click()
    expect(page).to_have_url(re.compile(r"/checkout/preview/$"))
    address_lines = [line.strip() for line in page.locator(".shipping-payment address").inner_text().splitlines()]
    assert address_lines == ["王小明", "城关镇王家庄村 3 号", "临县", "吕梁市", "山西省", "中国"]
    expect(page.locator(".shipping-payment h3").filter(has_text="货到付款")).to_have_count(1)
    page.get_by_role("button", name="提交订单").click()
    expect(page).to_have_url(re.compile(r"/checkout/thank-you/$"))


def message(page):
    return page.locator("#messages .alert-success .alertinner")


def register(page, email: str, password: str) -> None:
    """Oscar's registration form on /accounts/login/ (it goes back to ``next``, if any)."""
    form = page.locator("#register_form")
    form.get_by_label("电子邮件地址").fill(email)
    form.get_by_label("密码", exact=True).fill(password)
    form.get_by_label("确认密码").fill(password)
    form.get_by_role("button", name="注册").click()
    expect(message(page)).to_have_text("感谢注册！")


def sign_in(page, login: str, password: str) -> None:
    """Oscar's login form on /accounts/login/ (it goes back to ``next``, if any)."""
    form = page.locator("#login_form")
    form.get_by_label("邮箱或手机号").fill(login)
    form.get_by_label("密码").fill(password)
    form.get_by_role("button", name="登录").click()
