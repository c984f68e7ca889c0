"""The admins' event report in Chromium, with a realistic event: a 3-hour show that ended half an hour ago,
a few thousand views over its minutes, a few hundred snap-ups of four shops (some cancelled).

The page loads its two charts (SVG served by us), the headline reads like the news, and nothing overflows a
phone's width. Screenshots at 390x844 and 1280x900 go to test-artifacts/ (or VM_SCREENSHOT_DIR).
"""

import os
import random
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from oscar.test.factories import UserFactory
from playwright.sync_api import expect

from tests.factories import ChinaFactory
from tests.factories.live_sales import make_buyer, make_event, make_item, snap_up
from tests.factories.marketplace import make_vendor
from vendors.fulfilment.services import order_part_cancel
from vendors.live.counters import live_event_counters_flush, live_view_record, live_visitor_key
from vendors.live.models import LiveOrder
from vendors.models import OrderPart

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

SHOPS = {
    "临县王家庄村农民专业合作社": [("临县红枣 特级 500g", "39.90", "29.90"), ("临县红枣夹核桃 礼盒", "88.00", "68.00")],
    "沁源县李家沟村家庭农场": [("沁源党参 野生 250g", "128.00", "99.00")],
    "沁县沁州黄小米合作社": [
        ("沁州黄小米 5斤装", "59.90", "45.00"),
        ("<script>alert(1)</script>小米锅巴", "19.90", "9.90"),
    ],
    "岚县土豆种植户张秀英": [("岚县土豆 10斤", "29.90", "19.90")],
}


def _realistic_event(china):
    rng = random.Random(2026)
    event = make_event(starts_in=timedelta(hours=-3, minutes=-30), hours=3)
    items = []
    for shop_name, products in SHOPS.items():
        vendor, _user = make_vendor(shop_name)
        for title, price, live_price in products:
            items.append(
                make_item(
                    event, vendor=vendor, title=title, price=price, live_price=live_price, stock=900, quantity=400
                )
            )
    # Views: a crowd that builds up, peaks an hour in (the host's 红枣 segment), and thins out.
    visitors = 0
    for minute in range(180):
        crowd = int(20 + 70 * max(0.0, 1 - abs(minute - 60) / 70) + rng.randint(0, 12))
        for _n in range(crowd):
            visitor = rng.randint(0, visitors + crowd)
            visitors = max(visitors, visitor)
            live_view_record(
                event_id=event.pk,
                visitor_key=live_visitor_key(ip=f"10.{visitor // 65536}.{visitor // 256 % 256}.{visitor % 256}"),
                now=event.starts_at + timedelta(minutes=minute, seconds=rng.randint(0, 59)),
            )
    # Snap-ups: bursts when an item is on stage.
    buyers = [make_buyer(china) for _n in range(80)]
    for n in range(100):
        item = items[rng.choices(range(len(items)), weights=[5, 2, 3, 4, 1, 3])[0]]
        at = event.starts_at + timedelta(minutes=min(179, int(rng.triangular(0, 180, 60))), seconds=rng.randint(0, 59))
        buyer = buyers[n % len(buyers)]
        try:
            order = snap_up(item, buyer, now=at)
        except Exception:  # over the buyer's limit: the next tap
            continue
        LiveOrder.objects.filter(order=order).update(created_at=at)
    for snapup in LiveOrder.objects.select_related("order", "item")[:5]:
        order_part_cancel(part=OrderPart.objects.get(order=snapup.order, vendor=snapup.item.vendor), cancelled_by=None)
    live_event_counters_flush(event=event, now=event.ends_at + timedelta(minutes=5))
    return event


def _signed_in_as_staff(page, live_server_url: str) -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server_url,
            }
        ]
    )


def test_the_admins_report_of_a_busy_event(transactional_db, django_db_serialized_rollback, live_server, browser):
    # given
    event = _realistic_event(ChinaFactory())
    out = Path(os.environ.get("VM_SCREENSHOT_DIR", settings.BASE_DIR / "test-artifacts"))
    out.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1280, 900)):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        page = context.new_page()
        try:
            _signed_in_as_staff(page, live_server.url)
            # when
            page.goto(f"{live_server.url}/dashboard/live-report/{event.pk}/report/")
            # then
            expect(page.locator("#live-report-headline")).to_contain_text("3 小时 · ")
            expect(page.locator("#flush-note")).to_contain_text("观看数据每分钟从缓存写入数据库")
            for chart in ("#sales-chart", "#viewers-chart"):
                page.wait_for_function(f"document.querySelector('{chart}').naturalWidth > 0")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(out / f"live-report-{width}x{height}.png"), full_page=True)
        finally:
            context.close()
