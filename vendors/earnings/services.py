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

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vendors.earnings.months import month_is_over, month_range, shop_localtime
from vendors.earnings.selectors import earnings_totals
from vendors.models import EarningsEntry, OrderPart, Payout, Vendor

CENT = Decimal("0.01")


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


@transaction.atomic
def payout_mark_paid(*, vendor: Vendor, month: date, reference: str, paid_by, now: datetime | None = None) -> Payout:
    """Record that the platform paid ``vendor`` its net earnings of ``month`` and link that month's unpaid entries.

    Raises PayoutMonthNotOver for the current or a future month, PayoutAlreadyPaid when this vendor's
    month has a payout already, NothingToPay when the month has no unpaid entry.
    """
    if not month_is_over(month, now=now):
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
                "paid_at": f"{shop_localtime(existing.paid_at):%Y-%m-%d %H:%M}",
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
    totals = earnings_totals(entries=EarningsEntry.objects.filter(pk__in=entry_pks))
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
