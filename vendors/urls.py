"""Public vendor pages: directory, storefronts, applying to sell, invitations (namespace vendors:)."""

from django.urls import path  # noqa: F401

app_name = "vendors"
urlpatterns = []
