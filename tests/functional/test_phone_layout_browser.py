"""The shop on a 390x844 phone in Chromium: what sells is in the first screen, nothing scrolls sideways.

Each test saves its screenshot under var/screenshots/ (not committed; CI keeps them as artifacts):
`make test` regenerates them, or `pytest -m browser tests/functional/test_phone_layout_browser.py`.
"""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from shop.catalogue.models import Product
from tests.factories.browser import BUYER_EMAIL, BUYER_PASSWORD, RED_DATES, RED_DATES_UPC, sign_in
from tests.factories.marketplace import make_order, make_parts, make_vendor
from vendors.demo import ADMIN_EMAIL, DEMO_SELLER_MOBILE
from vendors.models import Vendor

User = get_user_model()

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE_HEIGHT = 844


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def in_first_screen(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE_HEIGHT and box["x"] >= 0


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


@pytest.mark.browser
def test_the_product_page_sells_in_the_first_screen(shop_url, page):
    # given
    product = Product.objects.get(upc=RED_DATES_UPC)
    # when
    page.goto(shop_url + product.get_absolute_url())
    # then
    expect(page.locator(".product_main h1")).to_have_text(RED_DATES)
    for selector in (".product_main .price_color", "#product_sold", "#id_quantity", "#add_to_basket", "#buy_now"):
        assert in_first_screen(page, selector), selector
    expect(page.locator("#product_sold")).to_have_text("已售 0")
    expect(page.locator("#add_to_basket")).to_have_text("加入购物车")
    expect(page.locator("#buy_now")).to_have_text("立即购买")
    assert not scrolls_sideways(page)
    screenshot(page, "product")
    # when: two boxes, bought at once
    page.locator(".quantity-step[data-step='1']").click()
    expect(page.locator("#id_quantity")).to_have_value("2")
    page.locator("#buy_now").click()
    # then: straight to checkout with them in the basket
    expect(page).to_have_url(shop_url + "/checkout/")
    page.goto(shop_url + "/basket/")
    expect(page.locator("#header_basket_count")).to_have_text("2")
    assert not scrolls_sideways(page)
    screenshot(page, "basket")


@pytest.mark.browser
def test_the_header_search_basket_and_account_are_on_every_phone_page(shop_url, page):
    for path in ("/catalogue/", "/vendors/", "/live/", "/basket/", "/accounts/login/"):
        # when
        page.goto(shop_url + path)
        # then
        for selector in ("#site_search input", "#header_basket", "#login_link", "#nav_shops_link", "#nav_live_link"):
            expect(page.locator(selector)).to_be_visible()
            assert in_first_screen(page, selector), (path, selector)
        assert not scrolls_sideways(page), path


@pytest.mark.browser
def test_the_home_page_fits_the_phone(shop_url, page):
    # when
    page.goto(shop_url + "/")
    # then
    expect(page.locator("#home_categories")).to_be_visible()
    expect(page.locator("#home_best_sellers")).to_have_count(0)  # nothing sold yet in the demo without live sales
    assert in_first_screen(page, "#site_search input")
    assert not scrolls_sideways(page)
    screenshot(page, "home")


@pytest.mark.browser
def test_the_buyers_orders_fit_the_phone(shop_url, page, china):
    # given: a buyer with an order
    buyer = User.objects.create_user(username="li.hua", email=BUYER_EMAIL, password=BUYER_PASSWORD)
    order = make_order(buyer, [(Product.objects.get(upc=RED_DATES_UPC), 2)], china=china)
    make_parts(order)
    page.goto(shop_url + "/accounts/login/?next=/accounts/orders/")
    sign_in(page, BUYER_EMAIL, BUYER_PASSWORD)
    # then
    expect(page.locator("#order_tabs .order-tab.active")).to_contain_text("全部")
    expect(page.locator(f"#order_{order.number} .order-status")).to_have_text("待发货")
    assert in_first_screen(page, f"#order_{order.number}")
    assert not scrolls_sideways(page)
    screenshot(page, "orders")


@pytest.mark.browser
def test_the_sellers_product_form_puts_the_essentials_in_the_first_screen(shop_url, demo_logins, page):
    # given
    page.goto(shop_url + "/accounts/login/?next=/seller/products/new/")
    sign_in(page, DEMO_SELLER_MOBILE, demo_logins[DEMO_SELLER_MOBILE])
    # then
    expect(page.locator("#seller_header")).to_be_visible()
    expect(page.locator("#header_basket")).to_have_count(0)
    for label in ("商品名称", "分类", "价格（元）", "可售数量"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    expect(page.locator("#product-more")).not_to_have_attribute("open", "")
    assert not scrolls_sideways(page)
    screenshot(page, "seller_product_form")


@pytest.mark.browser
def test_the_admins_application_review_fits_the_phone(shop_url, demo_logins, page):
    # given: a farmer's application waiting for review
    vendor, _user = make_vendor("静乐县西坡村藜麦合作社", status=Vendor.Status.PENDING)
    page.goto(shop_url + f"/accounts/login/?next=/dashboard/vendors/{vendor.pk}/")
    sign_in(page, ADMIN_EMAIL, demo_logins[ADMIN_EMAIL])
    # then
    expect(page.locator("h1")).to_contain_text("静乐县西坡村藜麦合作社")
    assert not scrolls_sideways(page)
    screenshot(page, "admin_application")
