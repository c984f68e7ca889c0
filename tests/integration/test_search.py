"""Chinese search through Haystack (Whoosh + jieba), kept current through Celery after commit."""

import pytest
from django.core.management import call_command
from haystack import connections
from haystack.query import SearchQuerySet

from shop.catalogue.models import Product


@pytest.fixture
def empty_index():
    connections["default"].get_backend().clear()
    yield
    connections["default"].get_backend().clear()


def _titles(page) -> list[str]:
    return [a.attrs["title"] for a in page.html.select("article.product_pod h3 a")]


@pytest.mark.django_db
def test_searching_in_chinese_finds_the_products(django_app, empty_index):
    # given
    call_command("seed_demo", "--yes-demo-data", "--no-live-events")
    # when
    dates = django_app.get("/search/", params={"q": "红枣"})
    codonopsis = django_app.get("/search/", params={"q": "党参"})
    nothing = django_app.get("/search/", params={"q": "榴莲"})
    # then
    assert sorted(_titles(dates)) == sorted(
        Product.objects.filter(categories__name="红枣").values_list("title", flat=True)
    )
    assert "稷山板枣" in _titles(dates)  # found through its category, not its title
    assert len(_titles(dates)) == 8
    assert sorted(_titles(codonopsis)) == sorted(
        Product.objects.filter(title__contains="党参").values_list("title", flat=True)
    )
    assert _titles(nothing) == []
    assert nothing.status_code == 200


@pytest.mark.django_db
def test_product_changes_reach_the_index_after_commit(empty_index, django_capture_on_commit_callbacks):
    # given
    call_command("seed_demo", "--yes-demo-data", "--no-index", "--no-live-events")
    product = Product.objects.get(upc="VM-LINXIAN-00-0")
    # when: renamed, then hidden
    with django_capture_on_commit_callbacks(execute=True):
        product.title = "临县骏枣 新货"
        product.save()
    renamed = [r.pk for r in SearchQuerySet().models(Product).auto_query("骏枣")]
    with django_capture_on_commit_callbacks(execute=True):
        product.is_public = False
        product.save()
    hidden = [r.pk for r in SearchQuerySet().models(Product).auto_query("骏枣")]
    # then
    assert renamed == [str(product.pk)]
    assert hidden == []


@pytest.mark.django_db
def test_nothing_is_indexed_when_the_transaction_rolls_back(empty_index, django_capture_on_commit_callbacks):
    # given
    call_command("seed_demo", "--yes-demo-data", "--no-index", "--no-live-events")
    product = Product.objects.get(upc="VM-LINXIAN-00-0")
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        product.title = "临县骏枣 新货"
        product.save()
    # then: the index task waits for the commit, which never came
    assert len(callbacks) == 1
    assert list(SearchQuerySet().models(Product).auto_query("骏枣")) == []


@pytest.mark.postgres
@pytest.mark.redis
def test_a_real_worker_keeps_the_index_current(celery_worker_process, empty_index):
    # given
    import time

    call_command("seed_demo", "--yes-demo-data", "--no-index", "--no-live-events")
    product = Product.objects.get(upc="VM-LINXIAN-00-0")
    # when: the save commits (transactional test), the task goes through Redis to the worker
    product.title = "临县骏枣 新货"
    product.save()
    # then
    deadline = time.monotonic() + 20
    found = []
    while not found and time.monotonic() < deadline:
        found = [r.pk for r in SearchQuerySet().models(Product).auto_query("骏枣")]
        time.sleep(0.2)
    assert found == [str(product.pk)], celery_worker_process.log_path.read_text()
    assert "update_product_index_task" in celery_worker_process.log_path.read_text()


@pytest.mark.django_db
def test_a_search_that_finds_nothing_offers_categories_and_searches_to_try(django_app, empty_index):
    # given
    call_command("seed_demo", "--yes-demo-data", "--no-live-events")
    # when
    nothing = django_app.get("/search/", params={"q": "榴莲"})
    suggestion = nothing.click(description="红枣", href="q=")
    # then
    offered = nothing.html.select_one("#search_nothing_found")
    chips = [a.get_text(strip=True) for a in offered.select(".category-chips a")]
    searches = [a.get_text(strip=True) for a in offered.select(".search-suggestions a")]
    assert "干果" in chips
    assert {"红枣", "党参"} <= set(searches)
    assert len(_titles(suggestion)) == 8
