"""A page served from the shared cache works in a real browser: static/js/visitor.js fills in the
visitor's own CSRF token and basket, so adding to the basket from a cached page succeeds, and the next
cached page shows this visitor's basket count (and not another's); a signed-in farmer is sent the shared
catalogue and product pages too, sees her own header on them and buys from them."""

import pytest
from playwright.sync_api import expect

from shop.catalogue.models import Product
from tests.factories.browser import RED_DATES, RED_DATES_UPC, sign_in
from vendors.demo import DEMO_SELLER_MOBILE

pytestmark = [pytest.mark.browser, pytest.mark.redis]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_visitor_buys_from_a_cached_page_and_sees_her_own_basket(shop_url, new_page, settings):
    # given: the cache is on, and another visitor has had the product page rendered
    settings.PAGE_CACHE_SECONDS = 5
    url = shop_url + Product.objects.get(upc=RED_DATES_UPC).get_absolute_url()
    first = new_page("first")
    first.goto(url)
    buyer = new_page("buyer")
    # when: the buyer gets the cached page and adds to the basket
    response = buyer.goto(url)
    served = response.text()
    expect(buyer.locator('#add_to_basket_form input[name="csrfmiddlewaretoken"]')).not_to_have_value("")
    buyer.get_by_role("button", name="加入购物车").click()
    # then
    # "miss" when the first render took long enough for the page to be renewed
    assert response.headers["x-page-cache"] in ("hit", "miss")
    assert 'name="csrfmiddlewaretoken" value=""' in served  # what visitor.js filled in
    expect(buyer.locator("#messages .alert-success")).to_contain_text(RED_DATES)
    # when: both open the cached catalogue page again
    buyer.goto(shop_url + "/catalogue/")
    first.goto(shop_url + "/catalogue/")
    # then: each sees only her own basket
    expect(buyer.locator("#header_basket_count")).to_have_text("1")
    expect(first.locator('input[name="csrfmiddlewaretoken"]').first).not_to_have_value("")
    expect(first.locator("#header_basket_count")).to_be_hidden()
    # an anonymous visitor's header: the signed-in links the shared page carries stay hidden
    expect(first.locator("#login_link")).to_be_visible()
    expect(first.locator("#header_account")).to_be_hidden()
    expect(first.locator("#logout_link")).to_be_hidden()
    expect(first.locator("#nav_seller_link")).to_have_text("我要开店")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_signed_in_farmer_is_sent_the_shared_pages_sees_her_own_header_and_buys(
    shop_url, demo_logins, new_page, settings
):
    # given: the cache is on, a visitor has had the catalogue rendered, and the farmer has signed in
    settings.PAGE_CACHE_SECONDS = 5
    new_page("visitor").goto(shop_url + "/catalogue/")
    farmer = new_page("farmer")
    farmer.goto(shop_url + "/accounts/login/")
    sign_in(farmer, DEMO_SELLER_MOBILE, demo_logins[DEMO_SELLER_MOBILE])
    # when
    response = farmer.goto(shop_url + "/catalogue/")
    # then: the shared page, made hers by visitor.js
    assert response.headers.get("x-page-cache") in ("hit", "miss")
    expect(farmer.locator("#header_account")).to_be_visible()
    expect(farmer.locator("#login_link")).to_be_hidden()
    expect(farmer.locator("#nav_seller_link")).to_have_text("卖家中心")
    expect(farmer.locator("#logout_link")).to_be_visible()
    expect(farmer.locator('input[name="csrfmiddlewaretoken"]').first).not_to_have_value("")
    # when: she opens a product page, shared with her too, and adds it to her basket
    product_page = farmer.goto(shop_url + Product.objects.get(upc=RED_DATES_UPC).get_absolute_url())
    expect(farmer.locator('#add_to_basket_form input[name="csrfmiddlewaretoken"]')).not_to_have_value("")
    farmer.get_by_role("button", name="加入购物车").click()
    # then
    assert product_page.headers.get("x-page-cache") in ("hit", "miss")
    expect(farmer.locator("#messages .alert-success")).to_contain_text(RED_DATES)
    expect(farmer.locator("#header_account")).to_be_visible()
