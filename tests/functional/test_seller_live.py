"""A farmer's live sales in the seller center (/seller/live/): she requests a live stream, adds her own products,
waits for the commerce bureau's review, and follows what her own products sell (never another shop's)."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from oscar.test.factories import UserFactory

from tests.factories.live_sales import make_event, make_item
from tests.factories.marketplace import make_product, make_vendor
from vendors.live.models import LiveEvent, LiveItem

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _messages(page) -> list[str]:
    return [" ".join(alert.stripped_strings) for alert in page.html.select("#messages .alert .alertinner")]


def _errors(page) -> list[str]:
    return [e.get_text(strip=True) for e in page.html.select(".invalid-feedback, .alert-danger p")]


def _state() -> tuple:
    return (
        list(LiveEvent.objects.order_by("pk").values()),
        list(LiveItem.objects.order_by("pk").values()),
    )


@pytest.fixture
def farmer(db):
    return make_vendor("临县王家庄村农民专业合作社")


def _propose(app, user, **values):
    form = app.get("/seller/live/new/", user=user).forms["live-proposal-form"]
    fields = {
        "title": "王家庄红枣丰收直播",
        "starts_at": "2026-12-20T19:00",
        "ends_at": "2026-12-20T20:30",
        "description": "今年的新枣，个大肉厚。",
        **values,
    }
    for name, value in fields.items():
        form[name] = value
    return form.submit(expect_errors=True)


def test_the_seller_home_links_to_live_sales(django_app, farmer):
    # when
    page = django_app.get("/seller/", user=farmer[1])
    # then
    assert page.html.select_one("#live-link")["href"] == "/seller/live/"
    assert page.html.select_one("#live-link").get_text(strip=True) == "直播带货"


def test_a_farmer_requests_a_live_stream_adds_her_product_and_waits_for_review(django_app, farmer):
    # given
    vendor, user = farmer
    dates = make_product(vendor, title="临县红枣 特级", price="39.90", stock=200)
    # when
    proposed = _propose(django_app, user).follow()
    form = proposed.click(href="/items/add/").forms["live-item-form"]
    form["product"] = str(dates.pk)
    form["live_price"] = "29.90"
    form["quantity"] = "100"
    form["per_buyer_limit"] = "2"
    detail = form.submit().follow()
    listed = django_app.get("/seller/live/", user=user)
    # then
    event = LiveEvent.objects.get()
    assert (event.title, event.host_name, event.county, event.status, event.proposed_by, event.created_by) == (
        "王家庄红枣丰收直播",
        "王秀英",
        "临县",
        "draft",
        vendor,
        user,
    )
    assert (event.starts_at, event.ends_at) == (
        datetime(2026, 12, 20, 19, 0, tzinfo=SHANGHAI),
        datetime(2026, 12, 20, 20, 30, tzinfo=SHANGHAI),
    )
    assert _messages(proposed) == ["申请已提交。现在添加要在直播里卖的商品。"]
    item = LiveItem.objects.get()
    assert (item.product, item.vendor, item.live_price, item.quantity, item.per_buyer_limit) == (
        dates,
        vendor,
        Decimal("29.90"),
        100,
        2,
    )
    assert _messages(detail) == ["已添加：临县红枣 特级"]
    assert detail.html.select_one("#live-status").get_text(strip=True) == "待审核"
    assert [" ".join(li.stripped_strings) for li in detail.html.select(".seller-live-item")] == [
        "临县红枣 特级 ¥29.90 · 每人限购 2 件 活动数量 100 件 移除"
    ]
    assert [" ".join(a.stripped_strings) for a in listed.html.select(".seller-live-event")] == [
        "王家庄红枣丰收直播 待审核 12月20日 19:00 – 20:30 我的商品 1 个"
    ]


def test_the_proposal_form_uses_short_chinese_labels(django_app, farmer):
    # when
    page = django_app.get("/seller/live/new/", user=farmer[1])
    # then
    labels = [label.get_text(strip=True) for label in page.html.select("#live-proposal-form label")]
    assert labels == ["直播标题", "主播", "开始时间", "结束时间", "想卖什么（可不填）"]
    assert page.forms["live-proposal-form"]["host_name"].value == "王秀英"
    assert page.html.select_one("#id_starts_at")["type"] == "datetime-local"
    tomorrow = timezone.localtime() + timedelta(days=1)
    assert (page.html.select_one("#id_starts_at")["value"], page.html.select_one("#id_ends_at")["value"]) == (
        f"{tomorrow:%Y-%m-%d}T19:00",
        f"{tomorrow:%Y-%m-%d}T21:00",
    )


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"ends_at": "2026-12-20T18:00"}, ["结束时间必须晚于开始时间。"]),
        ({"starts_at": ""}, ["请选择日期和时间。"]),
        ({"title": "<script>alert(1)</script>"}, ["这个字段是必填项。"]),
    ],
)
def test_a_bad_request_is_refused_in_chinese_and_nothing_is_saved(django_app, farmer, values, errors):
    # when
    page = _propose(django_app, farmer[1], **values)
    # then
    assert page.status_code == 200
    assert _errors(page) == errors
    assert LiveEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"live_price": "39.90"}, "直播价必须大于 0 且低于原价（39.90 元）。"),
        ({"live_price": "0"}, "确保该值大于或等于0.01。"),
        ({"quantity": "201"}, "活动数量必须在 1 到现有库存 200 件之间。"),
        ({"per_buyer_limit": "0"}, "确保该值大于或等于1。"),
    ],
)
def test_a_bad_item_is_refused_in_chinese_and_nothing_is_saved(django_app, farmer, values, error):
    # given
    vendor, user = farmer
    dates = make_product(vendor, price="39.90", stock=200)
    event = LiveEvent.objects.get(pk=_propose(django_app, user).follow().context["event"].pk)
    form = django_app.get(f"/seller/live/{event.pk}/items/add/", user=user).forms["live-item-form"]
    for name, value in {"product": str(dates.pk), "live_price": "29.90", "quantity": "10", **values}.items():
        form[name] = value
    # when
    page = form.submit()
    # then
    assert error in _errors(page)
    assert LiveItem.objects.count() == 0


def test_another_shops_product_is_not_offered_and_is_refused(django_app_factory, farmer):
    # given
    app = django_app_factory(csrf_checks=False)
    vendor, user = farmer
    mine = make_product(vendor, title="临县红枣 特级")
    theirs = make_product(make_vendor("沁源县李家沟村家庭农场")[0], title="沁源党参", price="88.00")
    event = _propose(app, user).follow().context["event"]
    before = _state()
    # when
    page = app.get(f"/seller/live/{event.pk}/items/add/", user=user)
    refused = app.post(
        f"/seller/live/{event.pk}/items/add/",
        {"product": str(theirs.pk), "live_price": "1.00", "quantity": "1", "per_buyer_limit": "1"},
        user=user,
    )
    # then
    assert [o["value"] for o in page.html.select("#id_product option")] == ["", str(mine.pk)]
    assert _errors(refused) == ["请选择自己店铺在售的商品。"]
    assert _state() == before


def test_after_review_she_sees_only_her_own_items_with_what_is_sold_and_left(django_app, farmer):
    """A county event features her red dates and another shop's codonopsis: she sees only her dates."""
    # given
    vendor, user = farmer
    event = make_event()
    mine = make_item(event, vendor=vendor, title="临县红枣 特级", quantity=100)
    make_item(event, title="沁源党参", price="88.00", live_price="68.00", quantity=20)
    LiveItem.objects.filter(pk=mine.pk).update(sold=7)
    # when
    listed = django_app.get("/seller/live/", user=user)
    page = django_app.get(f"/seller/live/{event.pk}/", user=user)
    edit = django_app.get(f"/seller/live/{event.pk}/edit/", user=user).follow()
    # then
    assert [" ".join(a.stripped_strings) for a in listed.html.select(".seller-live-event")][0].startswith(
        "县长直播带货：临县红枣专场 直播中"
    )
    assert [" ".join(li.stripped_strings) for li in page.html.select(".seller-live-item")] == [
        "临县红枣 特级 ¥29.90 · 每人限购 2 件 已卖 7 件 · 还剩 93 件"
    ]
    assert "沁源党参" not in page.text
    assert page.html.select_one("#live-item-add-link") is None
    assert _messages(edit) == ["这场直播已审核，如需修改请联系县商务局。"]


