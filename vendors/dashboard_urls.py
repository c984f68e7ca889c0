"""Admins' vendor pages inside Oscar's dashboard (namespace vendors_dashboard:)."""

from django.urls import path  # noqa: F401

app_name = "vendors_dashboard"
urlpatterns = []
