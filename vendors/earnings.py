"""The vendors' earnings ledger and the platform's monthly payouts.

Rules:
- A delivered part books exactly one EarningsEntry (the one-to-one on the part; booking twice
  returns the first). commission = goods_total x the part's commission_rate (the rate snapshot taken
  when the order was placed), rounded half-up to 0.01 - on goods only, never on shipping;
  net = goods_total + shipping_charge - commission. booked_at = the part's delivered_at.
- Months are calendar months of Asia/Shanghai, whatever the server's time zone.
- A payout pays one vendor one month that is over: it records the month's totals and links that
  month's unpaid entries, all in one transaction under the vendor's row lock; a second payout of the
  same vendor and month is refused (PayoutAlreadyPaid), and so is a month with nothing to pay.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from vendors.models import EarningsEntry, OrderPart, Payout, Vendor

EARNINGS_TIME_ZONE = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class PartNotDelivered(Exception):
    """Only a delivered part earns the vendor money."""


class PayoutRefused(Exception):
    """A payout that must not be made; the message says why, in the admin's language."""


class PayoutAlreadyPaid(PayoutRefused):
    pass


class NothingToPay(PayoutRefused):
    pass


class PayoutMonthNotOver(PayoutRefused):
    pass


def commission_of(*, goods_total: Decimal, rate: Decimal) -> Decimal:
    """The platform's commission on goods: rounded half-up to 0.01."""
    return (goods_total * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def month_parse(text: str) -> date:
    """``YYYY-MM`` -> the first day of that month. Raises ValueError for anything else."""
    match = _MONTH.match(text or "")
    if not match:
        raise ValueError(f"not a month: {text!r}")
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2999 and 1 <= month <= 12):
        raise ValueError(f"not a month: {text!r}")
    return date(year, month, 1)


def month_next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_previous(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def month_current(*, now: datetime | None = None) -> date:
    local = timezone.localtime(now or timezone.now(), EARNINGS_TIME_ZONE)
    return date(local.year, local.month, 1)


def month_range(month: date) -> tuple[datetime, datetime]:
    """The month's start (inclusive) and end (exclusive) as aware datetimes of Asia/Shanghai."""
    following = month_next(month)
    return (
        datetime(month.year, month.month, 1, tzinfo=EARNINGS_TIME_ZONE),
        datetime(following.year, following.month, 1, tzinfo=EARNINGS_TIME_ZONE),
    )


@transaction.atomic
def earnings_book(*, part: OrderPart) -> EarningsEntry:
    """The ledger entry of a delivered part; the existing one if it was booked before.

    Raises PartNotDelivered for a part that is not delivered.
    """
    if part.status != OrderPart.Status.DELIVERED or part.delivered_at is None:
        raise PartNotDelivered(f"order part {part.pk} is {part.status}")
    commission = commission_of(goods_total=part.goods_total, rate=part.commission_rate)
    entry, _created = EarningsEntry.objects.get_or_create(
        part=part,
        defaults={
            "vendor_id": part.vendor_id,
            "goods_total": part.goods_total,
            "shipping_charge": part.shipping_charge,
            "commission_rate": part.commission_rate,
            "commission": commission,
            "net": part.goods_total + part.shipping_charge - commission,
            "booked_at": part.delivered_at,
        },
    )
    return entry


_ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _totals(entries) -> dict:
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


@transaction.atomic
def payout_mark_paid(*, vendor: Vendor, month: date, reference: str, paid_by, now: datetime | None = None) -> Payout:
    """Record that the platform paid ``vendor`` its net earnings of ``month`` and link that month's unpaid entries.

    Raises PayoutMonthNotOver for the current or a future month, PayoutAlreadyPaid when this vendor's
    month has a payout already, NothingToPay when the month has no unpaid entry.
    """
    if month >= month_current(now=now):
        raise PayoutMonthNotOver(
            _("%(month)s is not over yet: a month is paid after it ends.") % {"month": f"{month:%Y-%m}"}
        )
    # The vendor's row lock serialises two admins paying the same vendor at once.
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    existing = Payout.objects.filter(vendor=vendor, month=month).first()
    if existing is not None:
        raise PayoutAlreadyPaid(
            _(
                "%(vendor)s was already paid for %(month)s on %(paid_at)s (reference “%(reference)s”). "
                "Nothing was changed."
            )
            % {
                "vendor": vendor.name,
                "month": f"{month:%Y-%m}",
                "paid_at": f"{timezone.localtime(existing.paid_at, EARNINGS_TIME_ZONE):%Y-%m-%d %H:%M}",
                "reference": existing.reference or "-",
            }
        )
    start, end = month_range(month)
    unpaid = EarningsEntry.objects.filter(vendor=vendor, booked_at__gte=start, booked_at__lt=end, payout__isnull=True)
    entry_pks = list(unpaid.select_for_update().values_list("pk", flat=True))
    if not entry_pks:
        raise NothingToPay(
            _("%(vendor)s has nothing to be paid for %(month)s.") % {"vendor": vendor.name, "month": f"{month:%Y-%m}"}
        )
    totals = _totals(EarningsEntry.objects.filter(pk__in=entry_pks))
    try:
        with transaction.atomic():
            payout = Payout.objects.create(
                vendor=vendor,
                month=month,
                goods_total=totals["goods_total"],
                shipping_total=totals["shipping_total"],
                commission=totals["commission"],
                net=totals["net"],
                reference=reference.strip()[:64],
                paid_by=paid_by,
            )
    except IntegrityError as clash:  # the unique (vendor, month) backstop
        raise PayoutAlreadyPaid(
            _("%(vendor)s was already paid for %(month)s. Nothing was changed.")
            % {"vendor": vendor.name, "month": f"{month:%Y-%m}"}
        ) from clash
    linked = EarningsEntry.objects.filter(pk__in=entry_pks, payout__isnull=True).update(payout=payout)
    if linked != len(entry_pks):
        # Unreachable under the lock; refuse rather than record a payout whose totals lie.
        raise PayoutAlreadyPaid(_("Some of these earnings were paid meanwhile. Nothing was changed."))
    return payout
