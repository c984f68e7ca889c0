"""A buyer's actions on a vendor's part of its own order (namespace order_parts:), under /accounts/orders/;
a guest's go through its order's link (number and verification hash, as Oscar's anon-order page)."""

from django.urls import path

from vendors.web.customer.views import GuestPartActionView, PartActionView

app_name = "order_parts"
urlpatterns = [
    path("<str:number>/parts/<int:pk>/cancel/", PartActionView.as_view(action="cancel"), name="cancel"),
    path(
        "<str:number>/parts/<int:pk>/confirm-receipt/",
        PartActionView.as_view(action="confirm"),
        name="confirm-receipt",
    ),
    path(
        "<str:order_number>/<str:hash>/parts/<int:pk>/cancel/",
        GuestPartActionView.as_view(action="cancel"),
        name="guest-cancel",
    ),
    path(
        "<str:order_number>/<str:hash>/parts/<int:pk>/confirm-receipt/",
        GuestPartActionView.as_view(action="confirm"),
        name="guest-confirm-receipt",
    ),
]
