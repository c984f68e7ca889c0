"""The key journeys of a shopper on a phone, in Chromium against the live server.

Guest and registered purchases with a Chinese address and cash on delivery,
Chinese search from the header, and the header's language selector. Fixtures
(browser, phone-sized page, demo shop on the live server) are in conftest.py.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from shop.catalogue.models import Category, Product
from shop.order.models import Order
from shop.partner.models import StockRecord
from tests.factories.browser import (
    ADDRESS,
    RED_DATES,
    RED_DATES_UPC,
    enter_chinese_address,
    pay_cash_on_delivery_and_place_order,
    red_dates_origin,
    register,
)


def titles_in_category(name: str) -> list[str]:
    category = Category.objects.get(name=name)
    products = Product.objects.filter(categories__in=category.get_descendants_and_self())
    return sorted(products.values_list("title", flat=True))


def listed_titles(page) -> list[str]:
    return sorted(page.locator(".product_pod h3 a").evaluate_all("links => links.map(a => a.title)"))


def browse_to_red_dates(page, shop_url: str) -> None:
    """Home -> 干果 in its categories -> the product page."""
    page.goto(shop_url + "/")
    page.locator("#home_categories").get_by_role("link", name="干果", exact=True).click()
    expect(page.locator(".page-header h1")).to_have_text("干果")
    expect(page.locator(".product_pod")).to_have_count(len(titles_in_category("干果")))
    assert listed_titles(page) == titles_in_category("干果")
    page.locator(f'.product_pod h3 a[title="{RED_DATES}"]').click()
    expect(page.locator(".product_main h1")).to_have_text(RED_DATES)


def search_from_header(page, words: str) -> None:
    """The header's search box: on a phone too it is always there, behind no menu."""
    page.locator("#site_search").get_by_placeholder("搜索农产品").fill(words)
    page.locator("#site_search").get_by_placeholder("搜索农产品").press("Enter")


def switch_language(page, name: str) -> None:
    """The language selector at the foot of every page."""
    page.locator("#language_selector select").select_option(label=name)
    page.locator("#language_selector").get_by_role("button", name="切换").click()


def add_to_basket_and_go_to_checkout(page) -> None:
    page.get_by_role("button", name="加入购物车").click()
    expect(page.locator("#messages .alert-success")).to_contain_text(RED_DATES)
    page.locator("#header_basket").click()  # the basket in the header
    expect(page.locator("#basket_formset h3")).to_have_text([RED_DATES])
    page.get_by_role("link", name="去结算").click()


@pytest.mark.browser
def test_a_guest_buys_red_dates_on_a_phone_and_pays_cash_on_delivery(shop_url, page):
    # given
    stock = StockRecord.objects.get(product__upc=RED_DATES_UPC)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    # when: browsing to the product
    browse_to_red_dates(page, shop_url)
    # then: the product page shows price, stock and origin
    expect(page.locator(".product_main .price_color")).to_have_text("¥39.80")
    expect(page.locator(".product_main .availability")).to_have_text(f"库存 {stock.num_in_stock} 件")
    expect(page.locator("#product_origin li")).to_have_text(red_dates_origin())
    # when: checking out as a guest
    add_to_basket_and_go_to_checkout(page)
    expect(page.locator(".sub-header h1")).to_have_text("选择下单方式")
    page.get_by_label("手机号或邮箱").fill("guest@example.com")
    page.get_by_label("我是新顾客，不注册直接下单").check()
    page.get_by_role("button", name="继续").click()
    enter_chinese_address(page)
    pay_cash_on_delivery_and_place_order(page)
    # then
    order = Order.objects.get(live_order__isnull=True)  # not one of the demo live sale's orders
    expect(page.locator(".sub-header h1")).to_have_text(f"订单{order.number}：确认")
    expect(page.locator("p.lead strong")).to_have_text(order.number)
    assert (order.user, order.guest_email) == (None, "guest@example.com")
    saved = order.shipping_address
    assert {
        "收货人": saved.first_name,
        "手机号码": saved.phone_number.as_e164,
        "省份": saved.state,
        "城市": saved.line4,
        "区/县": saved.line3,
        "详细地址": saved.line1,
    } == {**ADDRESS, "手机号码": "+8613812345678"}
    assert (saved.postcode, saved.country.iso_3166_1_a2) == ("", "CN")
    assert [(line.title, line.quantity) for line in order.lines.all()] == [(RED_DATES, 1)]
    # the vendor's parcel costs the platform's default fee: 39.80 is under its free-shipping amount
    assert (order.shipping_incl_tax, order.total_incl_tax) == (Decimal("8.00"), Decimal("47.80"))
    assert [(s.source_type.name, s.amount_allocated, s.amount_debited) for s in order.sources.all()] == [
        ("货到付款", Decimal("47.80"), Decimal("0.00"))
    ]
    # nothing came from another host (Google's CDN, say: mainland China blocks it)
    assert [url for url in requested if not url.startswith(shop_url + "/")] == []


