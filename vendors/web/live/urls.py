"""The buyer's side of a live sale (namespace live:), under /live/."""

from django.urls import path

from vendors.web.live.views import EventListView, EventStatusView, EventView, SnapupView, WonView

app_name = "live"
urlpatterns = [
    path("", EventListView.as_view(), name="index"),
    path("<slug:slug>/", EventView.as_view(), name="event"),
    path("<slug:slug>/status.json", EventStatusView.as_view(), name="status"),
    path("<slug:slug>/items/<int:item_id>/snap/", SnapupView.as_view(), name="snap"),
    path("<slug:slug>/snapped/<int:pk>/", WonView.as_view(), name="won"),
]
