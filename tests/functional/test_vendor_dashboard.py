"""Admins review vendors in Oscar's dashboard (/dashboard/vendors/); nobody else reaches those pages."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse
from oscar.test.factories import UserFactory
from webtest import Upload

from tests.factories import VillagePartnerFactory
from tests.factories.marketplace import book, make_vendor
from tests.functional.test_chinese_pages import visible_english
from vendors.models import Vendor, VendorEvent, VendorInvitation
from vendors.onboarding.services import vendor_apply, vendor_approve
from vendors.web.dashboard.urls import urlpatterns


def _vendor(name: str, *, county: str = "临县", status: str = "pending", phone: str = "+8613800000000") -> Vendor:
    partner = VillagePartnerFactory(name=name) if status in ("approved", "suspended") else None
    return Vendor.objects.create(
        partner=partner,
        status=status,
        name=name,
        slug=f"v{Vendor.objects.count() + 1}",
        contact_name="王大山",
        contact_phone=phone,
        county=county,
        village="王家庄村",
    )


def _state(vendor: Vendor) -> tuple:
    """What a refused request must leave as it was."""
    vendor = Vendor.objects.get(pk=vendor.pk)
    return (
        vendor.status,
        vendor.decision_reason,
        vendor.commission_rate,
        vendor.partner_id,
        VendorEvent.objects.filter(vendor=vendor).count(),
        VendorInvitation.objects.filter(vendor=vendor).count(),
    )


def _messages(page) -> list[str]:
    return [" ".join(alert.stripped_strings) for alert in page.html.select("#messages .alert .alertinner")]


@pytest.fixture
def admin(db):
    return UserFactory(username="shenhe", is_staff=True)


@pytest.fixture
def pending(db):
    return _vendor("临县王家庄村红枣合作社")


def test_the_dashboard_menu_has_a_vendors_entry_for_staff(django_app, admin):
    # when
    page = django_app.get("/dashboard/", user=admin)
    # then
    menu = next(item for item in page.html.select("#bottom_nav_bar li.nav-item") if "商家" in item.a.get_text())
    assert [(a.get_text(strip=True), a["href"]) for a in menu.select(".dropdown-item")] == [
        ("商家", "/dashboard/vendors/"),
        ("按县批量导入商家（CSV）", "/dashboard/vendors/import/"),
        ("商家结算", "/dashboard/vendors/payouts/"),
    ]


def _dashboard_urls(vendor: Vendor) -> list[str]:
    """Every URL of vendors/dashboard_urls.py: a view added later is covered without editing this test."""
    urls = []
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        kwargs = {"pk": vendor.pk} if "pk" in pattern.pattern.converters else {}
        urls.append(reverse(f"vendors_dashboard:{pattern.name}", kwargs=kwargs))
    return urls


@pytest.mark.parametrize("who", ["anonymous", "consumer", "vendor"])
def test_nobody_but_staff_reaches_any_vendor_dashboard_page(db, pending, who):
    # given: a consumer, and a user of an approved vendor's shop (vendors never use Oscar's dashboard)
    client = Client()
    if who == "consumer":
        client.force_login(UserFactory(username="guke"))
    elif who == "vendor":
        shop = _vendor("沁源县党参合作社", county="沁源县", status="approved", phone="+8613900000000")
        user = UserFactory(username="dangshen")
        shop.partner.users.add(user)
        client.force_login(user)
    before = _state(pending)
    urls = _dashboard_urls(pending)
    # when: every page, read and posted to (without CSRF checks: only the permission stops it)
    responses = {}
    for url in urls:
        for method in ("get", "post"):
            data = {"reject-reason": "x", "suspend-reason": "x", "commission_percent": "50"} if method == "post" else {}
            responses[(method, url)] = getattr(client, method)(url, data)
    # then
    assert len(urls) == 14
    if who == "anonymous":
        assert {key: (r.status_code, r["Location"]) for key, r in responses.items()} == {
            (method, url): (302, f"/accounts/login/?next={url}") for method, url in responses
        }
    else:
        assert {key: r.status_code for key, r in responses.items()} == {key: 403 for key in responses}
    assert _state(pending) == before


def _listed(page) -> list[tuple[str, str]]:
    """(name, status) of the vendors in the dashboard's list."""
    return [
        (row.select_one("td a").get_text(strip=True), row.select_one(".badge").get_text(strip=True))
        for row in page.html.select("#vendor_table tbody tr")
    ]


