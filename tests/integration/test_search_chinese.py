"""Search as a Chinese shopper types it, on the configured backend (PostgreSQL in CI: shop.search.postgres).

The demo county (seed_demo) is indexed through the real task path (update_index); pages are read
through the real search view.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from haystack import connections

from shop.catalogue.models import Category, Product
from shop.search.suggestions import CACHE_KEY
from vendors.models import Vendor
from vendors.onboarding.services import vendor_suspend

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(empty_search_index):
    call_command("seed_demo", "--yes-demo-data", "--no-live-events", verbosity=0)
    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)


@pytest.fixture
def empty_search_index():
    connections["default"].get_backend().clear()
    yield
    connections["default"].get_backend().clear()


def _cards(page) -> list:
    return page.html.select("article.product_pod h3 a")


def _titles(page) -> list[str]:
    return [a.attrs["title"] for a in _cards(page)]


def _search(app, **params):
    return app.get("/search/", params=params)


def _in_category(name: str) -> set[str]:
    return set(Product.objects.filter(categories__name=name).values_list("title", flat=True))


def _count_in(name: str) -> int:
    return Product.objects.filter(categories__name=name).count()


@pytest.mark.parametrize(
    ("query", "category"),
    [
        ("hongzao", "红枣"),  # full pinyin
        ("hong zao", "红枣"),  # pinyin syllables
        ("xiaomi", "小米"),
        ("dangshen", "党参"),
        ("枣", "红枣"),  # one character
        ("红枣", "红枣"),
    ],
)
def test_pinyin_and_single_characters_find_the_produce(django_app, county, query, category):
    # when
    page = _search(django_app, q=query)
    # then
    assert set(_titles(page)) == _in_category(category)
    assert len(_titles(page)) == _count_in(category) > 1


def test_pinyin_initials_rank_the_produce_first(django_app, county):
    """hz is 红枣's initials; it is also 合作社's (a shop's name): the produce comes first."""
    # when
    page = _search(django_app, q="hz")
    # then
    assert set(_titles(page)[: _count_in("红枣")]) == _in_category("红枣")


def test_an_english_name_finds_the_product(django_app, county):
    # when
    page = _search(django_app, q="Red dates")
    # then: the two Linxian red dates of the CSV (Jishan's are "ban dates"), in all their packs
    linxian_dates = Product.objects.filter(title__startswith="临县红枣")
    assert set(_titles(page)) == set(linxian_dates.values_list("title", flat=True))
    assert len(_titles(page)) == linxian_dates.count() > 1


def test_a_shop_name_and_a_county_find_their_products(django_app, county):
    # given
    vendor = Vendor.objects.get(county="稷山县")
    # when
    by_shop = _search(django_app, q=vendor.name)
    by_county = _search(django_app, q="稷山")
    # then
    sold_there = set(Product.objects.filter(stockrecords__partner=vendor.partner).values_list("title", flat=True))
    assert set(_titles(by_shop)) == sold_there
    assert set(_titles(by_county)) == sold_there


def test_a_suspended_shops_and_a_delisted_product_are_never_found(django_app, county, admin_user):
    # given
    linxian = Vendor.objects.get(county="临县")
    delisted = Product.objects.get(title="稷山板枣")
    # when: suspended (its re-index task runs after the commit), delisted (saved: its task too)
    vendor_suspend(vendor=linxian, suspended_by=admin_user, reason="质量抽检不合格")
    delisted.is_public = False
    delisted.save()
    page = _search(django_app, q="枣")
    # then: the dates left are the other Jishan packs only
    assert set(_titles(page)) == _in_category("红枣") - {"稷山板枣"} - set(
        Product.objects.filter(stockrecords__partner=linxian.partner).values_list("title", flat=True)
    )
    assert not any(title.startswith("临县") for title in _titles(page))


def test_a_suspended_shop_is_hidden_before_its_reindex_has_run(django_app, county):
    """The query itself leaves out shops that are not approved (a re-index lost with the broker is no leak)."""
    # given: the status changes without the service (no re-index task)
    linxian = Vendor.objects.get(county="临县")
    Vendor.objects.filter(pk=linxian.pk).update(status=Vendor.Status.SUSPENDED)
    # when
    page = _search(django_app, q="临县")
    # then
    assert _titles(page) == []


def test_a_renamed_product_is_found_by_its_new_name_once_the_index_task_ran(
    django_app, county, django_capture_on_commit_callbacks
):
    # given
    product = Product.objects.get(title="稷山板枣")
    assert _titles(_search(django_app, q="骏枣")) == []
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        product.title = "稷山骏枣 新货"
        product.save()
    # then
    assert len(callbacks) == 1
    assert _titles(_search(django_app, q="骏枣")) == ["稷山骏枣 新货"]
    assert _titles(_search(django_app, q="jishan jun")) == ["稷山骏枣 新货"]
    assert "稷山骏枣 新货" not in _titles(_search(django_app, q="板枣"))


def _prices(page) -> list[Decimal]:
    return [
        Decimal(p.get_text(strip=True).lstrip("¥").replace(",", ""))
        for p in page.html.select(".product_pod .price_color")
    ]


def test_filters_by_category_and_price_and_sorts_by_price(django_app, county):
    # given
    dried_fruit = Category.objects.get(name="干果")
    # when
    gift_boxes = _search(django_app, q="礼盒装")
    in_dried_fruit = _search(django_app, q="礼盒装", category=dried_fruit.pk)
    cheap_first = _search(django_app, q="枣", sort_by="price-asc")
    dear_first = _search(django_app, q="枣", sort_by="price-desc")
    under_40 = _search(django_app, q="枣", price_max="40")
    # then
    dried_gift_boxes = Product.objects.filter(title__contains="礼盒", categories__in=dried_fruit.get_descendants())
    assert sorted(_titles(in_dried_fruit)) == sorted(dried_gift_boxes.values_list("title", flat=True))
    assert len(_titles(gift_boxes)) > len(_titles(in_dried_fruit)) > 0
    dates = Product.objects.filter(categories__name="红枣")
    assert len(_prices(cheap_first)) == dates.count()
    assert _prices(cheap_first) == sorted(_prices(cheap_first))
    assert _prices(dear_first) == sorted(_prices(cheap_first), reverse=True)
    assert all(price <= 40 for price in _prices(under_40))
    assert len(_prices(under_40)) == dates.filter(stockrecords__price__lte=40).count() > 0
    assert len(_prices(under_40)) < dates.count()


def test_the_matched_words_are_marked_in_the_titles(django_app, county):
    # when
    page = _search(django_app, q="hongzao")
    by_character = _search(django_app, q="枣")
    # then
    with_dates = [card for card in _cards(page) if "红枣" in card.attrs["title"]]
    assert with_dates
    assert all([mark.get_text() for mark in card.select("mark")] == ["红枣"] for card in with_dates)
    assert all(card.get_text().strip() == card.attrs["title"] for card in _cards(page))
    assert {mark.get_text() for card in _cards(by_character) for mark in card.select("mark")} == {"枣"}


@pytest.mark.parametrize(
    "query",
    [
        "红枣" * 2000,
        "<script>alert(1)</script>",
        "'; DROP TABLE catalogue_product; --",
        "红枣 OR 1=1) & !(",
        "🍎🍎🍎",
        "%_\\*:&|!()",
        "\u0000红枣",
        "",
    ],
)
def test_hostile_queries_get_a_clean_page(django_app, county, query):
    # when
    page = _search(django_app, q=query)
    # then
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert page.html.select_one("#search_nothing_found") or _titles(page)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "枣", "price_min": "abc"},
        {"q": "枣", "price_max": "1e999"},
        {"q": "枣", "category": "-1"},
        {"q": "枣", "category": "99999999999999"},
        {"q": "枣", "sort_by": "evil; DROP"},
        {"q": "枣", "selected_facets": "price:[* TO *]"},
    ],
)
def test_bad_filters_are_shown_as_errors_and_the_search_still_runs(django_app, county, params):
    # when
    page = _search(django_app, **params)
    # then
    assert page.status_code == 200
    assert set(_titles(page)) == _in_category("红枣")


