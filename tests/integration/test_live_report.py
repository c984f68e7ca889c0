"""The event report's figures (vendors.live.report): net of cancellations, per item, per shop, over time, and
a headline that reads like the news."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.factories.live_sales import make_buyer, make_event, make_item, snap_up
from tests.factories.marketplace import make_vendor
from vendors.fulfilment.services import order_part_cancel
from vendors.live.models import LiveEventStats
from vendors.live.report import cn_number, live_event_public_summary, live_event_report, live_headline
from vendors.models import OrderPart

_tap = snap_up


@pytest.fixture
def two_shops(china):
    """One event: shop A's 红枣 at 29.90 (3 buyers, 4 units), shop B's 党参 at 88.00 (1 buyer, 1 unit)."""
    event = make_event()
    shop_a, _user_a = make_vendor("临县王家庄村合作社")
    shop_b, _user_b = make_vendor("沁源县李家沟村家庭农场")
    dates = make_item(event, vendor=shop_a, title="临县红枣", price="39.90", live_price="29.90", limit=2)
    ginseng = make_item(event, vendor=shop_b, title="沁源党参", price="99.00", live_price="88.00")
    buyers = [make_buyer(china) for _n in range(3)]
    orders = [
        _tap(dates, buyers[0], quantity=2),
        _tap(dates, buyers[1]),
        _tap(dates, buyers[2]),
        _tap(ginseng, buyers[0]),
    ]
    return event, shop_a, shop_b, dates, ginseng, buyers, orders


def test_the_figures_per_item_per_shop_and_in_total(two_shops):
    # given
    event, shop_a, shop_b, dates, ginseng, buyers, _orders = two_shops
    LiveEventStats.objects.create(event=event, views=900, unique_viewers=400, flushed_at=event.starts_at)
    # when
    report = live_event_report(event=event)
    # then
    assert [(row.item, row.orders, row.units, row.buyers, row.sales) for row in report.items] == [
        (dates, 3, 4, 3, Decimal("119.60")),
        (ginseng, 1, 1, 1, Decimal("88.00")),
    ]
    assert [(row.vendor, row.sales) for row in report.shops] == [
        (shop_a, Decimal("119.60")),
        (shop_b, Decimal("88.00")),
    ]
    total = report.total
    assert (total.orders, total.units, total.buyers, total.sales) == (4, 5, 3, Decimal("207.60"))
    assert report.conversion == Decimal("0.8")  # 3 buyers / 400 viewers
    assert report.headline == "3 小时 · 400 人观看 · 售出 208 元"


def test_a_cancelled_shop_part_no_longer_counts(two_shops):
    # given
    event, _shop_a, _shop_b, dates, ginseng, buyers, orders = two_shops
    part = OrderPart.objects.get(order=orders[0], vendor=dates.vendor)
    # when
    order_part_cancel(part=part, cancelled_by=buyers[0])
    report = live_event_report(event=event)
    # then: buyer 0's 2 units of 红枣 are gone; buyer 0 still bought 党参
    total = report.total
    assert (total.orders, total.units, total.buyers, total.sales) == (3, 3, 3, Decimal("147.80"))
    assert {row.item: (row.orders, row.units, row.sales) for row in report.items} == {
        dates: (2, 2, Decimal("59.80")),
        ginseng: (1, 1, Decimal("88.00")),
    }
    cancelled = report.cancelled
    assert (cancelled.orders, cancelled.units, cancelled.sales) == (1, 2, Decimal("59.80"))


def test_a_shops_report_has_its_own_items_only(two_shops):
    # given
    event, _shop_a, shop_b, _dates, ginseng, _buyers, _orders = two_shops
    # when
    report = live_event_report(event=event, vendor=shop_b)
    # then
    assert [row.item for row in report.items] == [ginseng]
    assert [row.vendor for row in report.shops] == [shop_b]
    assert (report.total.orders, report.total.buyers, report.total.sales) == (1, 1, Decimal("88.00"))


def test_sales_over_time_in_five_minute_buckets_over_the_window(two_shops):
    # given: a 3-hour event that started 10 minutes ago, all snap-ups just now
    event, _shop_a, _shop_b, dates, ginseng, _buyers, _orders = two_shops
    # when
    report = live_event_report(event=event)
    # then: buckets up to now (live), the sales in the third bucket (minutes 10-15)
    series = report.sales_over_time
    assert report.bucket_minutes == 5
    origin = event.starts_at.replace(second=0, microsecond=0)
    assert [start for start, _sales in series] == [origin + timedelta(minutes=m) for m in (0, 5, 10)]
    assert series[2][1] == {dates.pk: Decimal("119.60"), ginseng.pk: Decimal("88.00")}
    assert series[0][1] == series[1][1] == {}


def test_the_public_summary_has_the_headline_and_totals_but_no_shop_money(two_shops):
    # given
    event, *_rest = two_shops
    # when
    summary = live_event_public_summary(event)
    # then
    assert summary["headline"] == "3 小时 · 售出 208 元"
    assert (summary["orders"], summary["units"], summary["buyers"], summary["sales"]) == (4, 5, 3, Decimal("207.60"))
    assert "shops" in summary and not any(isinstance(value, list) for value in summary.values())


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (9999, "9999"),
        (10000, "1 万"),
        (16000, "1.6 万"),
        (15960, "1.6 万"),
        (160000, "16 万"),
        (350000, "35 万"),
        (99_960_000, "9996 万"),
        (99_999_600, "1 亿"),
        (123_000_000, "1.2 亿"),
        (Decimal("9876.50"), "9877"),
    ],
)
def test_numbers_are_written_chinese_style(value, text):
    assert cn_number(value) == text


def test_the_headline_reads_like_the_news(db):
    # given
    event = make_event(hours=3)
    # when / then
    assert (
        live_headline(event=event, unique_viewers=350000, sales=Decimal("160000"), with_sales=True)
        == "3 小时 · 35 万人观看 · 售出 16 万元"
    )
    assert (
        live_headline(event=event, unique_viewers=3200, sales=Decimal("16000.40"), with_sales=True)
        == "3 小时 · 3200 人观看 · 售出 1.6 万元"
    )


def test_the_headline_of_a_short_show_in_minutes_and_half_hours(db):
    assert live_headline(event=_event_of(minutes=45), unique_viewers=None, sales=0, with_sales=False) == "45 分钟"
    assert live_headline(event=_event_of(minutes=150), unique_viewers=None, sales=0, with_sales=False) == "2.5 小时"


def _event_of(*, minutes):
    event = make_event()
    event.ends_at = event.starts_at + timedelta(minutes=minutes)
    return event
