"""Search-index updates lost with the broker are caught up by beat (reindex_recent_products_task).

A product's update is enqueued after its commit; in these tests (one transaction that never
commits) that task never runs, like one published to a dead broker. The periodic catch-up
re-indexes the products changed since its last successful run, and only those.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from haystack import connections
from haystack.query import SearchQuerySet
from oscar.test.factories import UserFactory

from shop.catalogue.models import Product
from shop.search.models import IndexWatermark
from shop.search.tasks import reindex_recent_products_task
from tests.factories import FarmProductFactory
from tests.factories.marketplace import make_order, make_product, make_vendor


@pytest.fixture
def empty_index():
    connections["default"].get_backend().clear()
    yield
    connections["default"].get_backend().clear()


def _found(words: str) -> list[str]:
    return [result.pk for result in SearchQuerySet().models(Product).auto_query(words)]


@pytest.mark.django_db
def test_the_catch_up_indexes_products_changed_since_its_last_run_and_no_others(empty_index):
    # given: millet last changed three days ago, before the last catch-up an hour ago ...
    millet = FarmProductFactory(title="沁州黄小米")
    Product.objects.filter(pk=millet.pk).update(date_updated=timezone.now() - timedelta(days=3))
    last_run = timezone.now() - timedelta(hours=1)
    IndexWatermark.objects.create(name="products", reached=last_run)
    # ... and dates saved now, whose index update was lost
    dates = FarmProductFactory(title="临县骏枣 新货")
    assert _found("骏枣") == []
    # when
    done = reindex_recent_products_task()
    # then: the dates are found; the millet was not re-indexed; the watermark moved on
    assert done == 1
    assert _found("骏枣") == [str(dates.pk)]
    assert _found("小米") == []
    assert IndexWatermark.objects.get(name="products").reached > last_run


@pytest.mark.django_db
def test_the_first_catch_up_looks_back_a_day(empty_index, settings):
    # given: no run yet; one product changed two days ago, one now
    settings.SEARCH_REINDEX_FIRST_LOOKBACK_SECONDS = 86400
    millet = FarmProductFactory(title="沁州黄小米")
    Product.objects.filter(pk=millet.pk).update(date_updated=timezone.now() - timedelta(days=2))
    dates = FarmProductFactory(title="临县骏枣 新货")
    # when
    done = reindex_recent_products_task()
    # then
    assert done == 1
    assert _found("骏枣") == [str(dates.pk)]
    assert IndexWatermark.objects.filter(name="products").exists()


@pytest.mark.django_db
def test_the_catch_up_refreshes_the_units_sold_of_products_ordered_since_its_last_run(empty_index, china):
    """Checkout does not re-index (it would slow every order): sorting by sales follows orders through beat."""
    # given: two shops' dates indexed with nothing sold; then the second is ordered three times
    first_shop, _ = make_vendor("临县王家庄合作社")
    second_shop, _ = make_vendor("稷山县东坡村家庭农场")
    first = make_product(first_shop, title="临县红枣 特级")
    second = make_product(second_shop, title="稷山板枣 特级")
    reindex_recent_products_task()
    IndexWatermark.objects.filter(name="products").update(reached=timezone.now() - timedelta(minutes=10))
    Product.objects.filter(pk__in=[first.pk, second.pk]).update(date_updated=timezone.now() - timedelta(days=1))
    make_order(UserFactory(), [(second, 3)], china=china)
    # when
    done = reindex_recent_products_task()
    # then
    by_sales = [r.pk for r in SearchQuerySet().models(Product).auto_query("枣").order_by("-sold")]
    assert done == 1
    assert by_sales == [str(second.pk), str(first.pk)]
