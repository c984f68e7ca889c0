"""Public vendor pages: directory, storefronts, applying to sell, invitations (namespace vendors:)."""

from django.urls import path

from vendors.web.public.views import (
    ApplyStatusView,
    ApplyView,
    InvitationView,
    SignedInView,
    StorefrontView,
    VendorDirectoryView,
)

app_name = "vendors"
urlpatterns = [
    path("", VendorDirectoryView.as_view(), name="directory"),
    path("apply/", ApplyView.as_view(), name="apply"),
    path("apply/status/", ApplyStatusView.as_view(), name="apply-status"),
    path("signed-in/", SignedInView.as_view(), name="signed-in"),
    path("invitation/<str:token>/", InvitationView.as_view(), name="invitation"),
    # Last: a storefront's slug could otherwise shadow the pages above.
    path("<slug:slug>/", StorefrontView.as_view(), name="storefront"),
]
