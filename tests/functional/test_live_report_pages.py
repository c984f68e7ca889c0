"""The event report's pages: the admins' (staff only, CSV, charts) in the dashboard, a shop's in the seller
center (its own items only), the charts as SVG that no product title can inject markup into, and the
public summary's partial."""

from datetime import timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from oscar.test.factories import UserFactory

from tests.factories.live_sales import make_buyer, make_event, make_item, snap_up
from tests.factories.marketplace import make_vendor
from vendors.live.models import LiveEvent, LiveEventStats
from vendors.live.report import live_event_public_summary

EVIL_TITLE = '<script>alert("x")</script>红枣'


def _text(page, selector: str) -> str:
    return " ".join(page.html.select_one(selector).stripped_strings)


_tap = snap_up


@pytest.fixture
def event_of_two_shops(china):
    """Shop A sells 临县红枣 at 29.90 (2 snap-ups, 3 units); shop B sells 沁源党参 at 88.00 (1 snap-up)."""
    event = make_event()
    shop_a, user_a = make_vendor("临县王家庄村合作社")
    shop_b, user_b = make_vendor("沁源县李家沟村家庭农场")
    dates = make_item(event, vendor=shop_a, title="临县红枣", price="39.90", live_price="29.90", limit=2)
    ginseng = make_item(event, vendor=shop_b, title="沁源党参", price="99.00", live_price="88.00")
    _tap(dates, make_buyer(china), quantity=2)
    _tap(dates, make_buyer(china))
    _tap(ginseng, make_buyer(china))
    LiveEventStats.objects.create(event=event, views=1200, unique_viewers=350, flushed_at=event.starts_at)
    return event, shop_a, user_a, shop_b, user_b


def test_the_dashboard_report_is_for_staff_only(django_app, event_of_two_shops):
    # given
    event, _shop_a, user_a, _shop_b, _user_b = event_of_two_shops
    url = reverse("live_report:report", kwargs={"pk": event.pk})
    # when
    anonymous = django_app.get(url, expect_errors=True)
    anonymous_chart = django_app.get(reverse("live_report:sales-chart", kwargs={"pk": event.pk}), expect_errors=True)
    consumer = django_app.get(url, user=UserFactory(), expect_errors=True)
    vendor = django_app.get(url, user=user_a, expect_errors=True)
    csv = django_app.get(reverse("live_report:csv", kwargs={"pk": event.pk}), user=user_a, expect_errors=True)
    # then
    assert (anonymous.status_code, anonymous.headers["Location"].split("?")[0]) == (302, "/accounts/login/")
    assert (consumer.status_code, vendor.status_code, csv.status_code) == (403, 403, 403)
    assert anonymous_chart.status_code == 302


def test_the_dashboard_report_shows_the_headline_the_figures_and_the_flush_note(django_app, event_of_two_shops):
    # given
    event, *_rest = event_of_two_shops
    admin = UserFactory(is_staff=True)
    # when
    page = django_app.get(reverse("live_report:report", kwargs={"pk": event.pk}), user=admin)
    # then
    assert _text(page, "#live-report-headline") == "3 小时 · 350 人观看 · 售出 178 元"
    assert _text(page, "#figure-unique-viewers") == "350"
    assert _text(page, "#figure-views") == "1,200"
    assert _text(page, "#figure-sales") == "¥177.70"
    assert _text(page, "#figure-buyers") == "3"
    assert _text(page, "#figure-conversion") == "0.9%"
    assert "观看数据每分钟从缓存写入数据库，最近一分钟内的数据可能尚未计入" in page.text
    assert [row["data-vendor"] for row in page.html.select(".live-report-shop")] == [
        str(_rest[0].pk),
        str(_rest[2].pk),
    ]
    assert page.html.select_one("#sales-chart")["src"] == f"/dashboard/live-report/{event.pk}/report/sales.svg"


def test_the_dashboard_csv_has_one_row_per_item_and_the_total(django_app, event_of_two_shops):
    # given
    event, *_rest = event_of_two_shops
    # when
    response = django_app.get(reverse("live_report:csv", kwargs={"pk": event.pk}), user=UserFactory(is_staff=True))
    # then
    assert response.content_type == "text/csv"
    assert response.body.decode("utf-8").splitlines() == [
        "\ufeff商品,店铺,直播价,活动数量,订单,售出件数,下单人数,销售额（元）",
        "临县红枣,临县王家庄村合作社,29.90,100,2,3,2,89.70",
        "沁源党参,沁源县李家沟村家庭农场,88.00,100,1,1,1,88.00",
        "合计,,,,3,4,3,177.70",
    ]


