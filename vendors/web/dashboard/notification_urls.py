"""Admins' notification pages inside Oscar's dashboard (namespace notifications_dashboard:). Staff only."""

from django.urls import path

from vendors.web.dashboard.notification_views import MessageListView, MessageRetryAllView, MessageRetryView

app_name = "notifications_dashboard"
urlpatterns = [
    path("", MessageListView.as_view(), name="list"),
    path("retry-failed/", MessageRetryAllView.as_view(), name="retry-all"),
    path("<int:pk>/retry/", MessageRetryView.as_view(), name="retry"),
]
