"""The embedded set-up's search (Whoosh + jieba, `make run` on SQLite) finds what PostgreSQL's does.

Both backends index the same terms (shop.search.terms); these tests run the shopper's queries of
test_search_chinese.py through the same page with Whoosh as the engine.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from haystack import connections

from shop.catalogue.models import Category, Product
from shop.search.suggestions import CACHE_KEY
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def whoosh_county(tmp_path, settings):
    saved = connections.connections_info
    settings.HAYSTACK_CONNECTIONS = {
        "default": {"ENGINE": "shop.search.backends.ChineseWhooshEngine", "PATH": str(tmp_path / "whoosh")}
    }
    connections.connections_info = settings.HAYSTACK_CONNECTIONS
    connections.reload("default")
    call_command("seed_demo", "--yes-demo-data", "--no-live-events", verbosity=0)
    cache.delete(CACHE_KEY)
    yield
    settings.HAYSTACK_CONNECTIONS = saved
    connections.connections_info = saved
    connections.reload("default")
    cache.delete(CACHE_KEY)


def _titles(page) -> list[str]:
    return [a.attrs["title"] for a in page.html.select("article.product_pod h3 a")]


def _in_category(name: str) -> list[str]:
    return sorted(Product.objects.filter(categories__name=name).values_list("title", flat=True))


def test_whoosh_finds_pinyin_initials_characters_english_shops_and_counties(django_app, whoosh_county):
    # given
    jishan = Vendor.objects.get(county="稷山县")
    jishan_products = sorted(
        Product.objects.filter(stockrecords__partner=jishan.partner).values_list("title", flat=True)
    )
    # when
    found = {
        q: sorted(_titles(django_app.get("/search/", params={"q": q}))) for q in ("hongzao", "hong zao", "hz", "枣")
    }
    found |= {q: sorted(_titles(django_app.get("/search/", params={"q": q}))) for q in ("xiaomi", "dangshen")}
    red_dates = sorted(_titles(django_app.get("/search/", params={"q": "Red dates"})))
    by_shop = sorted(_titles(django_app.get("/search/", params={"q": jishan.name})))
    # then
    assert found["hongzao"] == found["hong zao"] == found["hz"] == found["枣"] == _in_category("红枣")
    assert found["xiaomi"] == _in_category("小米")
    assert found["dangshen"] == _in_category("党参")
    assert red_dates == sorted(Product.objects.filter(title__startswith="临县红枣").values_list("title", flat=True))
    assert by_shop == jishan_products


def test_whoosh_filters_sorts_marks_and_suggests_like_postgresql(django_app, whoosh_county):
    # given
    dried_fruit = Category.objects.get(name="干果")
    # when
    in_dried_fruit = _titles(django_app.get("/search/", params={"q": "礼盒装", "category": dried_fruit.pk}))
    cheap_first = django_app.get("/search/", params={"q": "枣", "sort_by": "price-asc"})
    best_selling = django_app.get("/search/", params={"q": "枣", "sort_by": "sales"})
    misspelt = django_app.get("/search/", params={"q": "hongzhao"})
    # then
    expected = Product.objects.filter(title__contains="礼盒", categories__in=dried_fruit.get_descendants())
    assert sorted(in_dried_fruit) == sorted(expected.values_list("title", flat=True))
    prices = [p.get_text(strip=True) for p in cheap_first.html.select(".product_pod .price_color")]
    assert [float(p.lstrip("¥").replace(",", "")) for p in prices] == sorted(
        float(p.lstrip("¥").replace(",", "")) for p in prices
    )
    assert sorted(_titles(best_selling)) == _in_category("红枣")
    assert cheap_first.html.select_one(".product_pod h3 mark").get_text() == "枣"
    assert sorted(_titles(misspelt)) == _in_category("红枣")  # shown what it sounds like
    assert "“红枣”" in misspelt.html.select_one("#search_corrected").get_text()


def test_whoosh_never_shows_a_suspended_shops_products(django_app, whoosh_county):
    # given: the status changes without the service (its re-index task never runs)
    linxian = Vendor.objects.get(county="临县")
    Vendor.objects.filter(pk=linxian.pk).update(status=Vendor.Status.SUSPENDED)
    # when
    page = django_app.get("/search/", params={"q": "临县"})
    # then: the results are read through the storefront's rule again
    assert _titles(page) == []