def test_the_list_filters_by_status_and_county(django_app, admin):
    # given
    _vendor("临县甲", county="临县", status="pending", phone="+8613800000001")
    _vendor("临县乙", county="临县", status="approved", phone="+8613800000002")
    _vendor("沁源丙", county="沁源县", status="pending", phone="+8613800000003")
    _vendor("临县丁", county="临县", status="rejected", phone="+8613800000004")
    # when
    everything = django_app.get("/dashboard/vendors/", user=admin)
    pending_linxian = django_app.get("/dashboard/vendors/", params={"status": "pending", "county": "临县"}, user=admin)
    all_qinyuan = django_app.get("/dashboard/vendors/", params={"county": "沁源县"}, user=admin)

    # then
    assert _listed(everything) == [
        ("临县丁", "未通过"),
        ("沁源丙", "待审核"),
        ("临县乙", "已通过"),
        ("临县甲", "待审核"),
    ]
    assert _listed(pending_linxian) == [("临县甲", "待审核")]
    assert _listed(all_qinyuan) == [("沁源丙", "待审核")]
    options = [o.get_text(strip=True) for o in everything.html.select("#id_status option")]
    assert options == ["全部", "待审核", "已通过", "未通过", "已暂停"]
    assert [o["value"] for o in everything.html.select("#id_county option")] == ["", "临县", "沁源县"]


def test_applicants_and_admins_are_shown_by_name_and_mobile_or_email_never_by_username(db, django_app):
    # given: an applicant registered by e-mail (a made-up username, no name), one by mobile number, and an admin
    by_email = UserFactory(username="a5f3c0e29b7d4e1f", email="li@example.com", first_name="", last_name="")
    by_mobile = UserFactory(username="13912345678", email="", first_name="", last_name="")
    reviewer = UserFactory(username="f0e1d2c3b4a59687", email="zhao@example.com", first_name="敏", last_name="赵")
    reviewer.is_staff = True
    reviewer.save()
    data = {"province": "山西省", "county": "临县", "village": "王家庄村", "story": ""}
    first = vendor_apply(
        user=by_email,
        data={**data, "name": "临县李家红枣", "contact_name": "李秀英", "contact_phone": "+8613800000001"},
    )
    second = vendor_apply(
        user=by_mobile,
        data={**data, "name": "临县张家小米", "contact_name": "张建国", "contact_phone": "+8613912345678"},
    )
    vendor_approve(vendor=second, approved_by=reviewer)
    # when
    listed = django_app.get("/dashboard/vendors/", user=reviewer)
    first_page = django_app.get(f"/dashboard/vendors/{first.pk}/", user=reviewer)
    second_page = django_app.get(f"/dashboard/vendors/{second.pk}/", user=reviewer)
    # then
    rows = [
        [td.get_text(" ", strip=True) for td in row.select("td")[:4]]
        for row in listed.html.select("#vendor_table tbody tr")
    ]
    assert rows == [
        ["临县张家小米", "临县 王家庄村", "张建国", "139 1234 5678"],
        ["临县李家红枣", "临县 王家庄村", "李秀英", "138 0000 0001"],
    ]
    profile = {
        row.th.get_text(strip=True): row.td.get_text(" ", strip=True)
        for row in first_page.html.select("#vendor_profile tr")
    }
    assert (profile["联系人"], profile["申请人"]) == ("李秀英", "li@example.com")
    profile = {
        row.th.get_text(strip=True): row.td.get_text(" ", strip=True)
        for row in second_page.html.select("#vendor_profile tr")
    }
    assert (profile["联系人"], profile["申请人"]) == ("张建国", "139 1234 5678")
    history = [
        [td.get_text(" ", strip=True) for td in row.select("td")[1:3]]
        for row in second_page.html.select(".vendor-event")
    ]
    assert history == [["通过审核", "赵敏 · zhao@example.com"], ["提交申请", "139 1234 5678"]]
    for page in (listed, first_page, second_page):
        assert "a5f3c0e29b7d4e1f" not in page.text and "f0e1d2c3b4a59687" not in page.text


