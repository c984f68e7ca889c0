"""The shop on a 390x844 phone in Chromium: what sells is in the first screen, nothing scrolls sideways,
no English words on the pages (the crawl test's allow-list: tests/functional/test_chinese_pages.py).

Each test saves its screenshot under var/screenshots/ (not committed; CI keeps them as artifacts):
`make test` regenerates them, or `pytest -m browser tests/functional/test_phone_layout_browser.py`.
"""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from oscar.test.factories import UserFactory
from playwright.sync_api import expect

from shop.catalogue.models import Category, Product
from shop.catalogue.reviews.models import ProductReview
from tests.factories.browser import BUYER_EMAIL, BUYER_PASSWORD, RED_DATES, RED_DATES_UPC, sign_in
from tests.factories.live_sales import make_event, make_item
from tests.factories.marketplace import jpeg_bytes, make_order, make_parts, make_vendor
from tests.functional.test_chinese_pages import visible_english
from vendors.demo import ADMIN_EMAIL, DEMO_SELLER_MOBILE
from vendors.listings.selectors import seller_product_list
from vendors.models import OrderPart, ReviewPhoto, Vendor

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
    """Whether the page is wider than the phone, measured once its images and fonts are in. (The payouts page
    came out wider once in a full run under load and never alone; a page still loading is one explanation.)"""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def english_on(page) -> list[str]:
    """The page's texts holding English words (the crawl test's reading of a page, on the rendered DOM)."""
    return visible_english(page.content())


@pytest.mark.browser
def test_the_product_page_sells_in_the_first_screen(shop_url, page):
    # given
    product = Product.objects.get(upc=RED_DATES_UPC)
    # when
    page.goto(shop_url + product.get_absolute_url())
    # then
    expect(page.locator(".product_main h1")).to_have_text(RED_DATES)
    first_screen = (
        "#product_gallery .product-gallery-slide:first-child img",
        ".product_main .price_color",
        "#product_sold",
        "#product_shipping",
        "#id_quantity",
        "#add_to_basket",
        "#buy_now",
    )
    for selector in first_screen:
        assert in_first_screen(page, selector), selector
    expect(page.locator("#product_sold")).to_have_text("已售 0")
    expect(page.locator("#product_shipping")).to_have_text("运费 ¥8.00，满¥99.00包邮")
    expect(page.locator("#add_to_basket")).to_have_text("加入购物车")
    expect(page.locator("#buy_now")).to_have_text("立即购买")
    expect(page.locator("#product_vendor .product-shop-name")).to_have_text("临县东坡村农产品有限公司")
    expect(page.locator("#product_harvest_date")).to_contain_text("采收日期")
    assert not scrolls_sideways(page)
    assert english_on(page) == []
    screenshot(page, "product")
    # when: the buyer swipes to the next photo
    track = page.locator("#product_gallery_track")
    track.evaluate("track => track.scrollBy({left: track.clientWidth, behavior: 'instant'})")
    # then: the second photo fills the gallery, the counter follows, the page itself did not move sideways
    expect(page.locator("#product_gallery_count")).to_have_text("2/3")
    assert track.evaluate("track => track.scrollLeft") == track.evaluate("track => track.clientWidth")
    assert not scrolls_sideways(page)
    # when: two boxes, bought at once
    page.locator(".quantity-step[data-step='1']").click()
    expect(page.locator("#id_quantity")).to_have_value("2")
    page.locator("#buy_now").click()
    # then: straight to checkout with them in the basket
    expect(page).to_have_url(shop_url + "/checkout/")
    page.goto(shop_url + "/basket/")
    expect(page.locator("#header_basket_count")).to_have_text("2")
    assert not scrolls_sideways(page)
    assert english_on(page) == []
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
    assert english_on(page) == []
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
    assert english_on(page) == []
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
    assert english_on(page) == []
    screenshot(page, "seller_product_form")


