"""The seller center's earnings (/seller/earnings/): monthly totals and each month's entries as CSV.

Thin views over vendors.selectors (scoped to the signed-in vendor). A month in the URL that is not
a month, or a month without any of the vendor's earnings, is a 404: never a 500, never someone else's.
"""

import csv
import io

from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from vendors import selectors
from vendors.earnings import EARNINGS_TIME_ZONE, month_parse
from vendors.views.seller import SellerRequiredMixin


class EarningsView(SellerRequiredMixin, View):
    # A suspended shop is still owed what it earned.
    allow_suspended = True

    def get(self, request):
        return self.render("earnings.html", {"months": selectors.seller_earnings_by_month(vendor=self.vendor)})


class EarningsCsvView(SellerRequiredMixin, View):
    """One month's ledger entries, UTF-8 with a BOM so that Excel on Chinese Windows reads it."""

    allow_suspended = True

    def get_object(self, month: str):
        try:
            first_day = month_parse(month)
        except ValueError as bad:
            raise Http404 from bad
        entries = list(selectors.seller_earnings_entries(vendor=self.vendor, month=first_day))
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
                f"{timezone.localtime(entry.booked_at, EARNINGS_TIME_ZONE):%Y-%m-%d %H:%M}",
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


def excel_csv_response(*, filename: str, header: list, rows) -> HttpResponse:
    """A CSV download that Excel on a Chinese Windows opens as UTF-8 (a byte-order mark first); never cached."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
