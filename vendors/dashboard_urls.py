"""Admins' vendor pages inside Oscar's dashboard (namespace vendors_dashboard:). Staff only."""

from django.urls import path

from vendors.views import dashboard

app_name = "vendors_dashboard"
urlpatterns = [
    path("", dashboard.VendorListView.as_view(), name="list"),
    path("import/", dashboard.VendorImportView.as_view(), name="import"),
    path("payouts/", dashboard.PayoutReportView.as_view(), name="payouts"),
    path("payouts/csv/", dashboard.PayoutCsvView.as_view(), name="payouts-csv"),
    path("payouts/pay/", dashboard.PayoutMarkPaidView.as_view(), name="payout-pay"),
    path("<int:pk>/", dashboard.VendorDetailView.as_view(), name="detail"),
    path("<int:pk>/licence/", dashboard.VendorLicenceView.as_view(), name="licence"),
    path("<int:pk>/approve/", dashboard.VendorDecisionView.as_view(action="approve"), name="approve"),
    path("<int:pk>/reject/", dashboard.VendorDecisionView.as_view(action="reject"), name="reject"),
    path("<int:pk>/suspend/", dashboard.VendorDecisionView.as_view(action="suspend"), name="suspend"),
    path("<int:pk>/reinstate/", dashboard.VendorDecisionView.as_view(action="reinstate"), name="reinstate"),
    path("<int:pk>/commission/", dashboard.VendorCommissionView.as_view(), name="commission"),
    path("<int:pk>/invitation/", dashboard.VendorInvitationView.as_view(), name="invitation"),
]