@pytest.mark.usefixtures("db_sessions")
def test_the_list_costs_the_same_queries_with_5_and_60_vendors(admin):
    """Session, user, counties, count, two permission lookups (Oscar's menu), one page of vendors."""
    # given
    client = Client()
    client.force_login(admin)
    for n in range(5):
        _vendor(f"店铺{n}", county=f"县{n % 3}", phone=f"+86138000{n:05d}")
    client.get("/dashboard/vendors/")
    with CaptureQueriesContext(connection) as with_5:
        page_5 = client.get("/dashboard/vendors/")
    # when
    for n in range(5, 60):
        _vendor(f"店铺{n}", county=f"县{n % 3}", phone=f"+86138000{n:05d}", status="approved" if n % 2 else "pending")
    with CaptureQueriesContext(connection) as with_60:
        page_60 = client.get("/dashboard/vendors/")
    # then
    assert (len(page_5.context["vendors"]), page_60.context["paginator"].count) == (5, 60)
    assert len(page_60.context["vendors"]) == 25
    assert len(with_5) == len(with_60) == 7


def test_the_detail_page_shows_the_applicants_data(django_app, admin):
    # given
    # an account registered by e-mail, whose username Oscar made up
    applicant = UserFactory(username="a5f3c0e29b7d4e1f", email="wang@example.com", first_name="大山", last_name="王")
    vendor = vendor_apply(
        user=applicant,
        data={
            "name": "临县王家庄村红枣合作社",
            "contact_name": "王大山",
            "contact_phone": "+8613812345678",
            "province": "山西省",
            "county": "临县",
            "village": "王家庄村",
            "story": "<p>种枣三百年</p>",
        },
    )
    # when
    page = django_app.get(f"/dashboard/vendors/{vendor.pk}/", user=admin)
    # then
    rows = {
        row.th.get_text(strip=True): row.td.get_text(" ", strip=True) for row in page.html.select("#vendor_profile tr")
    }
    assert rows == {
        "店铺名称": "临县王家庄村红枣合作社",
        "状态": "待审核",
        "联系人": "王大山",
        "手机号码": "138 1234 5678",
        "申请人": "王大山 · wang@example.com",
        "所在地": "山西省 临县 王家庄村",
        "主营类目": "—",
        "店铺故事": "种枣三百年",
        "店铺账号": "—",
    }
    assert "a5f3c0e29b7d4e1f" not in page.text
    assert page.html.select_one("#vendor_licence") is None
    assert [f for f in page.forms if f in ("approve_form", "reject_form", "suspend_form", "reinstate_form")] == [
        "approve_form",
        "reject_form",
    ]


@pytest.mark.parametrize("action", ["reject", "suspend"])
def test_reject_and_suspend_need_a_reason(django_app, admin, action):
    # given
    vendor = _vendor("临县王家庄村红枣合作社", status="pending" if action == "reject" else "approved")
    before = _state(vendor)
    form = django_app.get(f"/dashboard/vendors/{vendor.pk}/", user=admin).forms[f"{action}_form"]
    form[f"{action}-reason"] = "   "
    # when
    page = form.submit(expect_errors=True)
    # then
    assert page.status_code == 400
    assert page.html.select_one(f"#{action}_form .error-block").get_text(strip=True) == "请填写原因：商家会看到它。"
    assert _state(vendor) == before


def test_a_decision_made_meanwhile_by_someone_else_is_a_message_and_changes_nothing(django_app, admin, pending):
    # given: two admins opened the same pending application; the other one approved it first
    other_admin = UserFactory(username="lingyiwei", is_staff=True)
    stale_form = django_app.get(f"/dashboard/vendors/{pending.pk}/", user=admin).forms["reject_form"]
    vendor_approve(vendor=pending, approved_by=other_admin)
    before = _state(pending)
    stale_form["reject-reason"] = "资料不全"
    # when
    page = stale_form.submit().follow()
    # then
    assert page.status_code == 200
    assert _messages(page) == ["未做任何更改：临县王家庄村红枣合作社 当前状态为“已通过”（可能已有其他人处理）。"]
    assert _state(pending) == before


def test_suspend_and_reinstate_are_recorded(django_app, admin):
    # given
    vendor = _vendor("临县王家庄村红枣合作社", status="approved")
    form = django_app.get(f"/dashboard/vendors/{vendor.pk}/", user=admin).forms["suspend_form"]
    form["suspend-reason"] = "食品安全抽检不合格"
    # when
    suspended = form.submit().follow()
    reinstated = suspended.forms["reinstate_form"].submit().follow()
    # then
    vendor.refresh_from_db()
    assert vendor.status == "approved"
    assert _messages(suspended) == ["临县王家庄村红枣合作社 已暂停，其商品已在集市上隐藏。"]
    assert _messages(reinstated) == ["临县王家庄村红枣合作社 已恢复，其商品重新上架。"]
    assert [(e.action, e.actor, e.reason) for e in VendorEvent.objects.filter(vendor=vendor).order_by("pk")] == [
        ("suspended", admin, "食品安全抽检不合格"),
        ("reinstated", admin, ""),
    ]
    assert "suspend_form" in reinstated.forms


