"""The product page: facts a buyer needs, no write per view, no recently-viewed cookie."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.apps.analytics.models import ProductRecord

from shop.catalogue.models import Product


@pytest.fixture
def red_dates(db):
    call_command("seed_demo", "--yes-demo-data", "--no-index", "--no-live-events")
    return Product.objects.get(upc="VM-LINXIAN-00-0")


def test_product_page_shows_price_stock_and_origin(django_app, red_dates):
    # when
    page = django_app.get(red_dates.get_absolute_url())
    # then
    origin = page.html.select_one("#product_origin").get_text(" ", strip=True)
    assert "产地: 山西省 吕梁市 临县 " in origin
    assert "净含量: 1kg" in origin
    assert "采收季节: 9-10月" in origin
    price = red_dates.stockrecords.get().price
    assert page.html.select_one(".product_main .price_color").text.strip() == f"¥{price:,.2f}"
    stock = red_dates.stockrecords.get().num_in_stock
    assert page.html.select_one(".product_main .availability").get_text(strip=True) == f"库存 {stock} 件"
    info = {
        th.text.strip(): td.text.strip()
        for th, td in ((row.find("th"), row.find("td")) for row in page.html.select("table.table tr"))
    }
    assert info["保质期（天）"] == "365"
    assert info["储存方式"] == "阴凉干燥处密封保存"
    assert "税" not in "".join(info)  # prices include tax: no tax rows


def test_viewing_a_product_writes_nothing_and_sets_no_history_cookie(django_app, red_dates):
    # given
    django_app.get(red_dates.get_absolute_url())
    # when
    with CaptureQueriesContext(connection) as queries:
        page = django_app.get(red_dates.get_absolute_url())
    # then
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))]
    assert writes == []
    assert "oscar_history" not in page.headers.get("Set-Cookie", "")
    assert ProductRecord.objects.filter(product=red_dates).count() == 0


def test_pages_carry_a_content_security_policy(django_app, red_dates):
    # when
    page = django_app.get(red_dates.get_absolute_url())
    # then
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
