"""Admins' live event reports inside Oscar's dashboard (namespace live_report:, /dashboard/live-report/).
Staff only."""

from django.urls import path

from vendors.web.dashboard.live_report import (
    LiveReportCsvView,
    LiveReportSalesChartView,
    LiveReportView,
    LiveReportViewersChartView,
)

app_name = "live_report"
urlpatterns = [
    path("<int:pk>/report/", LiveReportView.as_view(), name="report"),
    path("<int:pk>/report/items.csv", LiveReportCsvView.as_view(), name="csv"),
    path("<int:pk>/report/sales.svg", LiveReportSalesChartView.as_view(), name="sales-chart"),
    path("<int:pk>/report/viewers.svg", LiveReportViewersChartView.as_view(), name="viewers-chart"),
]
