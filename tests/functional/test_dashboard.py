"""Admins run the store from Oscar's dashboard, in Chinese."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.fixture
def admin_user(db):
    call_command("seed_demo", "--yes-demo-data", "--no-index", "--no-live-events")
    return get_user_model().objects.get(username="admin")


@pytest.mark.parametrize(
    "url, title",
    [
        ("/dashboard/", "管理后台"),
        ("/dashboard/catalogue/", "商品"),
        ("/dashboard/catalogue/categories/", "商品分类"),
        ("/dashboard/orders/", "订单"),
        ("/dashboard/offers/", "特卖"),
        ("/dashboard/partners/", "供应商"),
    ],
)
def test_dashboard_pages_are_in_chinese(django_app, admin_user, url, title):
    # when
    page = django_app.get(url, user=admin_user)
    # then
    assert page.status_code == 200
    assert page.html.title.text.split("|")[0].strip() == title


@pytest.mark.parametrize("sort", ["checkbox", "image", "variants", "nonsense", "-checkbox"])
def test_sorting_the_product_list_by_any_column_is_not_an_error(django_app, admin_user, sort):
    # when
    page = django_app.get("/dashboard/catalogue/", params={"sort": sort}, user=admin_user)
    # then
    assert page.status_code == 200
    assert len(page.html.select("table tbody tr")) == 20
