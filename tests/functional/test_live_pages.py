"""The buyer's side of a live sale: the list of events, an event's page in each state, the status it polls,
抢购 and each of its answers, and the product page's pointer to the live room."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.apps.address.models import UserAddress
from oscar.test.factories import UserFactory

from shop.order.models import Order
from shop.partner.models import StockRecord
from tests.factories import CHECKOUT_ADDRESS
from tests.factories.live_sales import make_buyer, make_event, make_item, snap_up
from tests.factories.pages import fill_address
from vendors.fulfilment.services import order_part_cancel
from vendors.live import selectors
from vendors.live.models import LiveEvent, LiveItem
from vendors.live.placing import live_reservations_place
from vendors.live.services import live_item_put_on_stage
from vendors.models import OrderPart
from vendors.web.live.streams import stream_platform


def tap(item, user):
    return snap_up(item, user)


def texts(page, selector: str) -> list[str]:
    return [" ".join(node.get_text(" ", strip=True).split()) for node in page.html.select(selector)]


def alerts(page) -> list[str]:
    return texts(page, "#messages .alertinner")


def cards(page, section: str = "#live_items") -> list[dict]:
    return [
        {
            "title": card.select_one(".live-item-title").text,
            "price": card.select_one(".live-price").text.strip(),
            "normal": card.select_one(".live-normal-price").text.strip(),
            "left": card.select_one(".live-remaining").text.strip(),
            "limit": card.select_one(".live-limit").text.strip(),
            "button": card.select_one("button.live-snap").text.strip(),
            "disabled": card.select_one("button.live-snap").has_attr("disabled"),
            "on_stage": "on-stage" in card["class"],
        }
        for card in page.html.select(f"{section} .live-item")
    ]


def snap_form(page, item):
    return next(f for f in page.forms.values() if f.action.endswith(f"/items/{item.pk}/snap/"))


def move_to_the_past(event):
    LiveEvent.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=3)
    )


@pytest.fixture
def live_item(china):
    return make_item(make_event(), title="临县红枣 特级", price="39.90", live_price="29.90", quantity=100, limit=2)


# The list of events


def test_the_list_shows_live_events_first_then_upcoming_then_past_with_figures_net_of_cancelled_parts(
    django_app, china
):
    # given
    live = make_event()
    upcoming = make_event(starts_in=timedelta(hours=3, minutes=12))
    LiveEvent.objects.filter(pk=upcoming.pk).update(title="沁源党参专场")
    past = make_event(starts_in=timedelta(minutes=-5))
    item = make_item(past, live_price="29.90", limit=5)
    kept, cancelled = tap(item, make_buyer(china)), tap(item, make_buyer(china))
    order_part_cancel(part=OrderPart.objects.get(order=cancelled), cancelled_by=None)
    move_to_the_past(past)
    LiveEvent.objects.filter(pk=past.pk).update(title="往期：临县小米专场", replay_url="https://v.douyin.com/replay1/")
    make_event(status=LiveEvent.Status.DRAFT)
    # when
    page = django_app.get("/live/")
    # then
    assert texts(page, "#live_now .live-title") == [live.title]
    assert texts(page, "#live_now .live-badge") == ["直播中"]
    assert texts(page, "#live_now .live-host") == ["临县县长 张某 · 临县"]
    assert texts(page, "#live_upcoming .live-title") == ["沁源党参专场"]
    starts = timezone.localtime(upcoming.starts_at)
    assert texts(page, "#live_upcoming .live-countdown") == [f"{starts.month}月{starts.day}日 {starts:%H:%M} 开播"]
    assert page.html.select_one("#live_upcoming .live-countdown")["data-countdown-to"] == starts.isoformat()
    assert texts(page, "#live_past .live-title") == ["往期：临县小米专场"]
    assert texts(page, "#live_past .live-figures") == ["已售 1 件 · 成交 ¥29.90"]
    assert [a["href"] for a in page.html.select("#live_past .live-replay")] == ["https://v.douyin.com/replay1/"]
    assert texts(page, "#live_past .live-replay") == ["回放"]
    assert kept.number != cancelled.number


def test_the_list_says_so_when_there_is_nothing(django_app, db):
    # when
    page = django_app.get("/live/")
    # then
    assert texts(page, ".nonefound") == [
        "现在没有直播，看看下面的直播预告吧。",
        "暂无直播预告，敬请期待。",
        "暂无往期直播。",
    ]


def test_the_header_links_the_live_sales(django_app, db):
    # when
    page = django_app.get("/")
    # then
    link = page.html.select_one("#nav_live_link")
    assert (link["href"], link.get_text(strip=True)) == ("/live/", "直播")


# An event's page


def test_a_live_event_shows_the_host_the_stream_and_the_item_on_stage_first(django_app, live_item):
    # given
    event = live_item.event
    other = make_item(event, title="沁源党参", price="88.00", live_price="66.00", quantity=5, limit=1)
    live_item_put_on_stage(event=event, item=other)
    # when
    page = django_app.get(f"/live/{event.slug}/")
    # then
    assert texts(page, "#live_host") == ["临县县长 张某"]
    assert texts(page, "#live_phase") == ["直播中"]
    assert texts(page, "#live_stream") == ["去抖音看直播"]
    assert page.html.select_one("#live_stream")["href"] == "https://live.douyin.com/123456"
    red_dates = {
        "title": "临县红枣 特级",
        "price": "¥29.90",
        "normal": "¥39.90",
        "left": "剩余 100 件",
        "limit": "每人限购 2 件",
        "button": "抢购",
        "disabled": False,
        "on_stage": False,
    }
    codonopsis = {
        "title": "沁源党参",
        "price": "¥66.00",
        "normal": "¥88.00",
        "left": "剩余 5 件",
        "limit": "每人限购 1 件",
        "button": "抢购",
        "disabled": False,
        "on_stage": True,
    }
    assert cards(page, "#live_on_stage") == [codonopsis]
    assert cards(page) == [red_dates, codonopsis]
    assert texts(page, "#live_on_stage .live-stage-badge") == ["讲解中"]


def test_an_event_not_started_counts_down_and_its_buttons_wait(django_app, china):
    # given
    event = make_event(starts_in=timedelta(hours=2))
    make_item(event)
    # when
    page = django_app.get(f"/live/{event.slug}/")
    # then
    assert texts(page, "#live_phase") == ["即将开播"]
    assert (
        page.html.select_one("#live_event .live-countdown")["data-countdown-to"]
        == timezone.localtime(event.starts_at).isoformat()
    )
    assert [(c["button"], c["disabled"]) for c in cards(page)] == [("即将开抢", True)]


def test_a_sold_out_item_says_so_and_its_button_is_off(django_app, china):
    # given
    item = make_item(make_event(), quantity=1, limit=1)
    tap(item, make_buyer(china))
    # when
    page = django_app.get(f"/live/{item.event.slug}/")
    # then
    assert [(c["left"], c["button"], c["disabled"]) for c in cards(page)] == [("已抢光", "已抢光", True)]


def test_an_ended_event_offers_the_replay_and_no_button(django_app, live_item):
    # given
    move_to_the_past(live_item.event)
    LiveEvent.objects.filter(pk=live_item.event_id).update(replay_url="https://v.kuaishou.com/abc")
    # when
    page = django_app.get(f"/live/{live_item.event.slug}/")
    # then
    assert texts(page, "#live_phase") == ["已结束"]
    assert texts(page, "#live_replay") == ["看回放"]
    assert page.html.select_one("#live_stream") is None
    assert [(c["button"], c["disabled"]) for c in cards(page)] == [("已结束", True)]


@pytest.mark.parametrize("status", [LiveEvent.Status.DRAFT, LiveEvent.Status.CANCELLED])
def test_drafts_and_cancelled_events_are_not_found(django_app, china, status):
    # given
    event = make_event(status=LiveEvent.Status.DRAFT)
    LiveEvent.objects.filter(pk=event.pk).update(status=status)
    # when / then
    django_app.get(f"/live/{event.slug}/", status=404)
    django_app.get(f"/live/{event.slug}/status.json", status=404)


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://live.douyin.com/123456", "抖音"),
        ("https://v.kuaishou.com/xyz", "快手"),
        ("https://m.tb.cn/h.abc", "淘宝直播"),
        ("https://channels.weixin.qq.com/live/1", "视频号"),
        ("https://example.com/live", None),
        ("https://notdouyin.com/live", None),
    ],
)
def test_the_stream_platform_is_told_by_the_links_host(url, label):
    assert stream_platform(url) == label


# The status every open event page polls


def test_the_status_is_public_cached_and_costs_no_query_when_warm(
    django_app, live_item, django_assert_num_queries, monkeypatch
):
    # given: the production cache lives a second; a slow test machine must not let it go cold between two calls
    monkeypatch.setattr(selectors, "STATUS_SECONDS", 30)
    live_item_put_on_stage(event=live_item.event, item=live_item)
    url = f"/live/{live_item.event.slug}/status.json"
    first = django_app.get(url)
    # when
    with django_assert_num_queries(0):
        warm = django_app.get(url)
    # then
    assert first.json == warm.json
    assert warm.content_type == "application/json"
    assert warm.json["phase"] == "live"
    assert warm.json["on_stage"] == live_item.pk
    assert warm.json["items"] == {str(live_item.pk): 100}
    assert warm.headers["Cache-Control"] == "public, max-age=1"
    assert "Set-Cookie" not in warm.headers


def test_a_warm_status_is_answered_from_the_process_memory_without_asking_the_shared_cache(
    django_app, live_item, monkeypatch
):
    # given: a poll has filled both caches; the shared one then loses it (and would answer nothing now)
    monkeypatch.setattr(selectors, "STATUS_SECONDS", 30)
    url = f"/live/{live_item.event.slug}/status.json"
    first = django_app.get(url).json
    cache.delete(f"live:status-json:{live_item.event.slug}")
    monkeypatch.setattr(selectors.cache, "get", lambda *args, **kwargs: pytest.fail("asked the shared cache"))
    # when
    warm = django_app.get(url).json
    # then
    assert warm == first


def test_a_poll_is_answered_before_the_session_and_the_user_are_looked_at(client, live_item, china):
    # given: a signed-in viewer's browser sends its session cookie anyway
    client.force_login(make_buyer(china))
    url = f"/live/{live_item.event.slug}/status.json"
    # when
    answer = client.get(url)
    missing = client.get("/live/no-such-event/status.json")
    # then: the live-status middleware answered before the session middleware ran; an unknown event gets the
    # site's own 404 page from the whole chain
    assert answer.status_code == 200 and answer.json()["phase"] == "live"
    assert not hasattr(answer.wsgi_request, "session") and not hasattr(answer.wsgi_request, "user")
    assert missing.status_code == 404 and hasattr(missing.wsgi_request, "session")
    assert "页面找不到了" in missing.content.decode()


def test_the_status_shows_what_is_left_after_a_sale(django_app, live_item, china):
    # given
    tap(live_item, make_buyer(china))
    # when
    status = django_app.get(f"/live/{live_item.event.slug}/status.json").json
    # then
    assert status["items"] == {str(live_item.pk): 99}


# 抢购


def test_a_guest_is_sent_to_sign_in_and_back_to_the_event(django_app, live_item):
    # given
    event_url = f"/live/{live_item.event.slug}/"
    page = django_app.get(event_url)
    # when
    answer = snap_form(page, live_item).submit()
    # then
    assert answer.status_code == 302
    assert answer.location == f"{reverse('customer:login')}?next={event_url}"
    assert "抢购需要先登录，用于每人限购" in alerts(answer.follow())
    assert Order.objects.count() == 0


def test_a_buyer_without_an_address_adds_one_and_comes_back_to_the_event(django_app, live_item):
    # given
    buyer = UserFactory()
    event_url = f"/live/{live_item.event.slug}/"
    page = django_app.get(event_url, user=buyer)
    # when
    address_page = snap_form(page, live_item).submit().follow()
    form = next(f for f in address_page.forms.values() if "line1" in f.fields)
    fill_address(form, CHECKOUT_ADDRESS)
    back = form.submit()
    # then
    assert address_page.request.path == reverse("customer:address-create")
    assert "请先添加收货地址：抢到的订单将发往您的默认收货地址，保存后自动返回直播间。" in alerts(address_page)
    assert "country" not in form.fields
    assert back.location == event_url
    address = UserAddress.objects.get(user=buyer)
    assert (address.is_default_for_shipping, address.line3, address.country.printable_name) == (True, "临县", "中国")
    assert Order.objects.count() == 0
    # and the next tap gets the order
    won = snap_form(back.follow(), live_item).submit().follow()
    assert texts(won, ".live-won-title") == ["抢到了！"]


def test_a_won_snap_up_shows_the_order_and_links_to_it(django_app, live_item, china):
    # given
    buyer = make_buyer(china)
    page = django_app.get(f"/live/{live_item.event.slug}/", user=buyer)
    # when: the tap is answered at once, the page waits for the worker
    waiting = snap_form(page, live_item).submit().follow()
    live_reservations_place()
    won = django_app.get(waiting.request.path, user=buyer)
    # then
    assert texts(waiting, ".live-won-title") == ["抢到了！"]
    assert texts(waiting, "#live_won_pending") == ["商品已为您保留，订单生成中，请稍候…"]
    assert waiting.html.select_one('meta[http-equiv="refresh"]')["content"] == "2"
    order = Order.objects.get(user=buyer)
    assert won.html.select_one('meta[http-equiv="refresh"]') is None
    assert texts(won, ".live-won-title") == ["抢到了！"]
    assert texts(won, "#live_won_number") == [f"订单号：{order.number}"]
    assert won.html.select_one("#live_won_order")["href"] == reverse(
        "customer:order", kwargs={"order_number": order.number}
    )
    assert order.lines.get().unit_price_incl_tax == live_item.live_price
    # nobody else sees it
    django_app.get(won.request.path, user=make_buyer(china), status=404)


def test_a_sold_out_item_is_refused_with_a_message(django_app, china):
    # given
    item = make_item(make_event(), quantity=1, limit=1)
    buyer = make_buyer(china)
    page = django_app.get(f"/live/{item.event.slug}/", user=buyer)
    tap(item, make_buyer(china))  # another buyer, while this page is open
    # when
    answer = snap_form(page, item).submit().follow()
    # then
    assert answer.request.path == f"/live/{item.event.slug}/"
    assert alerts(answer) == ["已抢光！这件商品已被抢购一空。"]
    assert Order.objects.filter(user=buyer).count() == 0


def test_over_the_limit_is_refused_with_what_the_buyer_has(django_app, china):
    # given
    item = make_item(make_event(), limit=2)
    buyer = make_buyer(china)
    tap(item, buyer)
    tap(item, buyer)
    page = django_app.get(f"/live/{item.event.slug}/", user=buyer)
    # when
    answer = snap_form(page, item).submit().follow()
    # then
    assert alerts(answer) == ["每人限购 2 件，您已抢到 2 件"]
    assert (Order.objects.filter(user=buyer).count(), LiveItem.objects.get(pk=item.pk).sold) == (2, 2)


def test_a_double_tap_gets_a_second_unit_within_the_limit_only(django_app, china):
    # given
    item = make_item(make_event(), limit=1)
    buyer = make_buyer(china)
    page = django_app.get(f"/live/{item.event.slug}/", user=buyer)
    form = snap_form(page, item)
    # when
    first, second = form.submit(), form.submit()
    # then
    assert first.location.startswith(f"/live/{item.event.slug}/snapped/")
    assert alerts(second.follow()) == ["每人限购 1 件，您已抢到 1 件"]
    live_reservations_place()
    assert Order.objects.filter(user=buyer).count() == 1


def test_a_snap_up_the_shop_could_not_send_says_why_and_charges_nothing(django_app, china):
    # given: a won tap, then the shop's own stock sold out elsewhere before the worker wrote the order
    item = make_item(make_event(), stock=5, quantity=5)
    buyer = make_buyer(china)
    page = django_app.get(f"/live/{item.event.slug}/", user=buyer)
    waiting = snap_form(page, item).submit().follow()
    StockRecord.objects.filter(product=item.product).update(num_in_stock=0)
    # when
    live_reservations_place()
    answer = django_app.get(waiting.request.path, user=buyer)
    # then
    assert texts(answer, ".live-won-title") == ["抱歉，这一单没能成交"]
    assert texts(answer, "#live_won_reason") == ["订单生成前店铺库存刚好售罄，订单未生成，不会收取任何费用。"]
    assert Order.objects.filter(user=buyer).count() == 0


def test_before_the_start_the_snap_up_is_refused(django_app, china):
    # given
    event = make_event(starts_in=timedelta(hours=2))
    item = make_item(event)
    buyer = make_buyer(china)
    page = django_app.get(f"/live/{event.slug}/", user=buyer)
    form = snap_form(page, item)
    # when: a replayed or forged POST (the page's button is disabled)
    answer = django_app.post(form.action, {"csrfmiddlewaretoken": form["csrfmiddlewaretoken"].value}, user=buyer)
    # then
    starts = timezone.localtime(event.starts_at)
    assert alerts(answer.follow()) == [f"活动未开始，{starts.month}月{starts.day}日 {starts:%H:%M} 开抢"]
    assert Order.objects.count() == 0


def test_after_the_end_the_snap_up_is_refused(django_app, live_item, china):
    # given
    buyer = make_buyer(china)
    page = django_app.get(f"/live/{live_item.event.slug}/", user=buyer)
    form = snap_form(page, live_item)
    move_to_the_past(live_item.event)
    # when
    answer = django_app.post(form.action, {"csrfmiddlewaretoken": form["csrfmiddlewaretoken"].value}, user=buyer)
    # then
    assert alerts(answer.follow()) == ["活动已结束（或该商品已下架）"]
    assert Order.objects.count() == 0


def test_an_item_of_another_event_a_missing_item_and_a_get_are_refused(django_app, live_item, china):
    # given
    buyer = make_buyer(china)
    other = make_item(make_event())
    slug = live_item.event.slug
    token = snap_form(django_app.get(f"/live/{slug}/", user=buyer), live_item)["csrfmiddlewaretoken"].value
    # when / then
    django_app.post(f"/live/{slug}/items/{other.pk}/snap/", {"csrfmiddlewaretoken": token}, user=buyer, status=404)
    django_app.post(f"/live/{slug}/items/999999/snap/", {"csrfmiddlewaretoken": token}, user=buyer, status=404)
    django_app.get(f"/live/{slug}/items/{live_item.pk}/snap/", user=buyer, status=405)
    assert Order.objects.count() == 0


# The product page


def test_a_product_in_a_live_event_points_to_the_live_room_and_keeps_its_normal_price(django_app, live_item):
    # when
    page = django_app.get(live_item.product.get_absolute_url())
    # then
    assert texts(page, "#product_live_offer a") == ["正在直播特价 ¥29.90，去直播间抢购"]
    assert page.html.select_one("#product_live_offer a")["href"] == f"/live/{live_item.event.slug}/"
    assert texts(page, "#product_live_offer .small") == ["加入购物车按原价 ¥39.90 结算"]


def test_a_product_of_an_event_not_live_has_no_such_line(django_app, china):
    # given
    item = make_item(make_event(starts_in=timedelta(hours=2)))
    # when
    page = django_app.get(item.product.get_absolute_url())
    # then
    assert page.html.select_one("#product_live_offer") is None


def test_the_event_page_costs_the_same_queries_with_two_items_and_eight(django_app, china):
    # given
    def page_queries(items: int) -> int:
        event = make_event()
        for n in range(items):
            make_item(event, title=f"临县红枣 {n} 号")
        django_app.get(f"/live/{event.slug}/")  # thumbnails and caches warm, as for every viewer after the first
        with CaptureQueriesContext(connection) as queries:
            django_app.get(f"/live/{event.slug}/")
        return len(queries)

    # when / then
    assert page_queries(2) == page_queries(8)