def test_the_sales_chart_is_svg_with_chinese_labels_and_an_escaped_title(django_app, china):
    # given
    event = make_event()
    item = make_item(event, title=EVIL_TITLE, price="39.90", live_price="29.90")
    _tap(item, make_buyer(china))
    # when
    response = django_app.get(
        reverse("live_report:sales-chart", kwargs={"pk": event.pk}), user=UserFactory(is_staff=True)
    )
    # then
    assert response.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    root = ElementTree.fromstring(response.body)
    texts = {element.text for element in root.iter() if element.text}
    assert {"时间", "销售额（元）", "每 5 分钟销售额（元）"} <= texts
    assert any(text.startswith('<script>alert("x")') for text in texts)  # shown as text, not markup
    assert b"<script" not in response.body
    assert not [element for element in root.iter() if element.tag.endswith("script")]


def test_the_viewers_chart_is_svg(django_app, event_of_two_shops):
    # given
    event, *_rest = event_of_two_shops
    # when
    response = django_app.get(
        reverse("live_report:viewers-chart", kwargs={"pk": event.pk}), user=UserFactory(is_staff=True)
    )
    # then
    texts = {element.text for element in ElementTree.fromstring(response.body).iter() if element.text}
    assert {"每分钟观看人数", "观看人数", "时间"} <= texts


def test_a_shop_sees_only_its_own_items_figures(django_app, event_of_two_shops):
    # given
    event, _shop_a, user_a, _shop_b, _user_b = event_of_two_shops
    # when
    page = django_app.get(reverse("seller:live-report", kwargs={"event_pk": event.pk}), user=user_a)
    chart = django_app.get(reverse("seller:live-report-sales-chart", kwargs={"event_pk": event.pk}), user=user_a)
    # then
    assert _text(page, "#live-report-headline") == "3 小时 · 350 人观看 · 售出 90 元"
    assert _text(page, "#figure-sales") == "¥89.70"
    assert [row["data-item"] for row in page.html.select(".live-report-item")] == [
        str(event.items.get(product__title="临县红枣").pk)
    ]
    for other in ("沁源党参", "沁源县李家沟村家庭农场", "88.00", "177.70"):
        assert other not in page.text
        assert other not in chart.body.decode()


def test_an_event_without_the_shops_items_is_a_404(django_app, event_of_two_shops):
    # given: shop B's own event, none of shop A's items in it
    _event, shop_a, user_a, shop_b, _user_b = event_of_two_shops
    b_only = make_event()
    make_item(b_only, vendor=shop_b, title="沁源党参礼盒")
    # when
    answers = [
        django_app.get(reverse(name, kwargs={"event_pk": pk}), user=user_a, expect_errors=True).status_code
        for name in ("seller:live-report", "seller:live-report-sales-chart", "seller:live-report-viewers-chart")
        for pk in (b_only.pk, 999999)
    ]
    # then
    assert answers == [404] * 6


def test_the_public_summary_partial(event_of_two_shops):
    # given
    event, *_rest = event_of_two_shops
    # when
    html = render_to_string("vendors/live/partials/report_summary.html", {"summary": live_event_public_summary(event)})
    # then
    assert "3 小时 · 350 人观看 · 售出 178 元" in html
    assert "¥177.70" in html
    assert "临县王家庄村合作社" not in html and "¥88.00" not in html
    assert Decimal(live_event_public_summary(event)["sales"]) == Decimal("177.70")


def test_an_upcoming_draft_without_items_or_viewers_reports_dashes_not_a_500(django_app, db):
    # given
    event = make_event(starts_in=timedelta(days=2), status=LiveEvent.Status.DRAFT)
    admin = UserFactory(is_staff=True)
    # when
    page = django_app.get(reverse("live_report:report", kwargs={"pk": event.pk}), user=admin)
    charts = [
        django_app.get(reverse(name, kwargs={"pk": event.pk}) + size, user=admin)
        for name in ("live_report:sales-chart", "live_report:viewers-chart")
        for size in ("", "?size=phone", "?size=<b>")
    ]
    missing = django_app.get(reverse("live_report:report", kwargs={"pk": 999999}), user=admin, expect_errors=True)
    # then
    assert _text(page, "#live-report-headline") == "3 小时 · 售出 0 元"
    assert (_text(page, "#figure-unique-viewers"), _text(page, "#figure-conversion")) == ("—", "—")
    assert page.html.select_one("#no-viewer-data") is not None
    assert [ElementTree.fromstring(chart.body).tag for chart in charts] == ["{http://www.w3.org/2000/svg}svg"] * 6
    assert missing.status_code == 404
