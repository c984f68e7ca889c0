"""Earnings reads: a vendor's sales and ledger by month, and the admins' payout report.

Rules:
- A vendor sees only its own sales and earnings (``seller_*``); a part the buyer cancelled is no sale.
- Days and months are those of the shop's clock (vendors.earnings.months).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, Max, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from shop.order.models import Line
from vendors.earnings.months import month_current, month_range, shop_localtime
from vendors.models import EarningsEntry, OrderPart, Payout, Vendor

# Sales are counted by the calendar of the vendors' own time zone, whatever the request's.


def seller_sales_totals(*, vendor: Vendor, now: datetime | None = None) -> dict[str, Decimal]:
    """Sum of the vendor's own lines (incl. tax) of orders placed today and this month, in Asia/Shanghai.

    A part the buyer cancelled is no sale.
    """
    local_now = shop_localtime(now)
    day_start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = day_start.replace(day=1)
    zero = Value(Decimal("0.00"), output_field=DecimalField(max_digits=12, decimal_places=2))
    cancelled = OrderPart.objects.filter(order=OuterRef("order"), vendor=vendor, status=OrderPart.Status.CANCELLED)
    lines = Line.objects.filter(partner=vendor.partner, order__date_placed__gte=month_start).exclude(Exists(cancelled))
    return lines.aggregate(
        today=Coalesce(Sum("line_price_incl_tax", filter=Q(order__date_placed__gte=day_start)), zero),
        month=Coalesce(Sum("line_price_incl_tax"), zero),
    )


def seller_earnings_by_month(*, vendor: Vendor) -> list[dict]:
    """The vendor's earnings per calendar month of Asia/Shanghai, newest first.

    Each row: month (date, first day), count, goods_total, shipping_total, commission, net,
    unpaid_count and paid (every entry of the month is in a payout).
    """
    rows = (
        EarningsEntry.objects.filter(vendor=vendor)
        .annotate(month=TruncMonth("booked_at", tzinfo=timezone.get_default_timezone()))
        .values("month")
        .annotate(**ledger_sums())
        .order_by("-month")
    )
    return [
        {
            "month": shop_localtime(row["month"]).date() if isinstance(row["month"], datetime) else row["month"],
            "count": row["count"],
            "goods_total": row["goods_total"],
            "shipping_total": row["shipping_total"],
            "commission": row["commission_total"],
            "net": row["net_total"],
            "unpaid_count": row["unpaid_count"],
            "paid": row["unpaid_count"] == 0,
        }
        for row in rows
    ]


def seller_earnings_entries(*, vendor: Vendor, month) -> QuerySet:
    """The vendor's own ledger entries booked in ``month`` (a date, first day; Asia/Shanghai), oldest first."""
    start, end = month_range(month)
    return (
        EarningsEntry.objects.filter(vendor=vendor, booked_at__gte=start, booked_at__lt=end)
        .select_related("part__order", "payout")
        .order_by("booked_at", "pk")
    )


_ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def earnings_totals(*, entries) -> dict:
    """Goods, shipping, commission and net of some ledger entries, and their count (zeros for none)."""
    return entries.aggregate(
        goods_total=Coalesce(Sum("goods_total"), _ZERO),
        shipping_total=Coalesce(Sum("shipping_charge"), _ZERO),
        commission=Coalesce(Sum("commission"), _ZERO),
        net=Coalesce(Sum("net"), _ZERO),
        count=Count("pk"),
    )


@dataclass
class PayoutRow:
    vendor: Vendor
    count: int
    goods_total: Decimal
    shipping_total: Decimal
    commission: Decimal
    net: Decimal
    unpaid_count: int
    payout: Payout | None


def ledger_sums() -> dict:
    """The aggregates of a group of ledger entries, for ``.values(...).annotate(**ledger_sums())``."""
    return {
        "count": Count("pk"),
        "goods_total": Sum("goods_total"),
        "shipping_total": Sum("shipping_charge"),
        "commission_total": Sum("commission"),
        "net_total": Sum("net"),
        "unpaid_count": Count("pk", filter=Q(payout__isnull=True)),
    }


def payout_report(*, month: date) -> list[PayoutRow]:
    """Per vendor with entries booked in ``month``: totals, what is still unpaid, its payout if any. Two queries."""
    start, end = month_range(month)
    rows = (
        EarningsEntry.objects.filter(booked_at__gte=start, booked_at__lt=end)
        .values("vendor")
        .annotate(**ledger_sums())
        .order_by("vendor")
    )
    rows = list(rows)
    vendors = Vendor.objects.in_bulk([row["vendor"] for row in rows])
    payouts = {p.vendor_id: p for p in Payout.objects.filter(month=month, vendor__in=vendors)}
    report = [
        PayoutRow(
            vendor=vendors[row["vendor"]],
            count=row["count"],
            goods_total=row["goods_total"],
            shipping_total=row["shipping_total"],
            commission=row["commission_total"],
            net=row["net_total"],
            unpaid_count=row["unpaid_count"],
            payout=payouts.get(row["vendor"]),
        )
        for row in rows
    ]
    return sorted(report, key=lambda row: (row.vendor.county, row.vendor.name))


@dataclass(frozen=True)
class PayoutTotals:
    count: int
    goods_total: Decimal
    shipping_total: Decimal
    commission: Decimal
    net: Decimal
    paid_net: Decimal
    unpaid_net: Decimal


def payout_report_totals(*, rows: list[PayoutRow]) -> PayoutTotals:
    """The report's totals row: every vendor's parcels, goods, shipping, commission and net added up, and
    how much of the net is paid out (the vendors with a payout) and still to pay."""
    zero = Decimal("0.00")
    paid_net = sum((row.net for row in rows if row.payout is not None), zero)
    net = sum((row.net for row in rows), zero)
    return PayoutTotals(
        count=sum(row.count for row in rows),
        goods_total=sum((row.goods_total for row in rows), zero),
        shipping_total=sum((row.shipping_total for row in rows), zero),
        commission=sum((row.commission for row in rows), zero),
        net=net,
        paid_net=paid_net,
        unpaid_net=net - paid_net,
    )


def payout_month_default(*, now: datetime | None = None) -> date:
    """The month the payout report opens on: the last month that is over and has earnings (the one to
    pay); else the current month if it has earnings; else the current month. Two queries at most."""
    current = month_current(now=now)
    current_start, _end = month_range(current)
    last_over = EarningsEntry.objects.filter(booked_at__lt=current_start).aggregate(last=Max("booked_at"))["last"]
    if last_over is not None:
        local = shop_localtime(last_over)
        return date(local.year, local.month, 1)
    return current
