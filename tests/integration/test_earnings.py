"""The vendors' earnings ledger and monthly payouts (vendors.earnings)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from oscar.test.factories import UserFactory

from tests.factories.marketplace import DELIVERED_AT, book, delivered_part, make_vendor
from vendors.earnings.months import month_parse
from vendors.earnings.selectors import payout_report, seller_earnings_by_month, seller_earnings_entries
from vendors.earnings.services import (
    NothingToPay,
    PartNotDelivered,
    PayoutAlreadyPaid,
    PayoutMonthNotOver,
    earnings_book,
    payout_mark_paid,
)
from vendors.models import EarningsEntry, OrderPart, Payout
from vendors.onboarding.services import vendor_commission_rate_set

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = DELIVERED_AT


# Helpers ------------------------------------------------------------------------------------------


@pytest.fixture
def vendor_a(db):
    return make_vendor("临县王家庄村农民专业合作社")


@pytest.fixture
def vendor_b(db):
    return make_vendor("沁源县李家沟村家庭农场")


# Booking -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("goods", "shipping", "rate", "commission", "net"),
    [
        ("100.00", "8.00", "0.05", "5.00", "103.00"),
        ("104.80", "8.00", "0.05", "5.24", "107.56"),
        ("10.10", "0.00", "0.05", "0.51", "9.59"),  # 0.505 -> half up
        ("0.10", "8.00", "0.05", "0.01", "8.09"),  # 0.005 -> half up
        ("0.09", "0.00", "0.05", "0.00", "0.09"),  # 0.0045 -> down
        ("39.90", "0.00", "0.0350", "1.40", "38.50"),  # 1.3965
        ("12.34", "6.00", "0.0825", "1.02", "17.32"),  # 1.01805
        ("99.00", "0.00", "0", "0.00", "99.00"),
        ("12.30", "8.00", "1", "12.30", "8.00"),  # commission on goods only, never on shipping
    ],
)
def test_commission_and_net_are_exact(vendor_a, china, goods, shipping, rate, commission, net):
    # given
    part = delivered_part(vendor_a[0], china=china, goods=goods, shipping=shipping, rate=rate)
    # when
    entry = earnings_book(part=part)
    # then
    assert (entry.goods_total, entry.shipping_charge, entry.commission_rate, entry.commission, entry.net) == (
        Decimal(goods),
        Decimal(shipping),
        Decimal(rate),
        Decimal(commission),
        Decimal(net),
    )
    assert entry.booked_at == NOW


def test_the_rate_taken_at_placement_counts_not_the_vendors_rate_today(vendor_a, china):
    # given: placed at 5%, the admins raise the vendor to 8% before delivery
    vendor, _user = vendor_a
    part = delivered_part(vendor, china=china, goods="200.00", rate="0.05")
    vendor_commission_rate_set(vendor=vendor, rate=Decimal("0.08"))
    # when
    entry = earnings_book(part=part)
    # then
    assert (entry.commission_rate, entry.commission) == (Decimal("0.0500"), Decimal("10.00"))


def test_booking_a_part_twice_gives_the_one_entry(vendor_a, china):
    # given
    part = delivered_part(vendor_a[0], china=china)
    first = earnings_book(part=part)
    # when
    second = earnings_book(part=part)
    # then
    assert second.pk == first.pk
    assert EarningsEntry.objects.count() == 1


def test_a_part_not_delivered_books_nothing(vendor_a, china):
    # given
    part = delivered_part(vendor_a[0], china=china)
    OrderPart.objects.filter(pk=part.pk).update(status=OrderPart.Status.SHIPPED, delivered_at=None)
    part.refresh_from_db()
    # when
    with pytest.raises(PartNotDelivered):
        earnings_book(part=part)
    # then
    assert EarningsEntry.objects.count() == 0


# Months --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-03", "2026-3", "abcd-ef", "", "2026-03-01", "1999-12"])
def test_a_month_that_is_not_one_is_refused(text):
    # when / then
    with pytest.raises(ValueError):
        month_parse(text)


def test_months_follow_the_shanghai_calendar_across_a_month_boundary(vendor_a, vendor_b, china):
    # given: 23:59 on 28 February and 00:01 on 1 March in Shanghai are both 28 February in UTC
    vendor, _user = vendor_a
    book(vendor, china=china, at=datetime(2026, 2, 28, 23, 59, tzinfo=SHANGHAI), goods="100.00")
    book(vendor, china=china, at=datetime(2026, 3, 1, 0, 1, tzinfo=SHANGHAI), goods="200.00")
    book(vendor, china=china, at=datetime(2026, 3, 31, 23, 59, tzinfo=SHANGHAI), goods="10.10", shipping="0.00")
    book(vendor_b[0], china=china, at=datetime(2026, 3, 2, tzinfo=SHANGHAI), goods="999.00")
    # when
    months = seller_earnings_by_month(vendor=vendor)
    # then
    assert months == [
        {
            "month": date(2026, 3, 1),
            "count": 2,
            "goods_total": Decimal("210.10"),
            "shipping_total": Decimal("8.00"),
            "commission": Decimal("10.51"),
            "net": Decimal("207.59"),
            "unpaid_count": 2,
            "paid": False,
        },
        {
            "month": date(2026, 2, 1),
            "count": 1,
            "goods_total": Decimal("100.00"),
            "shipping_total": Decimal("8.00"),
            "commission": Decimal("5.00"),
            "net": Decimal("103.00"),
            "unpaid_count": 1,
            "paid": False,
        },
    ]


def test_a_vendor_sees_only_its_own_entries_of_the_month(vendor_a, vendor_b, china):
    # given
    mine = book(vendor_a[0], china=china, at=datetime(2026, 3, 1, 0, 1, tzinfo=SHANGHAI))
    book(vendor_a[0], china=china, at=datetime(2026, 2, 28, 23, 59, tzinfo=SHANGHAI))
    book(vendor_b[0], china=china, at=datetime(2026, 3, 5, tzinfo=SHANGHAI))
    # when
    entries = list(seller_earnings_entries(vendor=vendor_a[0], month=date(2026, 3, 1)))
    theirs_by_month = seller_earnings_by_month(vendor=vendor_b[0])
    # then
    assert entries == [mine]
    assert [row["month"] for row in theirs_by_month] == [date(2026, 3, 1)]
    assert theirs_by_month[0]["count"] == 1


# Payouts -------------------------------------------------------------------------------------------


@pytest.fixture
def ledger(vendor_a, vendor_b, china):
    """A: two entries in February, one in March; B: one in February."""
    a, b = vendor_a[0], vendor_b[0]
    return {
        "a_feb": [
            book(a, china=china, at=datetime(2026, 2, 1, 0, 0, tzinfo=SHANGHAI), goods="100.00"),
            book(a, china=china, at=datetime(2026, 2, 28, 23, 59, tzinfo=SHANGHAI), goods="10.10", shipping="0.00"),
        ],
        "a_mar": [book(a, china=china, at=datetime(2026, 3, 1, 0, 0, tzinfo=SHANGHAI), goods="50.00")],
        "b_feb": [book(b, china=china, at=datetime(2026, 2, 14, tzinfo=SHANGHAI), goods="300.00", rate="0.10")],
    }


def test_a_payout_links_exactly_that_vendors_month(vendor_a, ledger):
    # given
    vendor, admin = vendor_a[0], UserFactory(is_staff=True)
    # when
    payout = payout_mark_paid(
        vendor=vendor, month=date(2026, 2, 1), reference=" ICBC-20260305-001 ", paid_by=admin, now=NOW
    )
    # then
    assert (payout.goods_total, payout.shipping_total, payout.commission, payout.net, payout.reference) == (
        Decimal("110.10"),
        Decimal("8.00"),
        Decimal("5.51"),
        Decimal("112.59"),
        "ICBC-20260305-001",
    )
    assert set(EarningsEntry.objects.filter(payout=payout)) == set(ledger["a_feb"])
    assert EarningsEntry.objects.filter(payout__isnull=True).count() == 2  # A's March, B's February
    assert [row["paid"] for row in seller_earnings_by_month(vendor=vendor)] == [False, True]


def test_paying_a_month_twice_is_refused_and_changes_nothing(vendor_a, ledger):
    # given
    vendor, admin = vendor_a[0], UserFactory(is_staff=True)
    first = payout_mark_paid(vendor=vendor, month=date(2026, 2, 1), reference="A-1", paid_by=admin, now=NOW)
    before = (list(Payout.objects.values()), list(EarningsEntry.objects.order_by("pk").values()))
    # when
    with pytest.raises(PayoutAlreadyPaid) as refused:
        payout_mark_paid(vendor=vendor, month=date(2026, 2, 1), reference="A-2", paid_by=admin, now=NOW)
    # then
    assert (list(Payout.objects.values()), list(EarningsEntry.objects.order_by("pk").values())) == before
    paid_at = first.paid_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    assert (
        str(refused.value)
        == f"临县王家庄村农民专业合作社 的 2026-02 已于 {paid_at} 结算（转账凭证号“A-1”），未做任何更改。"
    )


def test_the_current_month_cannot_be_paid_yet(vendor_a, ledger):
    # given
    vendor = vendor_a[0]
    # when
    with pytest.raises(PayoutMonthNotOver):
        payout_mark_paid(
            vendor=vendor, month=date(2026, 4, 1), reference="", paid_by=UserFactory(is_staff=True), now=NOW
        )
    # then
    assert Payout.objects.count() == 0


def test_a_month_without_earnings_has_nothing_to_pay(vendor_b, ledger):
    # when
    with pytest.raises(NothingToPay):
        payout_mark_paid(
            vendor=vendor_b[0], month=date(2026, 3, 1), reference="", paid_by=UserFactory(is_staff=True), now=NOW
        )
    # then
    assert Payout.objects.count() == 0


def test_the_payout_report_sums_each_vendor_of_the_month(vendor_a, vendor_b, ledger):
    # given
    admin = UserFactory(is_staff=True)
    payout_mark_paid(vendor=vendor_b[0], month=date(2026, 2, 1), reference="B-1", paid_by=admin, now=NOW)
    # when
    report = payout_report(month=date(2026, 2, 1))
    # then
    assert [
        (row.vendor.name, row.count, row.goods_total, row.shipping_total, row.commission, row.net, row.unpaid_count)
        for row in report
    ] == [
        ("临县王家庄村农民专业合作社", 2, Decimal("110.10"), Decimal("8.00"), Decimal("5.51"), Decimal("112.59"), 2),
        ("沁源县李家沟村家庭农场", 1, Decimal("300.00"), Decimal("8.00"), Decimal("30.00"), Decimal("278.00"), 0),
    ]
    assert [row.payout.reference if row.payout else None for row in report] == [None, "B-1"]
