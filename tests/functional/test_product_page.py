"""The product page: facts a buyer needs, no write per view, no recently-viewed cookie."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.apps.analytics.models import ProductRecord
from oscar.apps.customer.models import ProductAlert
from oscar.test.factories import UserFactory

from shop.catalogue.models import Product
from tests.factories import FarmProductFactory


@pytest.fixture
def red_dates(db):
    call_command("seed_demo", "--yes-demo-data", "--no-index", "--no-live-events")
    return Product.objects.get(upc="VM-LINXIAN-00-0")


def test_product_page_shows_price_stock_and_origin(django_app, red_dates):
    # when
    page = django_app.get(red_dates.get_absolute_url())
    # then
    origin = [li.get_text(" ", strip=True) for li in page.html.select("#product_origin li")]
    certified = red_dates.attribute_values.filter(attribute__code="certifications").first()
    options = [option.option for option in certified.value_multi_option.all()] if certified else []
    certifications = " ".join(["地理标志产品", *options])
    assert origin == [
        "产地: 山西省 吕梁市 临县 东坡村",
        "净含量: 1kg",
        f"采收日期: {red_dates.attr.harvest_date:%Y-%m-%d}",
        f"认证: {certifications}",
    ]
    assert red_dates.attr.harvest_date.month == 9  # the CSV's season: 9-10月
    assert page.html.select_one("#product_shipping").get_text(" ", strip=True) == "运费 ¥8.00，满¥99.00包邮"
    assert len(page.html.select("#product_gallery .product-gallery-slide img")) == 3
    assert page.html.select_one("#product_gallery_count").get_text(strip=True) == "1/3"
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


def test_the_shipping_line_shows_the_shops_own_fee_or_free_shipping(django_app, red_dates):
    # given: the shop ships free
    vendor = red_dates.stockrecords.get().partner.vendor
    vendor.shipping_fee = Decimal("0")
    vendor.save()
    # when
    free = django_app.get(red_dates.get_absolute_url())
    vendor.shipping_fee, vendor.free_shipping_from = Decimal("12.50"), Decimal("150")
    vendor.save()
    charged = django_app.get(red_dates.get_absolute_url())
    # then
    assert free.html.select_one("#product_shipping").get_text(" ", strip=True) == "运费 包邮"
    assert charged.html.select_one("#product_shipping").get_text(" ", strip=True) == "运费 ¥12.50，满¥150.00包邮"


def test_a_product_without_origin_facts_shows_no_origin_block(django_app, db, china):
    # given
    product = FarmProductFactory(attributes={})
    # when
    page = django_app.get(product.get_absolute_url())
    # then
    assert page.html.select("#product_origin") == []
    assert len(page.html.select("#product_gallery .product-gallery-slide")) == 1
    assert page.html.select("#product_gallery_count") == []


def test_a_signed_in_buyers_header_counts_her_units_by_one_sum_without_loading_or_pricing_her_basket(
    django_app, red_dates
):
    # given: a signed-in buyer with three boxes of red dates in her basket
    buyer = UserFactory()
    page = django_app.get(red_dates.get_absolute_url(), user=buyer)
    page.forms["add_to_basket_form"]["quantity"] = 3
    page.forms["add_to_basket_form"].submit().follow()
    # when
    with CaptureQueriesContext(connection) as queries:
        page = django_app.get(red_dates.get_absolute_url(), user=buyer)
    # (read now: the next request empties the connection's log the capture reads from)
    line_queries = [q["sql"] for q in queries if "basket_line" in q["sql"]]
    tables = " ".join(q["sql"] for q in queries)
    # then: her header says 3, from one sum over her lines; no line loaded with its product, no offer looked up
    assert page.html.select_one("#header_basket_count").text == "3"
    assert len(line_queries) == 1 and "SUM" in line_queries[0] and "catalogue_product" not in line_queries[0]
    assert "offer_conditionaloffer" not in tables


def test_what_a_guest_put_in_her_basket_is_counted_in_her_header_once_she_signs_in(django_app, red_dates):
    # given: a guest puts two boxes in her basket (kept by its cookie), then signs in
    buyer = UserFactory()
    page = django_app.get(red_dates.get_absolute_url())
    page.forms["add_to_basket_form"]["quantity"] = 2
    page.forms["add_to_basket_form"].submit().follow()
    # when: her first page signed in (her guest basket is merged into hers), and the next
    first = django_app.get(red_dates.get_absolute_url(), user=buyer)
    later = django_app.get(red_dates.get_absolute_url(), user=buyer)
    visitor = django_app.get("/visitor.json", user=buyer)
    # then
    assert first.html.select_one("#header_basket_count").text == "2"
    assert later.html.select_one("#header_basket_count").text == "2"
    assert visitor.json["basket"]["count"] == 2


def test_a_signed_in_buyers_empty_basket_is_known_empty_without_loading_its_lines_and_shows_them_once_filled(
    django_app, red_dates
):
    # given: a signed-in buyer (Oscar opened an empty basket for her on her first look at it)
    buyer = UserFactory()
    django_app.get("/basket/", user=buyer)
    # when
    with CaptureQueriesContext(connection) as empty:
        django_app.get("/basket/", user=buyer)
    # (read now: the next request empties the connection's log the capture reads from)
    line_queries = [q["sql"] for q in empty if "basket_line" in q["sql"] and "catalogue_product" in q["sql"]]
    exists = [q["sql"] for q in empty if "basket_line" in q["sql"] and "LIMIT 1" in q["sql"]]
    django_app.get(red_dates.get_absolute_url(), user=buyer).forms["add_to_basket_form"].submit().follow()
    basket = django_app.get("/basket/", user=buyer)
    # then: one small question about her lines, not the query that loads them with their products and shops
    assert exists and line_queries == []
    assert red_dates.title in basket.text


def test_a_signed_in_buyer_is_asked_about_stock_alerts_and_notifications_only_where_the_page_shows_them(
    django_app, red_dates
):
    # given: a signed-in buyer with a back-in-stock alert for the red dates
    buyer = UserFactory()
    ProductAlert.objects.create(product=red_dates, user=buyer, status=ProductAlert.ACTIVE)
    django_app.get(red_dates.get_absolute_url(), user=buyer)
    # when: the product can be bought, then it cannot
    with CaptureQueriesContext(connection) as queries:
        in_stock = django_app.get(red_dates.get_absolute_url(), user=buyer)
    # (read now: the next request empties the connection's log the capture reads from)
    tables = " ".join(q["sql"] for q in queries)
    red_dates.stockrecords.update(num_in_stock=0)
    sold_out = django_app.get(red_dates.get_absolute_url(), user=buyer)
    # then: no question about alerts (nor about notifications, which no page shows) while it can be bought;
    # her alert is told once it cannot
    assert "catalogue_product" in tables
    assert "customer_productalert" not in tables and "communication_notification" not in tables
    assert in_stock.html.select_one("#add_to_basket_form") is not None
    assert "您已订阅这件商品的到货提醒，到货后我们会通知您。" in sold_out.text
