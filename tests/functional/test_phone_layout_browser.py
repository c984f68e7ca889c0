"""The shop on a 390x844 phone in Chromium: what sells is in the first screen, nothing scrolls sideways.

Each test saves its screenshot under var/screenshots/ (not committed; CI keeps them as artifacts):
`make test` regenerates them, or `pytest -m browser tests/functional/test_phone_layout_browser.py`.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from shop.catalogue.models import Product
from tests.factories.browser import RED_DATES, RED_DATES_UPC

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