@pytest.mark.browser
def test_the_seller_moves_a_photo_forward_on_her_phone_and_the_order_is_saved(shop_url, demo_logins, page):
    # given: one of the demo shop's products, with its three photos
    vendor = Vendor.objects.get(partner__users__username=DEMO_SELLER_MOBILE)
    product = seller_product_list(vendor=vendor).first()
    produce, pack, fields = product.images.order_by("display_order")
    page.goto(shop_url + f"/accounts/login/?next=/seller/products/{product.pk}/")
    sign_in(page, DEMO_SELLER_MOBILE, demo_logins[DEMO_SELLER_MOBILE])
    photos = page.locator("#product-photos .photo-order-item")
    expect(photos).to_have_count(3)
    expect(page.locator("#product-photos .photo-order-select").first).to_be_hidden()  # script: ◀ ▶ instead
    # when: the pack photo moves forward, to be the main photo
    photos.nth(1).get_by_role("button", name="往前移").click()
    # then: it is first on the page, marked as the main photo
    expect(photos.first).to_have_attribute("data-photo", str(pack.pk))
    expect(photos.first.locator(".photo-order-main")).to_be_visible()
    expect(photos.first.locator(".photo-order-main")).to_have_text("主图")
    assert not scrolls_sideways(page)
    assert english_on(page) == []
    photos.first.scroll_into_view_if_needed()
    screenshot(page, "seller_product_photos")
    # when
    page.get_by_role("button", name="保存").click()
    # then
    expect(page.locator("#messages .alert-success")).to_contain_text("已保存")
    assert [image.pk for image in product.images.order_by("display_order")] == [pack.pk, produce.pk, fields.pk]


@pytest.mark.browser
def test_a_buyers_review_with_photos_shows_on_the_product_page_as_bought(shop_url, page, china, tmp_path):
    # given: a buyer whose red dates arrived
    buyer = User.objects.create_user(username="li.hua", email=BUYER_EMAIL, password=BUYER_PASSWORD)
    product = Product.objects.get(upc=RED_DATES_UPC)
    order = make_order(buyer, [(product, 1)], china=china)
    OrderPart.objects.filter(pk__in=[part.pk for part in make_parts(order).values()]).update(
        status=OrderPart.Status.DELIVERED
    )
    line = order.lines.get()
    photos = [tmp_path / "IMG_0001.JPG", tmp_path / "IMG_0002.JPG"]
    for path, colour in zip(photos, ("darkred", "peru"), strict=True):
        path.write_bytes(jpeg_bytes(colour, size=(800, 600)))
    page.goto(shop_url + f"/accounts/login/?next=/accounts/orders/{order.number}/")
    sign_in(page, BUYER_EMAIL, BUYER_PASSWORD)
    # when: 写评论 from the order, five stars, a few words, two photos
    page.locator(f"#review_line_{line.pk}").click()
    page.locator("#id_score label").first.click()
    page.get_by_label("评价内容").fill("枣子很甜，个头大，包装也结实")
    page.locator("#id_photo_1").set_input_files(str(photos[0]))
    page.locator("#id_photo_2").set_input_files(str(photos[1]))
    # then: each photo chosen shows as a preview, and the next picker appears
    expect(page.locator("#review_photos .photo-preview").nth(0)).to_be_visible()
    expect(page.locator("#review_photos .photo-preview").nth(1)).to_be_visible()
    expect(page.get_by_text("照片 3")).to_be_visible()
    assert not scrolls_sideways(page)
    assert english_on(page) == []
    screenshot(page, "review_form")
    page.get_by_role("button", name="发表评价").click()
    # then: back on the product page, the review with its 已购 badge and its two photos
    review = page.locator("#reviews .review").first
    expect(review.locator(".review-bought")).to_have_text("已购")
    expect(review.locator(".review-photos img")).to_have_count(2)
    assert ReviewPhoto.objects.filter(review__order_line=line).count() == 2
    assert not scrolls_sideways(page)
    assert english_on(page) == []
    page.locator("#reviews").scroll_into_view_if_needed()
    screenshot(page, "product_reviews")


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


@pytest.mark.browser
def test_the_buy_buttons_stay_in_the_first_screen_with_a_live_offer_reviews_and_a_long_title(shop_url, page):
    # given: the fullest first screen: a two-line title, a rating line, the live-room offer
    event = make_event()
    dates = Category.objects.get(name="红枣")  # a demo category: the factory's own would take a demo one's path
    title = "临县红枣 特级 新货 农家自产 手工挑选 产地直发 礼盒装 2.5kg"
    item = make_item(event, title=title, categories__category=dates)
    ProductReview.objects.create(
        product=item.product,
        user=UserFactory(first_name="王小明", last_name=""),
        score=5,
        title="好",
        body="好吃",
        status=ProductReview.APPROVED,
    )
    # when
    page.goto(shop_url + item.product.get_absolute_url())
    # then
    expect(page.locator("#product_live_offer")).to_be_visible()
    expect(page.locator(".product-rating")).to_be_visible()
    for selector in ("#product_shipping", "#id_quantity", "#add_to_basket", "#buy_now"):
        assert in_first_screen(page, selector), selector
    assert not scrolls_sideways(page)
    assert english_on(page) == []
    screenshot(page, "product_live_offer")
