"""The seller center (namespace seller:). Every view here must go through vendors.selectors."""

from django.urls import path  # noqa: F401

app_name = "seller"
urlpatterns = []
