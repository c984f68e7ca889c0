"""Live sales on a phone (390x844, Chromium): the host switches the item on stage with big buttons, a farmer
requests a live stream. Signed in through a session cookie made in the test (no login form in between).

Set LIVE_SCREENSHOT_DIR to keep a screenshot of each page (for looking at them, not for asserting).
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from oscar.test.factories import UserFactory
from playwright.sync_api import expect

from tests.factories.live_sales import make_event, make_item
from tests.factories.marketplace import make_vendor
from vendors.live.models import LiveEvent

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback")]

MIN_TOUCH = 48  # px: a thumb's tap target


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("LIVE_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"live-admin-{name}.png"), full_page=True)


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_host_puts_an_item_on_stage_from_a_phone(page, live_server):
    # given
    event = make_event()
    make_item(event, title="临县红枣 特级 500g 礼盒装 产地直发", live_price="29.90", quantity=100)
    codonopsis = make_item(event, title="沁源党参", price="88.00", live_price="68.00", quantity=20)
    make_item(event, title="临县小米 新米 2.5kg", price="39.00", live_price="25.00", quantity=50)
    host = UserFactory(username="zhubo", is_staff=True)
    _sign_in(page, live_server, host)
    page.goto(f"{live_server.url}/dashboard/live/{event.pk}/stage/")
    # when
    page.get_by_role("button", name="沁源党参").click()
    # then
    expect(page.locator("#on_stage_now")).to_have_text("正在讲解：沁源党参")
    expect(page.locator("button.stage-item.on")).to_contain_text("讲解中")
    assert LiveEvent.objects.get(pk=event.pk).on_stage_id == codonopsis.pk
    heights = [box["height"] for box in (b.bounding_box() for b in page.locator("#stage_form button").all())]
    assert len(heights) == 4 and min(heights) >= MIN_TOUCH
    assert _fits_the_phone(page)
    _screenshot(page, "stage")
    # and when the presentation is over
    page.get_by_role("button", name="下台（不展示商品）").click()
    expect(page.locator("#on_stage_now")).to_have_text("现在没有讲解商品。开始讲哪个，就点哪个。")
    assert LiveEvent.objects.get(pk=event.pk).on_stage_id is None


def test_a_farmer_requests_a_live_stream_from_her_phone(page, live_server):
    # given
    vendor, user = make_vendor("临县王家庄村农民专业合作社")
    _sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/seller/")
    page.get_by_role("link", name="直播带货").first.click()
    page.get_by_role("link", name="申请直播").click()
    _screenshot(page, "proposal-form")
    # when
    page.get_by_label("直播标题").fill("王家庄红枣丰收直播")
    page.get_by_label("开始时间").fill("2026-12-20T19:00")
    page.get_by_label("结束时间").fill("2026-12-20T18:00")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".invalid-feedback")).to_have_text("结束时间必须晚于开始时间。")
    _screenshot(page, "proposal-form-error")
    page.get_by_label("结束时间").fill("2026-12-20T20:30")
    page.get_by_role("button", name="提交申请").click()
    # then
    expect(page.locator("#live-status")).to_have_text("待审核")
    assert _fits_the_phone(page)
    _screenshot(page, "proposal-sent")
    event = LiveEvent.objects.get()
    assert (event.proposed_by, event.status, event.ends_at - event.starts_at) == (
        vendor,
        "draft",
        timedelta(minutes=90),
    )
    assert page.get_by_role("button", name="提交申请").count() == 0
