"""The county commerce bureau runs live events in Oscar's dashboard (/dashboard/live/); nobody else gets in."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone
from oscar.test.factories import UserFactory

from tests.factories.live_sales import make_event, make_item
from tests.factories.marketplace import make_product, make_vendor
from vendors.live.models import LiveEvent, LiveItem
from vendors.live.services import live_proposal_save
from vendors.models import Vendor
from vendors.web.dashboard.live_urls import urlpatterns

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _messages(page) -> list[str]:
    return [" ".join(alert.stripped_strings) for alert in page.html.select("#messages .alert .alertinner")]


def _events() -> list[tuple]:
    return list(
        LiveEvent.objects.order_by("pk").values_list("pk", "title", "status", "starts_at", "ends_at", "on_stage")
    )


def _items() -> list[tuple]:
    return list(
        LiveItem.objects.order_by("pk").values_list(
            "pk", "event", "product", "live_price", "quantity", "per_buyer_limit", "display_order", "sold"
        )
    )


@pytest.fixture
def admin(db):
    return UserFactory(username="shangwuju", is_staff=True)


def test_the_dashboard_menu_has_a_live_events_entry_for_staff(django_app, admin):
    # when
    page = django_app.get("/dashboard/", user=admin)
    # then
    entries = [(a.get_text(strip=True), a["href"]) for a in page.html.select("#bottom_nav_bar a.nav-link")]
    assert ("直播活动", "/dashboard/live/") in entries


def _live_dashboard_urls(item) -> list[str]:
    """Every URL of vendors/web/dashboard/live_urls.py: a view added later is covered without editing this test."""
    urls = []
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        fillers = {"pk": item.event_id, "item_pk": item.pk}
        urls.append(
            reverse(f"live_dashboard:{pattern.name}", kwargs={k: fillers[k] for k in pattern.pattern.converters})
        )
    return urls


@pytest.mark.parametrize("who", ["anonymous", "consumer", "vendor"])
def test_nobody_but_staff_reaches_any_live_dashboard_page(db, who):
    # given: a draft event with an item, a consumer, and a user of an approved vendor
    item = make_item(make_event(status=LiveEvent.Status.DRAFT))
    client = Client()
    if who == "consumer":
        client.force_login(UserFactory(username="guke"))
    elif who == "vendor":
        client.force_login(make_vendor("沁源县党参合作社")[1])
    before = (_events(), _items())
    urls = _live_dashboard_urls(item)
    # when: every page, read and posted to (without CSRF checks: only the permission stops it)
    responses = {}
    for url in urls:
        for method in ("get", "post"):
            data = {"item": str(item.pk), "title": "改", f"i{item.pk}-per_buyer_limit": "9"} if method == "post" else {}
            responses[(method, url)] = getattr(client, method)(url, data)
    # then
    assert len(urls) == 10
    if who == "anonymous":
        assert {key: (r.status_code, r["Location"]) for key, r in responses.items()} == {
            (method, url): (302, f"/accounts/login/?next={url}") for method, url in responses
        }
    else:
        assert {key: r.status_code for key, r in responses.items()} == {key: 403 for key in responses}
    assert (_events(), _items()) == before


def _listed(page) -> list[tuple[str, str, str]]:
    return [
        tuple(row.select("td")[i].get_text(" ", strip=True) for i in (0, 1, 4))
        for row in page.html.select("#live_event_table tbody tr[data-event]")
    ]


def test_the_list_shows_status_and_proposer_and_filters_by_status(django_app, admin):
    # given
    now = timezone.now()
    vendor, user = make_vendor("临县王家庄村红枣合作社")
    proposal = live_proposal_save(
        vendor=vendor,
        data={
            "title": "王家庄红枣丰收直播",
            "host_name": "王秀英",
            "starts_at": now + timedelta(days=3),
            "ends_at": now + timedelta(days=3, hours=2),
        },
        created_by=user,
    )
    live = make_event()
    upcoming = make_event(starts_in=timedelta(days=1))
    LiveEvent.objects.filter(pk=upcoming.pk).update(title="沁源党参专场")
    cancelled = make_event(starts_in=timedelta(days=2), status=LiveEvent.Status.DRAFT)
    LiveEvent.objects.filter(pk=cancelled.pk).update(title="取消的专场", status=LiveEvent.Status.CANCELLED)
    # when
    everything = django_app.get("/dashboard/live/", user=admin)
    proposals = django_app.get("/dashboard/live/", params={"status": "draft"}, user=admin)
    live_now = django_app.get("/dashboard/live/", params={"status": "live"}, user=admin)
    not_started = django_app.get("/dashboard/live/", params={"status": "scheduled"}, user=admin)
    junk = django_app.get("/dashboard/live/", params={"status": "<script>"}, user=admin)
    # then
    assert _listed(everything) == [
        ("王家庄红枣丰收直播 王秀英", "店铺申请，待审核", "临县王家庄村红枣合作社"),
        ("取消的专场 张某 临县县长", "已取消", "县商务局"),
        ("沁源党参专场 张某 临县县长", "已排期，未开始", "县商务局"),
        ("县长直播带货：临县红枣专场 张某 临县县长", "直播中", "县商务局"),
    ]
    assert [row[0] for row in _listed(proposals)] == ["王家庄红枣丰收直播 王秀英"]
    assert [row[0] for row in _listed(live_now)] == ["县长直播带货：临县红枣专场 张某 临县县长"]
    assert [row[0] for row in _listed(not_started)] == ["沁源党参专场 张某 临县县长"]
    assert len(_listed(junk)) == 4
    assert [o.get_text(strip=True) for o in everything.html.select("#id_status option")] == [
        "全部",
        "草稿或待审核",
        "已排期，未开始",
        "直播中",
        "已结束",
        "已取消",
    ]
    assert proposal.county == "临县" and live.pk


def _fill_event(form, **values):
    defaults = {
        "title": "县长直播带货：沁源党参专场",
        "host_name": "李某",
        "host_title": "沁源县副县长",
        "county": "沁源县",
        "starts_at": "2026-12-12T19:30",
        "ends_at": "2026-12-12T21:30",
        "description": "<p>沁源党参<script>alert(1)</script></p>",
        "stream_url": "https://live.douyin.com/998877",
        "replay_url": "",
    }
    for name, value in {**defaults, **values}.items():
        form[name] = value
    return form


def test_an_admin_creates_an_event_in_beijing_time_and_schedules_it(django_app, admin):
    # given
    form = _fill_event(django_app.get("/dashboard/live/new/", user=admin).forms["live_event_form"])
    # when
    created = form.submit().follow()
    event = LiveEvent.objects.get()
    scheduled = created.forms["schedule_form"].submit().follow()
    # then
    assert (event.title, event.county, event.status, event.created_by) == (
        "县长直播带货：沁源党参专场",
        "沁源县",
        "draft",
        admin,
    )
    assert event.starts_at == datetime(2026, 12, 12, 19, 30, tzinfo=SHANGHAI)
    assert event.ends_at == datetime(2026, 12, 12, 21, 30, tzinfo=SHANGHAI)
    assert event.description == "<p>沁源党参</p>"
    assert _messages(created) == ["“县长直播带货：沁源党参专场”已存为草稿：添加商品后再排期发布。"]
    assert LiveEvent.objects.get().status == "scheduled"
    assert _messages(scheduled) == ["“县长直播带货：沁源党参专场”已排期：活动已公布，直播时间内开售。"]
    assert scheduled.html.select_one("#event_status").get_text(strip=True) == "已排期，未开始"
    assert "schedule_form" not in scheduled.forms


@pytest.mark.parametrize(
    ("values", "field", "error"),
    [
        ({"ends_at": "2026-12-12T19:00"}, "ends_at", "结束时间必须晚于开始时间。"),
        ({"ends_at": "2026-12-12T19:30"}, "ends_at", "结束时间必须晚于开始时间。"),
        ({"stream_url": "javascript:alert(1)"}, "stream_url", "请填写以 http:// 或 https:// 开头的网址。"),
        ({"replay_url": "ftp://example.com/replay"}, "replay_url", "请填写以 http:// 或 https:// 开头的网址。"),
        ({"starts_at": "明天晚上"}, "starts_at", "请填写日期和时间，例如 2026-12-01 19:30。"),
        ({"title": "<b></b>"}, "title", "这个字段是必填项。"),
    ],
)
def test_a_bad_event_is_refused_in_chinese_and_nothing_is_saved(django_app, admin, values, field, error):
    # given
    form = _fill_event(django_app.get("/dashboard/live/new/", user=admin).forms["live_event_form"], **values)
    # when
    page = form.submit(expect_errors=True)
    # then
    assert page.status_code == 400
    errors = page.html.select_one(f"#id_{field}").find_parent(class_="form-group").select(".error-block")
    assert [e.get_text(strip=True) for e in errors] == [error]
    assert LiveEvent.objects.count() == 0


def test_editing_an_event_keeps_its_window_in_beijing_time(django_app, admin):
    # given
    event = make_event(starts_in=timedelta(days=1))
    form = django_app.get(f"/dashboard/live/{event.pk}/edit/", user=admin).forms["live_event_form"]
    local_start = timezone.localtime(event.starts_at, SHANGHAI)
    # when
    form["replay_url"] = "https://example.com/replay/1"
    page = form.submit().follow()
    # then
    assert form["starts_at"].value == f"{local_start:%Y-%m-%dT%H:%M}"
    event.refresh_from_db()
    assert event.replay_url == "https://example.com/replay/1"
    assert event.starts_at == local_start.replace(second=0, microsecond=0)
    assert _messages(page) == ["“县长直播带货：临县红枣专场”的修改已保存。"]


def test_an_admin_cancels_an_event_and_a_cancelled_event_takes_no_more(django_app, admin):
    # given
    event = make_event(starts_in=timedelta(days=1))
    page = django_app.get(f"/dashboard/live/{event.pk}/", user=admin)
    # when
    cancelled = page.forms["cancel_form"].submit().follow()
    again = page.forms["cancel_form"].submit().follow()
    # then
    assert LiveEvent.objects.get().status == "cancelled"
    assert _messages(cancelled) == ["“县长直播带货：临县红枣专场”已取消。"]
    assert _messages(again) == ["未做任何更改：活动现在是“已取消”。"]
    assert "item_add_link" not in cancelled.text
    assert [f for f in cancelled.forms if f in ("schedule_form", "cancel_form")] == []


def _add_page(app, event, admin, **params):
    return app.get(f"/dashboard/live/{event.pk}/items/add/", params=params, user=admin)


def test_an_admin_features_a_product_of_a_shop_picked_from_the_list(django_app, admin):
    # given
    event = make_event(starts_in=timedelta(days=1))
    vendor, _user = make_vendor("临县王家庄村红枣合作社")
    dates = make_product(vendor, title="临县红枣 特级", price="39.90", stock=80)
    other, _other_user = make_vendor("沁源县李家沟村家庭农场")
    make_product(other, title="沁源党参", price="88.00")
    suspended, _s = make_vendor("吕梁山土特产店", status=Vendor.Status.SUSPENDED)
    make_product(suspended, title="临县红枣 暂停店")
    # when
    first = _add_page(django_app, event, admin)
    by_shop = _add_page(django_app, event, admin, shop=vendor.pk)
    by_title = _add_page(django_app, event, admin, q="红枣")
    form = by_shop.forms["live_item_form"]
    form["product"] = str(dates.pk)
    form["live_price"] = "29.90"
    form["quantity"] = "50"
    form["per_buyer_limit"] = "2"
    detail = form.submit().follow()
    # then
    assert first.html.select_one("#choose_hint") is not None
    assert [o.get_text(strip=True) for o in first.html.select("#id_product option")] == ["— 请选择商品 —"]
    assert [o.get_text(strip=True) for o in by_shop.html.select("#id_product option")][1:] == [
        "临县王家庄村红枣合作社 · 临县红枣 特级 · 原价 ¥39.90 · 库存 80 件"
    ]
    assert [o.get_text(strip=True) for o in by_title.html.select("#id_product option")][1:] == [
        "临县王家庄村红枣合作社 · 临县红枣 特级 · 原价 ¥39.90 · 库存 80 件"
    ]
    assert [o.get_text(strip=True) for o in first.html.select("#id_shop option")] == [
        "全部已通过的店铺",
        "临县王家庄村红枣合作社（临县）",
        "沁源县李家沟村家庭农场（临县）",
    ]
    item = LiveItem.objects.get()
    assert (item.product, item.vendor, item.live_price, item.quantity, item.per_buyer_limit) == (
        dates,
        vendor,
        Decimal("29.90"),
        50,
        2,
    )
    assert _messages(detail) == ["“临县红枣 特级”已加入直播，直播价 ¥29.90。"]
    assert [r.select("td")[0].get_text(strip=True) for r in detail.html.select("#live_item_table tr[data-item]")] == [
        "临县红枣 特级"
    ]


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"live_price": "39.90"}, "直播价必须大于 0 且低于原价（39.90 元）。"),
        ({"quantity": "81"}, "活动数量必须在 1 到现有库存 80 件之间。"),
    ],
)
def test_an_item_the_service_refuses_is_a_chinese_form_error_and_nothing_is_saved(django_app, admin, values, error):
    # given
    event = make_event(starts_in=timedelta(days=1))
    vendor, _user = make_vendor("临县王家庄村红枣合作社")
    dates = make_product(vendor, price="39.90", stock=80)
    form = _add_page(django_app, event, admin, shop=vendor.pk).forms["live_item_form"]
    for name, value in {
        "product": str(dates.pk),
        "live_price": "29.90",
        "quantity": "10",
        "per_buyer_limit": "1",
        **values,
    }.items():
        form[name] = value
    # when
    page = form.submit(expect_errors=True)
    # then
    assert page.status_code == 400
    assert [e.get_text(strip=True) for e in page.html.select("#live_item_form .alert-danger .help-inline")] == [error]
    assert LiveItem.objects.count() == 0


def test_a_product_of_a_shop_suspended_meanwhile_is_refused(django_app, admin):
    # given: the admin picked the product, then the shop was suspended
    event = make_event(starts_in=timedelta(days=1))
    vendor, _user = make_vendor("临县王家庄村红枣合作社")
    dates = make_product(vendor, price="39.90")
    form = _add_page(django_app, event, admin, q="红枣").forms["live_item_form"]
    form["product"] = str(dates.pk)
    form["live_price"] = "29.90"
    form["quantity"] = "10"
    Vendor.objects.filter(pk=vendor.pk).update(status=Vendor.Status.SUSPENDED)
    # when
    page = form.submit(expect_errors=True)
    # then
    assert page.status_code == 400
    assert [
        e.get_text(strip=True) for e in page.html.select("#id_product ~ .error-block, .form-group.error .error-block")
    ] == ["这个商品现在不能选（店铺未通过审核或商品已下架），请重新查找。"]
    assert LiveItem.objects.count() == 0


def test_an_admin_changes_an_items_limit_and_order_and_removes_an_unsold_one(django_app, admin):
    # given
    event = make_event(starts_in=timedelta(days=1))
    kept = make_item(event, title="临县红枣 特级")
    removed = make_item(event, title="沁源党参")
    page = django_app.get(f"/dashboard/live/{event.pk}/", user=admin)
    form = page.forms[f"item_change_{kept.pk}"]
    form[f"i{kept.pk}-per_buyer_limit"] = "5"
    form[f"i{kept.pk}-display_order"] = "3"
    # when
    changed = form.submit().follow()
    gone = page.forms[f"item_remove_{removed.pk}"].submit().follow()
    # then
    assert LiveItem.objects.filter(pk=kept.pk).values_list("per_buyer_limit", "display_order").get() == (5, 3)
    assert _messages(changed) == ["“临县红枣 特级”已保存。"]
    assert not LiveItem.objects.filter(pk=removed.pk).exists()
    assert _messages(gone) == ["“沁源党参”已从活动中移除。"]


def test_a_sold_item_cannot_be_removed_and_a_bad_limit_changes_nothing(django_app, admin):
    # given
    event = make_event()
    item = make_item(event)
    page = django_app.get(f"/dashboard/live/{event.pk}/", user=admin)
    remove_form = page.forms[f"item_remove_{item.pk}"]
    LiveItem.objects.filter(pk=item.pk).update(sold=1)
    change_form = page.forms[f"item_change_{item.pk}"]
    change_form[f"i{item.pk}-per_buyer_limit"] = "0"
    before = _items()
    # when
    refused = remove_form.submit().follow()
    bad_limit = change_form.submit().follow()
    # then
    assert _messages(refused) == ["未做任何更改：这个商品已有成交，不能移除。"]
    assert _messages(bad_limit) == ["未做任何更改：确保该值大于或等于1。"]
    assert _items() == before
    assert f"item_remove_{item.pk}" not in refused.forms


def test_the_host_puts_an_item_on_stage_and_takes_it_off(django_app, admin):
    # given
    event = make_event()
    dates = make_item(event, title="临县红枣 特级", live_price="29.90", quantity=100)
    shen = make_item(event, title="沁源党参", price="88.00", live_price="68.00", quantity=20)
    LiveItem.objects.filter(pk=dates.pk).update(sold=3)
    page = django_app.get(f"/dashboard/live/{event.pk}/stage/", user=admin)
    # when
    on_stage = page.forms["stage_form"].submit("item", value=str(shen.pk)).follow()
    on_stage_event = LiveEvent.objects.get(pk=event.pk).on_stage_id
    off = on_stage.forms["stage_form"].submit("item", value="none").follow()
    # then
    buttons = [(b["value"], " ".join(b.stripped_strings)) for b in page.html.select("#stage_form button[name=item]")]
    assert buttons == [
        (str(dates.pk), "临县红枣 特级 ¥29.90 剩 97 件"),
        (str(shen.pk), "沁源党参 ¥68.00 剩 20 件"),
        ("none", "下台（不展示商品）"),
    ]
    assert on_stage_event == shen.pk
    assert _messages(on_stage) == []
    assert on_stage.html.select_one("button.on")["value"] == str(shen.pk)
    assert on_stage.html.select_one("#on_stage_now").get_text(strip=True) == "正在讲解：沁源党参"
    assert LiveEvent.objects.get(pk=event.pk).on_stage_id is None
    assert _messages(off) == []
    assert off.html.select_one("#on_stage_now").get_text(strip=True) == "现在没有讲解商品。开始讲哪个，就点哪个。"
    assert off.html.select_one("button.on") is None


def test_an_item_of_another_event_cannot_be_put_on_stage(django_app_factory, admin):
    # given
    app = django_app_factory(csrf_checks=False)
    event = make_event()
    make_item(event)
    elsewhere = make_item(make_event())
    # when
    page = app.post(f"/dashboard/live/{event.pk}/stage/", {"item": str(elsewhere.pk)}, user=admin).follow()
    junk = app.post(f"/dashboard/live/{event.pk}/stage/", {"item": "abc"}, user=admin).follow()
    # then
    assert _messages(page) == _messages(junk) == ["这个商品已不在本场直播里。"]
    assert LiveEvent.objects.get(pk=event.pk).on_stage_id is None


def test_the_stage_needs_the_csrf_token(django_app, admin):
    # given
    event = make_event()
    item = make_item(event)
    # when
    response = django_app.post(
        f"/dashboard/live/{event.pk}/stage/", {"item": str(item.pk)}, user=admin, expect_errors=True
    )
    # then
    assert response.status_code == 403
    assert LiveEvent.objects.get(pk=event.pk).on_stage_id is None
