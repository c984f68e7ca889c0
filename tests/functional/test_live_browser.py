"""A live sale on a phone, in Chromium against the live server: the countdown ticks, what is left drops when
others buy, a sold-out item closes, and the host's on-stage switch shows, all without reloading the page.

Sales are made through the service in the test process (other buyers, other sessions); the page learns of
them from its status poll (every 3 s, the status cached a second). Fixtures are in conftest.py.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.factories import ChinaFactory
from tests.factories.live_sales import make_buyer, make_event, make_item, snap_up
from vendors.live.models import LiveEvent
from vendors.live.services import live_item_put_on_stage

POLL_WAIT_MS = 5_000  # a poll every 3 s, a status at most a second old
SCREENSHOTS = "/tmp/live-pages-{name}.png"


@pytest.fixture
def china(transactional_db, django_db_serialized_rollback, live_server):
    return ChinaFactory()


def tap(item, user, quantity=1):
    return snap_up(item, user, quantity=quantity)


def listed(page, item):
    return page.locator(f'#live_items [data-item-id="{item.pk}"]')


@pytest.mark.browser
def test_the_countdown_ticks_on_the_list_and_on_an_upcoming_event(china, live_server, page):
    # given: an event live now, one starting in a little over three hours, one past
    live = make_item(make_event(), title="临县红枣 特级").event
    upcoming = make_event(starts_in=timedelta(hours=3, minutes=12, seconds=8))
    LiveEvent.objects.filter(pk=upcoming.pk).update(title="沁源党参专场：县长带你上太岳山")
    make_item(upcoming, title="沁源党参 一级")
    past = make_event(starts_in=timedelta(days=-2))
    LiveEvent.objects.filter(pk=past.pk).update(title="临县小米专场", replay_url="https://v.douyin.com/replay/")
    # when
    page.goto(f"{live_server.url}/live/")
    # then
    countdown = page.locator("#live_upcoming .live-countdown")
    expect(countdown).to_have_text(re.compile(r"^距开播 03:1[12]:\d\d$"))
    first = countdown.inner_text()
    expect(countdown).not_to_have_text(first, timeout=2_500)
    expect(page.locator("#live_now .live-title")).to_have_text([live.title])
    page.screenshot(path=SCREENSHOTS.format(name="list"))
    page.screenshot(path=SCREENSHOTS.format(name="list-full"), full_page=True)
    # and on the event's own page, whose buttons wait for the start
    page.goto(f"{live_server.url}/live/{upcoming.slug}/")
    expect(page.locator("#live_event .live-countdown")).to_have_text(re.compile(r"^距开播 03:1[12]:\d\d$"))
    expect(page.locator("#live_items .live-snap")).to_have_text(["即将开抢"])
    expect(page.locator("#live_items .live-snap")).to_be_disabled()
    page.screenshot(path=SCREENSHOTS.format(name="upcoming"))


@pytest.mark.browser
def test_the_event_page_follows_sales_and_the_stage_without_reloading(china, live_server, page):
    # given: a live event with two items, the first on stage
    event = make_event()
    dates = make_item(event, title="临县红枣 特级 500g×2袋", price="39.90", live_price="29.90", quantity=5, limit=2)
    millet = make_item(event, title="临县小米 新米 2.5kg", price="45.00", live_price="32.80", quantity=30, limit=3)
    live_item_put_on_stage(event=event, item=dates)
    page.goto(f"{live_server.url}/live/{event.slug}/")
    expect(page.locator("#live_on_stage .live-item-title")).to_have_text(["临县红枣 特级 500g×2袋"])
    expect(listed(page, dates).locator(".live-remaining")).to_have_text("剩余 5 件")
    page.screenshot(path=SCREENSHOTS.format(name="event"))
    page.screenshot(path=SCREENSHOTS.format(name="event-full"), full_page=True)
    # when: another buyer takes one
    tap(dates, make_buyer(china))
    # then
    expect(listed(page, dates).locator(".live-remaining")).to_have_text("剩余 4 件", timeout=POLL_WAIT_MS)
    expect(page.locator(f'#live_on_stage [data-item-id="{dates.pk}"] .live-remaining')).to_have_text("剩余 4 件")
    # when: the rest goes
    tap(dates, make_buyer(china), quantity=2)
    tap(dates, make_buyer(china), quantity=2)
    # then
    expect(listed(page, dates).locator(".live-remaining")).to_have_text("已抢光", timeout=POLL_WAIT_MS)
    expect(listed(page, dates).locator(".live-snap")).to_have_text("已抢光")
    expect(listed(page, dates).locator(".live-snap")).to_be_disabled()
    expect(listed(page, millet).locator(".live-snap")).to_be_enabled()
    # when: the host presents the millet
    live_item_put_on_stage(event=event, item=millet)
    # then
    expect(page.locator("#live_on_stage .live-item-title")).to_have_text(["临县小米 新米 2.5kg"], timeout=POLL_WAIT_MS)
    expect(listed(page, millet)).to_have_class(re.compile(r"\bon-stage\b"))
    expect(listed(page, dates)).not_to_have_class(re.compile(r"\bon-stage\b"))
    expect(page.locator("#live_on_stage .live-stage-badge")).to_have_text("讲解中")
    page.screenshot(path=SCREENSHOTS.format(name="event-switched"))
