"""Admins' live-event pages inside Oscar's dashboard (namespace live_dashboard:, /dashboard/live/). Staff only."""

from django.urls import path

from vendors.web.dashboard.live_views import (
    LiveEventCreateView,
    LiveEventDecisionView,
    LiveEventDetailView,
    LiveEventEditView,
    LiveEventListView,
    LiveItemAddView,
    LiveItemChangeView,
    LiveItemRemoveView,
    LiveStageView,
)

app_name = "live_dashboard"
urlpatterns = [
    path("", LiveEventListView.as_view(), name="list"),
    path("new/", LiveEventCreateView.as_view(), name="create"),
    path("<int:pk>/", LiveEventDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", LiveEventEditView.as_view(), name="edit"),
    path("<int:pk>/schedule/", LiveEventDecisionView.as_view(action="schedule"), name="schedule"),
    path("<int:pk>/cancel/", LiveEventDecisionView.as_view(action="cancel"), name="cancel"),
    path("<int:pk>/items/add/", LiveItemAddView.as_view(), name="item-add"),
    path("<int:pk>/items/<int:item_pk>/", LiveItemChangeView.as_view(), name="item-change"),
    path("<int:pk>/items/<int:item_pk>/remove/", LiveItemRemoveView.as_view(), name="item-remove"),
    path("<int:pk>/stage/", LiveStageView.as_view(), name="stage"),
]