def test_admins_edit_the_commission_rate(django_app, admin):
    # given
    vendor = _vendor("临县王家庄村红枣合作社", status="approved")
    before = django_app.get(f"/dashboard/vendors/{vendor.pk}/", user=admin)
    form = before.forms["commission_form"]
    assert (before.html.select_one("#commission_now").text, form["commission_percent"].value) == ("5%", "5")
    assert "0.05" not in before.text
    form["commission_percent"] = "8"
    # when
    page = form.submit().follow()
    # then
    vendor.refresh_from_db()
    assert vendor.commission_rate == Decimal("0.0800")
    assert _messages(page) == ["临县王家庄村红枣合作社 的佣金比例已保存。"]
    assert page.forms["commission_form"]["commission_percent"].value == "8"
    assert page.html.select_one("#commission_now").text == "8%"


@pytest.mark.parametrize(
    "typed, error",
    [
        ("150", "确保该值小于或等于100。"),
        ("-1", "确保该值大于或等于0。"),
        ("abc", "输入一个数字。"),
        ("5.125", "最多保留 2 位小数。"),
    ],
)
def test_a_commission_rate_outside_0_to_100_percent_is_refused(django_app, admin, typed, error):
    # given
    vendor = _vendor("临县王家庄村红枣合作社", status="approved")
    before = _state(vendor)
    form = django_app.get(f"/dashboard/vendors/{vendor.pk}/", user=admin).forms["commission_form"]
    form["commission_percent"] = typed
    # when
    page = form.submit(expect_errors=True)
    # then
    assert page.status_code == 400
    assert page.html.select_one("#commission_form .form-group .error-block").get_text(strip=True) == error
    assert _state(vendor) == before


def test_the_import_report_the_invitations_and_the_payout_totals_read_in_chinese(
    django_app, db, china, django_capture_on_commit_callbacks
):
    # given: pages the crawl of the admin's journey (tests/functional/test_chinese_pages.py) cannot reach by a
    # link: the answer to an import (read as GBK, one bad row), an imported shop's invitations with their SMS,
    # the answer to a re-sent invitation, a month's payouts with its totals row
    admin = UserFactory(username="zhaomin", is_staff=True, first_name="敏", last_name="赵")
    form = django_app.get("/dashboard/vendors/import/", user=admin).forms["vendor_import_form"]
    rows = "店铺名称,联系人,手机号,县区,村\n王家庄村红枣合作社,王大山,13812345678,临县,王家庄村\n坏行,李四,123,临县,\n"
    form["file"] = Upload("linxian.csv", rows.encode("gbk"), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        report = form.submit()
    vendor = Vendor.objects.get(name="王家庄村红枣合作社")
    detail = django_app.get(f"/dashboard/vendors/{vendor.pk}/", user=admin)
    with django_capture_on_commit_callbacks(execute=True):
        resent = detail.forms["invitation_form"].submit()
    earner, _user = make_vendor("沁源县李家沟村家庭农场")
    book(earner, china=china, at=datetime(2025, 2, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    payouts = django_app.get("/dashboard/vendors/payouts/?month=2025-02", user=admin)
    refused = django_app.get("/dashboard/vendors/import/", user=admin).forms["vendor_import_form"]
    refused["file"] = Upload("linxian.xlsx", b"PK\x03\x04\x14\x00", "application/octet-stream")
    refused = refused.submit()
    # then
    pages = {"report": report, "detail": detail, "resent": resent, "payouts": payouts, "refused": refused}
    assert {name: visible_english(page.text) for name, page in pages.items()} == {name: [] for name in pages}
    assert report.html.select("#import_invitations .invitation-copy")
    assert detail.html.select("#invitation_sms .invitation-sms")
    assert resent.html.select("#new_invitation .invitation-link")
    assert payouts.html.select("#payout_totals")
    assert refused.html.select("#vendor_import_form .error-block")