def test_a_bad_price_says_so_in_chinese(django_app, county):
    # when
    page = _search(django_app, q="枣", price_min="abc")
    # then
    assert "最低价" in page.html.select_one(".search-filter-error").get_text()


@pytest.mark.parametrize("query", ["hongzhao", "红早", "hzz"])
def test_a_search_that_sounds_like_a_produce_shows_that_produce_and_says_so(django_app, county, query):
    """Misspelt pinyin, a character that sounds the same, initials mistyped: the closest produce at once."""
    # when
    page = _search(django_app, q=query)
    # then
    assert set(_titles(page)) == _in_category("红枣")
    notice = page.html.select_one("#search_corrected").get_text(strip=True)
    assert notice == f"没有找到与“{query}”相关的宝贝，已为您显示“红枣”的搜索结果。"
    assert page.html.select("article.product_pod h3 a mark")  # marked as a search for 红枣


def test_a_search_that_finds_nothing_suggests_popular_searches_and_categories(django_app, county):
    # when
    page = _search(django_app, q="qwerty")
    # then
    assert _titles(page) == []
    assert page.html.select_one("#search_corrected") is None
    popular = [a.get_text(strip=True) for a in page.html.select("#search_nothing_found .search-suggestions a")]
    chips = [a.get_text(strip=True) for a in page.html.select("#search_nothing_found .category-chips a")]
    assert {"红枣", "党参", "小米"} <= set(popular)
    assert "干果" in chips
    assert len(_titles(page.click(description="红枣", href="q=%E7%BA%A2%E6%9E%A3", index=0))) == _count_in("红枣")


def test_a_filter_that_leaves_nothing_offers_the_search_without_it(django_app, county):
    # when
    page = _search(django_app, q="枣", price_max="1")
    # then
    assert _titles(page) == []
    assert len(_titles(page.click(href="q=%E6%9E%A3$"))) == _count_in("红枣")
