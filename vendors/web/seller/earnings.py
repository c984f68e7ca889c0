"""The seller center's earnings (/seller/earnings/): monthly totals and each month's entries as CSV.

Thin views over vendors.earnings.selectors (scoped to the signed-in vendor). A month in the URL that is not
a month, or a month without any of the vendor's earnings, is a 404: never a 500, never someone else's.
"""

from django.conf import settings
from django.http import Http404, HttpResponseNotAllowed
from django.utils.translation import gettext as _
from django.views import View

from vendors.earnings.months import month_parse, shop_localtime
from vendors.earnings.selectors import seller_earnings_by_month, seller_earnings_entries
from vendors.web.csv import excel_csv_response
from vendors.web.seller.views import SellerRequiredMixin


class EarningsView(SellerRequiredMixin, View):
    # A suspended shop is still owed what it earned.
    allow_suspended = True

    def get(self, request):
        return self.render(
            "earnings.html",
            {
                "months": seller_earnings_by_month(vendor=self.vendor),
                "auto_deliver_days": settings.VENDOR_AUTO_DELIVER_DAYS,
            },
        )


class EarningsCsvView(SellerRequiredMixin, View):
    """One month's ledger entries, UTF-8 with a BOM so that Excel on Chinese Windows reads it."""

    allow_suspended = True

    def get_object(self, month: str):
        try:
            first_day = month_parse(month)
        except ValueError as bad:
            raise Http404 from bad
        entries = list(seller_earnings_entries(vendor=self.vendor, month=first_day))
        if not entries:
            raise Http404
        return first_day, entries

    def post(self, request, month: str):
        self.get_object(month)
        return HttpResponseNotAllowed(["GET"])

    def get(self, request, month: str):
        first_day, entries = self.get_object(month)
        header = [
            _("Order number"),
            _("Booked at"),
            _("Goods total"),
            _("Shipping charge"),
            _("Commission rate"),
            _("Commission"),
            _("Net"),
            _("Paid out"),
            _("Transfer reference"),
        ]
        rows = (
            [
                entry.part.order.number,
                f"{shop_localtime(entry.booked_at):%Y-%m-%d %H:%M}",
                f"{entry.goods_total:.2f}",
                f"{entry.shipping_charge:.2f}",
                f"{entry.commission_rate * 100:.2f}%",
                f"{entry.commission:.2f}",
                f"{entry.net:.2f}",
                _("Paid") if entry.payout_id else _("Unpaid"),
                entry.payout.reference if entry.payout_id else "",
            ]
            for entry in entries
        )
        return excel_csv_response(filename=f"earnings-{first_day:%Y-%m}.csv", header=header, rows=rows)
