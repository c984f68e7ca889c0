"""A shop's report of a live event in the seller center (/seller/live/<event_pk>/report/): its own items only.

The event is found through vendors.live.report.seller_live_event_get (an event without any of the signed-in
shop's items is a 404, like anyone else's object), and every figure and chart is scoped to that shop
(live_event_report(vendor=...)): never another shop's titles or money, nor the event's total sales.
A suspended shop still sees how its past events went.
"""

from django.http import HttpResponseNotAllowed
from django.views import View

from vendors.live.report import live_event_report, seller_live_event_get
from vendors.web.live_charts import sales_chart_svg, svg_response, viewers_chart_svg
from vendors.web.seller.views import SellerRequiredMixin


class _ShopReportMixin(SellerRequiredMixin):
    allow_suspended = True

    def report(self, event_pk: int):
        return live_event_report(event=seller_live_event_get(vendor=self.vendor, pk=event_pk), vendor=self.vendor)

    def post(self, request, event_pk: int):
        # Someone else's event is a 404 whatever the method, like every seller-center object.
        seller_live_event_get(vendor=self.vendor, pk=event_pk)
        return HttpResponseNotAllowed(["GET"])


class SellerLiveReportView(_ShopReportMixin, View):
    def get(self, request, event_pk: int):
        return self.render("live_report.html", {"report": self.report(event_pk)})


class SellerLiveReportSalesChartView(_ShopReportMixin, View):
    def get(self, request, event_pk: int):
        return svg_response(sales_chart_svg(self.report(event_pk), size=request.GET.get("size", "wide")))


class SellerLiveReportViewersChartView(_ShopReportMixin, View):
    def get(self, request, event_pk: int):
        return svg_response(viewers_chart_svg(self.report(event_pk), size=request.GET.get("size", "wide")))
