"""A page served from the shared cache works in a real browser: static/js/visitor.js fills in the
visitor's own CSRF token and basket, so adding to the basket from a cached page succeeds, and the next
cached page shows this visitor's basket count (and not another's)."""

import pytest
from playwright.sync_api import expect

from shop.catalogue.models import Product
from tests.factories.browser import RED_DATES, RED_DATES_UPC

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
