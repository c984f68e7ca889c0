"""Admins' vendor pages inside Oscar's dashboard (namespace vendors_dashboard:). Staff only."""

from django.urls import path

from vendors.web.dashboard.views import (
    PayoutCsvView,
    PayoutMarkPaidView,
    PayoutReportView,
    VendorCommissionView,
    VendorDecisionView,
    VendorDetailView,
    VendorImportTemplateView,
    VendorImportView,
    VendorInvitationView,
    VendorLicenceView,
    VendorListView,
)

app_name = "vendors_dashboard"
urlpatterns = [
    path("", VendorListView.as_view(), name="list"),
    path("import/", VendorImportView.as_view(), name="import"),
    path("import/template.csv", VendorImportTemplateView.as_view(), name="import-template"),
    path("payouts/", PayoutReportView.as_view(), name="payouts"),
    path("payouts/csv/", PayoutCsvView.as_view(), name="payouts-csv"),
    path("payouts/pay/", PayoutMarkPaidView.as_view(), name="payout-pay"),
    path("<int:pk>/", VendorDetailView.as_view(), name="detail"),
    path("<int:pk>/licence/", VendorLicenceView.as_view(), name="licence"),
    path("<int:pk>/approve/", VendorDecisionView.as_view(action="approve"), name="approve"),
    path("<int:pk>/reject/", VendorDecisionView.as_view(action="reject"), name="reject"),
    path("<int:pk>/suspend/", VendorDecisionView.as_view(action="suspend"), name="suspend"),
    path("<int:pk>/reinstate/", VendorDecisionView.as_view(action="reinstate"), name="reinstate"),
    path("<int:pk>/commission/", VendorCommissionView.as_view(), name="commission"),
    path("<int:pk>/invitation/", VendorInvitationView.as_view(), name="invitation"),
]