def test_a_proposal_scheduled_by_an_admin_shows_as_approved_and_can_no_longer_change(
    django_app, django_app_factory, farmer
):
    # given: she requests a stream and adds her dates
    vendor, user = farmer
    dates = make_product(vendor, title="临县红枣 特级", price="39.90")
    event = (
        _propose(django_app, user, starts_at="2030-05-01T19:00", ends_at="2030-05-01T21:00").follow().context["event"]
    )
    form = django_app.get(f"/seller/live/{event.pk}/items/add/", user=user).forms["live-item-form"]
    form["product"], form["live_price"], form["quantity"] = str(dates.pk), "29.90", "10"
    form.submit()
    admin = UserFactory(username="shangwuju", is_staff=True)
    # when: the commerce bureau approves it in the dashboard
    review = django_app.get(f"/dashboard/live/{event.pk}/", user=admin)
    scheduled = review.forms["schedule_form"].submit().follow()
    seen = django_app.get(f"/seller/live/{event.pk}/", user=user)
    app = django_app_factory(csrf_checks=False)
    late_add = app.post(
        f"/seller/live/{event.pk}/items/add/",
        {"product": str(dates.pk), "live_price": "19.90", "quantity": "1", "per_buyer_limit": "1"},
        user=user,
    )
    # then
    assert review.html.select_one("#event_status").get_text(strip=True) == "店铺申请，待审核"
    assert review.html.select_one("#schedule_button").get_text(strip=True) == "审核通过并排期"
    assert LiveEvent.objects.get().status == "scheduled"
    assert scheduled.html.select_one("#event_status").get_text(strip=True) == "已排期，未开始"
    assert seen.html.select_one("#live-status").get_text(strip=True) == "已通过，未开始"
    assert seen.html.select_one("#live-item-add-link") is None
    assert [" ".join(li.stripped_strings) for li in seen.html.select(".seller-live-item")] == [
        "临县红枣 特级 ¥29.90 · 每人限购 1 件 已卖 0 件 · 还剩 10 件"
    ]
    assert _errors(late_add) == ["只有自己申请、还在待审核的直播才能添加商品。"]
    assert LiveItem.objects.count() == 1


def test_she_removes_a_product_from_her_request(django_app, farmer):
    # given
    vendor, user = farmer
    event = _propose(django_app, user).follow().context["event"]
    dates = make_product(vendor, title="临县红枣 特级")
    form = django_app.get(f"/seller/live/{event.pk}/items/add/", user=user).forms["live-item-form"]
    form["product"], form["live_price"], form["quantity"] = str(dates.pk), "29.90", "10"
    page = form.submit().follow()
    item = LiveItem.objects.get()
    # when
    removed = page.forms[f"item-remove-{item.pk}"].submit().follow()
    # then
    assert LiveItem.objects.count() == 0
    assert _messages(removed) == ["已移除：临县红枣 特级"]


def test_she_changes_her_request_while_it_waits(django_app, farmer):
    # given
    _vendor, user = farmer
    event = _propose(django_app, user).follow().context["event"]
    form = django_app.get(f"/seller/live/{event.pk}/edit/", user=user).forms["live-proposal-form"]
    # when
    form["title"] = "王家庄红枣小米直播"
    page = form.submit().follow()
    # then
    assert form["starts_at"].value == "2026-12-20T19:00"
    assert LiveEvent.objects.get().title == "王家庄红枣小米直播"
    assert _messages(page) == ["已保存。"]
