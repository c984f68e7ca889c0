"""Admins' report of a live event inside Oscar's dashboard (namespace live_report:): the figures, two
charts (SVG, drawn here) and the per-item CSV. Staff only (StaffOnlyMixin); the figures are
vendors.live.report's. Any event, whatever its status: an unknown pk is a 404.
"""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View

from vendors.live.models import LiveEvent
from vendors.live.report import live_event_report
from vendors.web.csv import excel_csv_response
from vendors.web.dashboard.access import StaffOnlyMixin
from vendors.web.live_charts import sales_chart_svg, svg_response, viewers_chart_svg


class _EventReportMixin(StaffOnlyMixin):
    def report(self, pk: int):
        return live_event_report(event=get_object_or_404(LiveEvent, pk=pk))


class LiveReportView(_EventReportMixin, View):
    def get(self, request, pk: int):
        return TemplateResponse(request, "vendors/live/dashboard/report.html", {"report": self.report(pk)})


class LiveReportSalesChartView(_EventReportMixin, View):
    def get(self, request, pk: int):
        return svg_response(sales_chart_svg(self.report(pk), size=request.GET.get("size", "wide")))


class LiveReportViewersChartView(_EventReportMixin, View):
    def get(self, request, pk: int):
        return svg_response(viewers_chart_svg(self.report(pk), size=request.GET.get("size", "wide")))


def item_csv_header() -> list[str]:
    return [
        _("Product"),
        _("Shop"),
        _("Live price"),
        _("Quantity for the event"),
        _("Orders"),
        _("Units sold"),
        _("Buyers"),
        _("Sales (¥)"),
    ]


def item_csv_rows(report) -> list[list]:
    return [
        [
            row.item.product.get_title(),
            row.item.vendor.name,
            f"{row.item.live_price:.2f}",
            row.item.quantity,
            row.orders,
            row.units,
            row.buyers,
            f"{row.sales:.2f}",
        ]
        for row in report.items
    ]


class LiveReportCsvView(_EventReportMixin, View):
    """One row per item, net of cancellations, then the event's total."""

    def get(self, request, pk: int):
        report = self.report(pk)
        total = report.total
        rows = [
            *item_csv_rows(report),
            [pgettext("live report", "Total"), "", "", ""]
            + [total.orders, total.units, total.buyers, f"{total.sales:.2f}"],
        ]
        stamp = f"{timezone.localtime(report.event.starts_at):%Y%m%d}"
        return excel_csv_response(filename=f"live-{report.event.pk}-{stamp}.csv", header=item_csv_header(), rows=rows)
