"""Earnings through the pages: the seller center's months and CSV, the admins' payout report and "mark paid"."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from oscar.test.factories import UserFactory

from tests.factories.marketplace import book, make_vendor
from vendors.earnings.services import payout_mark_paid
from vendors.models import EarningsEntry, Payout

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def ledger(db, china):
    """Vendor A: two entries in February 2025 (one at 23:59 on the 28th, Shanghai), one in March; B: February."""
    vendor_a, user_a = make_vendor("临县王家庄村农民专业合作社")
    vendor_b, user_b = make_vendor("沁源县李家沟村家庭农场")
    a_feb_1 = book(vendor_a, china=china, at=datetime(2025, 2, 3, 10, 0, tzinfo=SHANGHAI), goods="104.80")
    a_feb_2 = book(
        vendor_a, china=china, at=datetime(2025, 2, 28, 23, 59, tzinfo=SHANGHAI), goods="10.10", shipping="0.00"
    )
    a_mar = book(vendor_a, china=china, at=datetime(2025, 3, 1, 0, 1, tzinfo=SHANGHAI), goods="50.00")
    b_feb = book(vendor_b, china=china, at=datetime(2025, 2, 14, tzinfo=SHANGHAI), goods="300.00", rate="0.10")
    return {
        "vendor_a": vendor_a,
        "user_a": user_a,
        "vendor_b": vendor_b,
        "user_b": user_b,
        "a_feb": [a_feb_1, a_feb_2],
        "a_mar": a_mar,
        "b_feb": b_feb,
    }


# The seller center ---------------------------------------------------------------------------------


def test_a_vendor_sees_its_earnings_by_month_and_not_another_vendors(django_app, ledger):
    # when
    home = django_app.get("/seller/", user=ledger["user_a"])
    page = home.click(href="/seller/earnings/", index=0)
    # then
    assert page.status_code == 200
    rows = [
        (
            row["data-month"],
            row.select_one(".paid-status").text,
            row.select_one(".count").text,
            row.select_one(".goods").text,
            row.select_one(".shipping").text,
            row.select_one(".commission").text,
            row.select_one(".net").text,
            row.select_one(".csv-link")["href"],
        )
        for row in page.html.select(".earnings-month")
    ]
    assert rows == [
        ("2025-03", "未结算", "1", "¥50.00", "¥8.00", "-¥2.50", "¥55.50", "/seller/earnings/2025-03.csv"),
        ("2025-02", "未结算", "2", "¥114.90", "¥8.00", "-¥5.75", "¥117.15", "/seller/earnings/2025-02.csv"),
    ]
    assert "¥300.00" not in page.text
    assert page.html.select_one("#earnings_rule").text == (
        "买家确认收货后计入收入；买家没有确认的，发货 10 天后自动确认收货。每月收入在月底结束后结算打款。"
        "佣金只按商品金额收取，运费不收佣金。"
    )


def test_the_csv_of_a_month_opens_in_excel_with_chinese_headers(django_app, ledger):
    # given
    first, second = ledger["a_feb"]
    # when
    response = django_app.get("/seller/earnings/2025-02.csv", user=ledger["user_a"])
    # then
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="earnings-2025-02.csv"'
    assert response.body.startswith(b"\xef\xbb\xbf")
    assert response.body.decode("utf-8-sig").splitlines() == [
        "订单号,入账时间,商品总额,运费,佣金比例,佣金,实得收入,结算状态,转账凭证号",
        f"{first.part.order.number},2025-02-03 10:00,104.80,8.00,5.00%,5.24,107.56,未结算,",
        f"{second.part.order.number},2025-02-28 23:59,10.10,0.00,5.00%,0.51,9.59,未结算,",
    ]


@pytest.mark.parametrize("month", ["2025-13", "2025-00", "0000-01", "2025-1", "next-month", "2025-04"])
def test_a_bad_month_or_a_month_without_earnings_is_not_found(django_app, ledger, month):
    # when
    response = django_app.get(f"/seller/earnings/{month}.csv", user=ledger["user_a"], expect_errors=True)
    # then
    assert response.status_code == 404


def test_a_vendor_cannot_download_another_vendors_month(django_app, ledger):
    # given: only B earned anything in February 2025 besides A; a vendor C earned nothing at all
    _vendor_c, user_c = make_vendor("武乡县小米合作社")
    # when
    response = django_app.get("/seller/earnings/2025-02.csv", user=user_c, expect_errors=True)
    own = django_app.get("/seller/earnings/2025-02.csv", user=ledger["user_b"])
    # then
    assert response.status_code == 404
    assert len(own.body.decode("utf-8-sig").splitlines()) == 2
    assert ledger["b_feb"].part.order.number in own.text
    assert all(entry.part.order.number not in own.text for entry in ledger["a_feb"])


# The admins' payouts -------------------------------------------------------------------------------


def test_an_admin_reads_the_months_report_and_marks_a_vendor_paid(django_app, ledger):
    # given
    admin = UserFactory(is_staff=True)
    # when
    dashboard = django_app.get("/dashboard/", user=admin)
    report = django_app.get("/dashboard/vendors/payouts/?month=2025-02", user=admin)
    form = [
        f for f in report.forms.values() if "vendor" in f.fields and f["vendor"].value == str(ledger["vendor_a"].pk)
    ][0]
    form["reference"] = "ICBC-20250305-001"
    paid = form.submit().follow()
    # then
    assert "/dashboard/vendors/payouts/" in dashboard.text
    rows = [
        (row.select_one("a").text, row.select_one(".net").text.strip()) for row in report.html.select(".payout-row")
    ]
    assert rows == [("临县王家庄村农民专业合作社", "¥117.15"), ("沁源县李家沟村家庭农场", "¥278.00")]
    payout = Payout.objects.get()
    assert (payout.vendor, payout.month.isoformat(), payout.net, payout.reference, payout.paid_by) == (
        ledger["vendor_a"],
        "2025-02-01",
        Decimal("117.15"),
        "ICBC-20250305-001",
        admin,
    )
    assert set(EarningsEntry.objects.filter(payout=payout)) == set(ledger["a_feb"])
    assert [m.text.strip().splitlines()[0] for m in paid.html.select(".alert-success")] == [
        "已将 临县王家庄村农民专业合作社 的 2025-02 标记为已结算：¥117.15。"
    ]
    paid_cell = paid.html.select(".payout-row")[0].select_one(".paid").text
    assert "已结算" in paid_cell and "ICBC-20250305-001" in paid_cell


def test_the_report_has_a_totals_row(django_app, ledger):
    # given: one of the two vendors paid
    admin = UserFactory(is_staff=True)
    payout_mark_paid(vendor=ledger["vendor_b"], month=date(2025, 2, 1), reference="B-1", paid_by=admin)
    # when
    report = django_app.get("/dashboard/vendors/payouts/?month=2025-02", user=admin)
    # then
    totals = report.html.select_one("#payout_totals")
    cells = [" ".join(cell.stripped_strings) for cell in totals.select("th, td")]
    assert cells == ["合计（2 个商家）", "3", "¥414.90", "¥16.00", "¥35.75", "¥395.15", "已结算 ¥278.00 未结算 ¥117.15"]


def test_an_empty_month_has_no_totals_row(django_app, ledger):
    # when
    report = django_app.get("/dashboard/vendors/payouts/?month=2025-04", user=UserFactory(is_staff=True))
    # then
    assert report.html.select("#payout_totals") == []
    assert report.html.select_one("#payout_report tbody").get_text(strip=True) == "本月没有商家收入。"


def test_the_report_opens_on_the_last_month_over_that_has_earnings(django_app, ledger):
    # when: no month asked for (today is long after March 2025)
    report = django_app.get("/dashboard/vendors/payouts/", user=UserFactory(is_staff=True))
    # then
    assert report.html.select_one("#id_month")["value"] == "2025-03"
    assert [row.select_one("a").text for row in report.html.select(".payout-row")] == ["临县王家庄村农民专业合作社"]


def test_without_earnings_in_past_months_the_report_opens_on_this_month(db, django_app, china):
    # given: the market's first earnings, booked this month
    vendor, _user = make_vendor("临县王家庄村农民专业合作社")
    book(vendor, china=china, at=timezone.now())
    # when
    report = django_app.get("/dashboard/vendors/payouts/", user=UserFactory(is_staff=True))
    # then
    assert report.html.select_one("#id_month")["value"] == timezone.localtime(timezone.now(), SHANGHAI).strftime(
        "%Y-%m"
    )
    assert len(report.html.select(".payout-row")) == 1
    assert report.html.select_one("#payout_totals .net").text == "¥103.00"


def test_marking_a_month_paid_twice_is_refused_with_a_clear_message(django_app_factory, ledger):
    # given
    app = django_app_factory(csrf_checks=False)
    admin = UserFactory(is_staff=True)
    data = {"vendor": str(ledger["vendor_a"].pk), "month": "2025-02", "reference": "A-1"}
    app.post("/dashboard/vendors/payouts/pay/", data, user=admin)
    before = list(EarningsEntry.objects.order_by("pk").values())
    # when
    again = app.post("/dashboard/vendors/payouts/pay/", {**data, "reference": "A-2"}, user=admin).follow()
    # then
    assert Payout.objects.count() == 1
    assert Payout.objects.get().reference == "A-1"
    assert list(EarningsEntry.objects.order_by("pk").values()) == before
    errors = [m.text.strip().splitlines()[0] for m in again.html.select(".alert-danger")]
    assert len(errors) == 1 and errors[0].startswith("临县王家庄村农民专业合作社 的 2025-02 已于 ")
    assert errors[0].endswith("结算（转账凭证号“A-1”），未做任何更改。")


def test_the_report_as_csv(django_app, ledger):
    # when
    response = django_app.get("/dashboard/vendors/payouts/csv/?month=2025-02", user=UserFactory(is_staff=True))
    # then
    assert response.headers["Content-Disposition"] == 'attachment; filename="payouts-2025-02.csv"'
    assert response.body.startswith(b"\xef\xbb\xbf")
    assert response.body.decode("utf-8-sig").splitlines() == [
        "商家,县区,包裹数,商品总额,运费,佣金,实得收入,结算状态,转账凭证号",
        "临县王家庄村农民专业合作社,临县,2,114.90,8.00,5.75,117.15,未结算,",
        "沁源县李家沟村家庭农场,临县,1,300.00,8.00,30.00,278.00,未结算,",
    ]


def test_a_bad_month_in_the_report_is_a_message_not_a_server_error(django_app, ledger):
    # when
    page = django_app.get("/dashboard/vendors/payouts/?month=2025-13", user=UserFactory(is_staff=True), status=400)
    csv = django_app.get("/dashboard/vendors/payouts/csv/?month=2025-13", user=UserFactory(is_staff=True), status=404)
    # then
    assert page.html.select_one("#month_error").text == "“2025-13”不是有效的月份：请使用 YYYY-MM 格式，例如 2026-03。"
    assert csv.status_code == 404


@pytest.mark.parametrize(
    ("url", "method"),
    [
        ("/dashboard/vendors/payouts/?month=2025-02", "get"),
        ("/dashboard/vendors/payouts/csv/?month=2025-02", "get"),
        ("/dashboard/vendors/payouts/pay/", "post"),
    ],
)
def test_vendors_and_consumers_cannot_reach_the_payouts(django_app_factory, ledger, url, method):
    # given
    app = django_app_factory(csrf_checks=False)
    data = {"vendor": str(ledger["vendor_a"].pk), "month": "2025-02", "reference": "x"}
    # when
    answers = []
    for user in (ledger["user_a"], UserFactory()):
        if method == "get":
            response = app.get(url, user=user, expect_errors=True)
        else:
            response = app.post(url, data, user=user, expect_errors=True)
        answers.append((response.status_code, response.headers.get("Location", "").split("?")[0]))
    # then
    assert all(answer in ((302, "/accounts/login/"), (403, "")) for answer in answers), answers
    assert Payout.objects.count() == 0
