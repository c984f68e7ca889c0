"""Admins' notification pages inside Oscar's dashboard (namespace notifications_dashboard:). Staff only."""

from django.urls import path

from shop.notifications import views

app_name = "notifications_dashboard"
urlpatterns = [
    path("", views.MessageListView.as_view(), name="list"),
    path("retry-failed/", views.MessageRetryAllView.as_view(), name="retry-all"),
    path("<int:pk>/retry/", views.MessageRetryView.as_view(), name="retry"),
]
