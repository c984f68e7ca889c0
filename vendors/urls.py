"""Public vendor pages: directory, storefronts, applying to sell, invitations (namespace vendors:)."""

from django.urls import path

from vendors.views import public

app_name = "vendors"
urlpatterns = [
    path("", public.VendorDirectoryView.as_view(), name="directory"),
    path("apply/", public.ApplyView.as_view(), name="apply"),
    path("apply/status/", public.ApplyStatusView.as_view(), name="apply-status"),
    path("invitation/<str:token>/", public.InvitationView.as_view(), name="invitation"),
    # Last: a storefront's slug could otherwise shadow the pages above.
    path("<slug:slug>/", public.StorefrontView.as_view(), name="storefront"),
]