@pytest.mark.browser
def test_a_registered_customer_finds_the_order_in_the_order_history(shop_url, page):
    # given: a new customer registers from the header's login link
    page.goto(shop_url + "/")
    page.locator("#login_link").click()
    register(page, "li.hua@example.com", "Hongzao-2026!", mobile="13600001111")
    # when: buying (signed in, checkout goes straight to the address)
    browse_to_red_dates(page, shop_url)
    add_to_basket_and_go_to_checkout(page)
    enter_chinese_address(page)
    pay_cash_on_delivery_and_place_order(page)
    order = Order.objects.get(live_order__isnull=True)  # not one of the demo live sale's orders
    expect(page.locator("p.lead strong")).to_have_text(order.number)
    # when: opening the order from the account's order history
    # (each click waits for its page: a click on the page being replaced is lost with it)
    page.get_by_role("link", name="继续购物").click()
    expect(page.locator("#home_categories")).to_be_visible()
    page.locator("#header_account").click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    page.locator(".page_inner").get_by_role("link", name="我的订单").click()  # the account tabs
    # then
    expect(page).to_have_url(shop_url + "/accounts/orders/")
    expect(page.locator(".order-card")).to_have_count(1)
    expect(page.locator(f"#order_{order.number} .order-status")).to_have_text("待发货")
    page.locator(f"#order_{order.number} a").click()
    expect(page).to_have_url(f"{shop_url}/accounts/orders/{order.number}/")
    expect(page.locator(".page-header h1")).to_have_text(f"订单 #{order.number}")
    assert order.user == get_user_model().objects.get(email="li.hua@example.com")
    assert order.guest_email == ""
    assert [s.source_type.name for s in order.sources.all()] == ["货到付款"]


@pytest.mark.browser
def test_searching_red_dates_in_chinese_from_the_header_finds_them_all(indexed_shop_url, page):
    # given
    page.goto(indexed_shop_url + "/")
    # when
    search_from_header(page, "红枣")
    # then: jieba splits "临县红枣" so the query matches; 稷山板枣 is found through its category
    expect(page.locator(".page-header h1")).to_have_text("匹配“红枣”的商品")
    expect(page.locator(".product_pod")).to_have_count(8)
    assert listed_titles(page) == titles_in_category("红枣")
    assert "稷山板枣" in listed_titles(page)


@pytest.mark.browser
def test_the_header_language_selector_switches_the_product_page_to_english(shop_url, page):
    # given
    stock = StockRecord.objects.get(product__upc=RED_DATES_UPC)
    browse_to_red_dates(page, shop_url)
    product_url = page.url
    # when
    switch_language(page, "English")
    # then: same page, English labels; the product's own data stays Chinese
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(product_url)
    expect(page.locator(".product_main h1")).to_have_text(RED_DATES)
    expect(page.locator(".product_main .price_color")).to_have_text("¥39.80")
    expect(page.locator(".product_main .availability")).to_have_text(f"In stock ({stock.num_in_stock} available)")
    expect(page.locator("#product_origin li")).to_have_text(red_dates_origin(english=True))
    expect(page.locator("#add_to_basket")).to_have_text("Add to cart")
    expect(page.locator("#buy_now")).to_have_text("Buy now")
    expect(page.locator("#login_link")).to_have_text("Sign in")
    expect(page.locator("#language_selector select")).to_have_value("en")


@pytest.mark.browser
def test_switching_to_english_on_the_search_results_keeps_the_search(indexed_shop_url, page):
    # given
    page.goto(indexed_shop_url + "/")
    search_from_header(page, "红枣")
    expect(page.locator(".page-header h1")).to_have_text("匹配“红枣”的商品")
    # when
    switch_language(page, "English")
    # then: the same search, in English
    expect(page.locator(".page-header h1")).to_have_text('Products matching "红枣"')
    expect(page.locator(".product_pod")).to_have_count(8)
    assert listed_titles(page) == titles_in_category("红枣")
