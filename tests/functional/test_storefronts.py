"""Storefronts: the directory of vendors, each vendor's shop page, the link from every product page;
and what a suspension hides (catalogue, category, search, storefront, product page, checkout) while
orders already placed can still be shipped.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from haystack import connections
from oscar.test.factories import ProductReviewFactory, UserFactory
from PIL import Image

from shop.basket.models import Basket
from shop.order.models import Order
from tests.factories import CHECKOUT_ADDRESS, FarmCategoryFactory, FarmProductFactory, VillagePartnerFactory
from tests.factories.marketplace import make_order
from tests.factories.pages import fill_address
from vendors.fulfilment.services import vendor_lines_ship
from vendors.models import Vendor
from vendors.onboarding.services import vendor_profile_update, vendor_suspend

ADDRESS = CHECKOUT_ADDRESS


def _vendor(name: str, slug: str, *, county: str = "临县", village: str = "王家庄村", status: str = "approved"):
    partner = VillagePartnerFactory(name=name) if status in ("approved", "suspended") else None
    return Vendor.objects.create(
        partner=partner,
        status=status,
        slug=slug,
        name=name,
        contact_name="王大山",
        contact_phone=f"+86138{Vendor.objects.count():08d}",
        county=county,
        village=village,
    )


def _products(vendor: Vendor, titles: list[str], category=None, **kwargs) -> list:
    extra = {"categories__category": category} if category is not None else {}
    return [
        FarmProductFactory(title=title, stockrecords__partner=vendor.partner, **extra, **kwargs) for title in titles
    ]


def _pod_titles(page) -> list[str]:
    return [a["title"] for a in page.html.select("article.product_pod h3 a")]


def _jpeg(size=(40, 20)) -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "JPEG")
    return ContentFile(out.getvalue(), name="picture.jpg")


# The directory


def _cards(page) -> list[tuple[str, str, str, str]]:
    """(name, link, place, product count) of each vendor in the directory."""
    return [
        (
            card.select_one(".vendor-name").get_text(strip=True),
            card.a["href"],
            card.select_one(".text-muted").get_text(strip=True),
            card.select_one(".vendor-product-count").get_text(strip=True),
        )
        for card in page.html.select("#vendor_directory .vendor-card")
    ]


def test_the_directory_lists_approved_vendors_with_their_product_counts(db, django_app):
    # given
    linxian = _vendor("临县王家庄村红枣合作社", "hongzao")
    qinyuan = _vendor("沁源县前进村党参合作社", "dangshen", county="沁源县", village="前进村")
    _vendor("临县待审核的店", "pending", status="pending")
    _vendor("临县被暂停的店", "suspended", status="suspended")
    _products(linxian, ["红枣一号", "红枣二号", "红枣三号"])
    _products(linxian, ["下架的红枣"], is_public=False)
    _products(qinyuan, ["党参"])
    # when
    everything = django_app.get("/vendors/")
    in_linxian = django_app.get("/vendors/", params={"county": "临县"})

    # then
    assert _cards(everything) == [
        ("临县王家庄村红枣合作社", "/vendors/hongzao/", "临县 王家庄村", "3 件商品"),
        ("沁源县前进村党参合作社", "/vendors/dangshen/", "沁源县 前进村", "1 件商品"),
    ]
    assert _cards(in_linxian) == [("临县王家庄村红枣合作社", "/vendors/hongzao/", "临县 王家庄村", "3 件商品")]
    assert [a.get_text(strip=True) for a in everything.html.select("#county_filter a")] == [
        "全部县区",
        "临县",
        "沁源县",
    ]


def test_shops_without_public_products_are_left_out_of_the_directory_and_its_counties(db, django_app):
    # given: a shop with products, an imported shop with none yet, and one whose products are all delisted
    selling = _vendor("临县王家庄村红枣合作社", "hongzao")
    _products(selling, ["红枣一号"])
    _vendor("沁源县前进村党参合作社", "dangshen", county="沁源县", village="前进村")
    delisted = _vendor("岚县土豆合作社", "tudou", county="岚县", village="城关村")
    _products(delisted, ["土豆"], is_public=False)
    # when
    directory = django_app.get("/vendors/")
    # then
    assert _cards(directory) == [("临县王家庄村红枣合作社", "/vendors/hongzao/", "临县 王家庄村", "1 件商品")]
    assert [a.get_text(strip=True) for a in directory.html.select("#county_filter a")] == ["全部县区", "临县"]
    assert django_app.get("/vendors/", params={"county": "沁源县"}).html.select(".vendor-card") == []
    # the empty shops keep their own page, reachable by its address
    assert django_app.get("/vendors/dangshen/").status_code == 200


def test_the_directory_costs_the_same_queries_with_2_and_40_shops_without_products(db, client, roomy_cache):
    # given
    _products(_vendor("临县王家庄村红枣合作社", "hongzao"), ["红枣一号"])
    for n in range(2):
        _vendor(f"空店{n}", f"empty-{n}")
    with_2, response_2 = _warm_queries(client, "/vendors/")
    # when
    for n in range(2, 40):
        _vendor(f"空店{n}", f"empty-{n}")
    with_40, response_40 = _warm_queries(client, "/vendors/")
    # then
    assert (response_2.content.count(b"vendor-card"), response_40.content.count(b"vendor-card")) == (1, 1)
    assert with_2 == with_40 == 3


# A storefront


@pytest.fixture
def shop(db):
    vendor = _vendor("临县王家庄村红枣合作社", "hongzao")
    vendor_profile_update(
        vendor=vendor,
        data={"story": '<p>种枣<strong>三百年</strong></p><script>alert("x")</script><img src=x onerror=alert(1)>'},
        logo=_jpeg((64, 64)),
        banner=_jpeg((600, 200)),
    )
    vendor.refresh_from_db()
    return vendor


def test_a_storefront_shows_the_vendors_profile_rating_and_public_products(django_app, shop, china):
    # given
    first, second = _products(shop, ["红枣一号", "红枣二号"])
    _products(shop, ["下架的红枣"], is_public=False)
    other = _vendor("沁源县前进村党参合作社", "dangshen", county="沁源县")
    _products(other, ["党参"])
    order = make_order(UserFactory(), [(first, 1), (second, 2)], china=china)
    bought_first, bought_second = order.lines.get(product=first), order.lines.get(product=second)
    ProductReviewFactory(product=first, score=4, status=1, title="甜", body="很甜", order_line=bought_first)
    ProductReviewFactory(product=second, score=5, status=1, title="好", body="很好", order_line=bought_second)
    ProductReviewFactory(product=second, score=1, status=0, title="待审", body="还没审核")
    ProductReviewFactory(product=second, score=1, status=1, title="没买过", body="不是买家写的")
    # when
    page = django_app.get("/vendors/hongzao/")
    # then
    header = page.html.select_one("#vendor_header")
    assert header.h1.get_text(strip=True) == "临县王家庄村红枣合作社"
    assert header.select_one("#vendor_place").get_text(strip=True) == "山西省 临县 王家庄村"
    assert header.select_one("#vendor_rating").get_text(strip=True) == "评分 4.5 / 5（2 条评价）"
    assert header.select_one(".vendor-banner")["src"] == f"/media/{shop.banner.name}"
    assert header.select_one(".vendor-logo")["src"] == f"/media/{shop.logo.name}"
    assert page.html.select_one("#vendor_story").decode_contents() == "<p>种枣<strong>三百年</strong></p>"
    assert "<script" not in page.text.split('id="vendor_story"')[1].split("</section>")[0]
    assert "onerror" not in page.text
    assert _pod_titles(page) == ["红枣二号", "红枣一号"]


def test_a_storefront_without_reviews_says_so_and_pages_its_products(django_app, shop, settings):
    # given
    settings.OSCAR_PRODUCTS_PER_PAGE = 2
    _products(shop, ["红枣一号", "红枣二号", "红枣三号"])
    # when
    first = django_app.get("/vendors/hongzao/")
    second = django_app.get("/vendors/hongzao/", params={"page": 2})
    # then
    assert first.html.select_one("#vendor_rating").get_text(strip=True) == "暂无评价"
    assert (_pod_titles(first), _pod_titles(second)) == (["红枣三号", "红枣二号"], ["红枣一号"])


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_the_storefront_of_a_vendor_that_is_not_approved_is_not_found(db, django_app, status):
    # given
    _vendor("临县王家庄村红枣合作社", "hongzao", status=status)
    # when
    page = django_app.get("/vendors/hongzao/", expect_errors=True)
    # then
    assert page.status_code == 404


def test_every_product_page_links_to_its_vendors_storefront(django_app, shop):
    # given
    (product,) = _products(shop, ["红枣一号"])
    # when
    page = django_app.get(product.get_absolute_url())
    # then
    link = page.html.select_one("a#product_vendor")
    assert (link.select_one(".product-shop-name").get_text(strip=True), link["href"]) == (
        "临县王家庄村红枣合作社",
        "/vendors/hongzao/",
    )


@pytest.fixture
def roomy_cache(settings):
    """All products on one page, and a local-memory cache with room for every thumbnail lookup
    (see tests/integration/test_query_budgets.py)."""
    settings.OSCAR_PRODUCTS_PER_PAGE = 100
    if not settings.REDIS_URL:
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 10_000}}
        }
    return settings


def _warm_queries(client, url) -> tuple[int, object]:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_a_storefront_costs_the_same_queries_with_10_and_100_products(db, client, roomy_cache):
    # given
    vendor = _vendor("临县王家庄村红枣合作社", "hongzao")
    category = FarmCategoryFactory(name="红枣")
    _products(vendor, [f"红枣{n}号" for n in range(10)], category)
    ProductReviewFactory(product=vendor.partner.stockrecords.first().product, score=5, status=1, title="好", body="好")
    with_10, response_10 = _warm_queries(client, "/vendors/hongzao/")
    # when
    _products(vendor, [f"红枣{n}号" for n in range(10, 100)], category)
    with_100, response_100 = _warm_queries(client, "/vendors/hongzao/")
    # then
    listed = (response_10.content.count(b'class="product_pod"'), response_100.content.count(b'class="product_pod"'))
    assert listed == (10, 100)
    assert with_10 == with_100 == 6


# Suspension hides a vendor everywhere, and reinstating shows it again


@pytest.fixture
def empty_index():
    connections["default"].get_backend().clear()
    yield
    connections["default"].get_backend().clear()


@pytest.fixture
def market(db, china, empty_index, django_capture_on_commit_callbacks):
    """Two vendors with a product each in the same category, indexed for search."""
    category = FarmCategoryFactory(name="山西特产")
    with django_capture_on_commit_callbacks(execute=True):
        dates_shop = _vendor("临县王家庄村红枣合作社", "hongzao")
        herbs_shop = _vendor("沁源县前进村党参合作社", "dangshen", county="沁源县")
        (dates,) = _products(dates_shop, ["临县红枣 特级"], category)
        (herbs,) = _products(herbs_shop, ["沁源党参 野生"], category)
    return {"dates_shop": dates_shop, "dates": dates, "herbs": herbs, "category": category}


def _add_to_basket(app, product, quantity="2"):
    form = app.get(product.get_absolute_url()).forms["add_to_basket_form"]
    form["quantity"] = quantity
    return form.submit().maybe_follow()


def _checkout_to_preview(app):
    gateway = next(f for f in app.get(reverse("checkout:index")).forms.values() if "username" in f.fields)
    gateway["username"] = "buyer@example.com"
    gateway["options"] = "anonymous"
    address = gateway.submit().maybe_follow().forms["new_shipping_address"]
    fill_address(address, ADDRESS)
    return address.submit().maybe_follow()


def _visible(app, market) -> dict:
    """Where the red dates of the suspended-or-not vendor can be seen."""
    dates = market["dates"]
    return {
        "catalogue": _pod_titles(app.get("/catalogue/")),
        "category": _pod_titles(app.get(market["category"].get_absolute_url())),
        "search": _pod_titles(app.get("/search/", params={"q": "红枣"})),
        "directory": [a.get_text(strip=True) for a in app.get("/vendors/").html.select(".vendor-name")],
        "storefront": app.get("/vendors/hongzao/", expect_errors=True).status_code,
        "product": app.get(dates.get_absolute_url(), expect_errors=True).status_code,
    }


def _decide(app, admin, vendor, action, reason=None):
    form = app.get(f"/dashboard/vendors/{vendor.pk}/", user=admin).forms[f"{action}_form"]
    if reason:
        form[f"{action}-reason"] = reason
    return form.submit().follow()


def test_suspension_hides_the_vendor_everywhere_and_reinstating_shows_it_again(
    django_app, market, django_capture_on_commit_callbacks
):
    # given
    admin = UserFactory(username="shenhe", is_staff=True)
    shown = _visible(django_app, market)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _decide(django_app, admin, market["dates_shop"], "suspend", "食品安全抽检不合格")
    django_app.reset()
    hidden = _visible(django_app, market)
    herbs_still_sold = _pod_titles(django_app.get("/search/", params={"q": "党参"}))
    with django_capture_on_commit_callbacks(execute=True):
        _decide(django_app, admin, market["dates_shop"], "reinstate")
    django_app.reset()
    shown_again = _visible(django_app, market)
    # then
    assert shown == shown_again
    assert shown == {
        "catalogue": ["沁源党参 野生", "临县红枣 特级"],
        "category": ["沁源党参 野生", "临县红枣 特级"],
        "search": ["临县红枣 特级"],
        "directory": ["临县王家庄村红枣合作社", "沁源县前进村党参合作社"],
        "storefront": 200,
        "product": 200,
    }
    assert hidden == {
        "catalogue": ["沁源党参 野生"],
        "category": ["沁源党参 野生"],
        "search": [],
        "directory": ["沁源县前进村党参合作社"],
        "storefront": 404,
        "product": 404,
    }
    assert herbs_still_sold == ["沁源党参 野生"]


def test_a_basket_holding_a_suspended_vendors_product_cannot_check_out(django_app, market):
    # given: a buyer at the last step of checkout with the red dates in the basket
    _add_to_basket(django_app, market["dates"], "2")
    preview = _checkout_to_preview(django_app)
    assert preview.request.path == reverse("checkout:preview")
    vendor_suspend(vendor=market["dates_shop"], suspended_by=None, reason="食品安全抽检不合格")
    # when
    response = preview.forms["place_order_form"].submit()
    # then
    page = response.follow()
    assert response.status_code == 302
    assert page.request.path == reverse("basket:summary")
    messages = [" ".join(a.stripped_strings) for a in page.html.select("#messages .alert .alertinner")]
    assert messages == ["“临县红枣 特级”已无法购买（暂停销售），请调整购物车后再结算。"]
    assert Order.objects.count() == 0
    assert [(b.status, b.num_items) for b in Basket.objects.all()] == [("Open", 2)]
    assert list(market["dates"].stockrecords.values_list("num_allocated", flat=True)) == [None]


def test_an_order_placed_before_the_suspension_can_still_be_shipped(django_app, market):
    # given: an order of red dates, then the vendor is suspended
    _add_to_basket(django_app, market["dates"], "2")
    _checkout_to_preview(django_app).forms["place_order_form"].submit().follow()
    order = Order.objects.get()
    line = order.lines.get()
    stock_before = market["dates"].stockrecords.values_list("num_in_stock", "num_allocated").get()
    vendor = vendor_suspend(vendor=market["dates_shop"], suspended_by=None, reason="暂停整改")
    seller = UserFactory(username="wangdashan")
    vendor.partner.users.add(seller)
    # when
    shipment = vendor_lines_ship(
        vendor=vendor,
        order=order,
        quantities={line.pk: 2},
        carrier="sf",
        tracking_number="SF1234567890",
        shipped_by=seller,
    )
    # then
    assert (shipment.vendor, shipment.carrier, shipment.tracking_number) == (vendor, "sf", "SF1234567890")
    assert [(q.line, q.quantity) for q in shipment.event.line_quantities.all()] == [(line, 2)]
    assert stock_before[1] == 2
    assert market["dates"].stockrecords.values_list("num_in_stock", "num_allocated").get() == (
        stock_before[0] - 2,
        0,
    )
