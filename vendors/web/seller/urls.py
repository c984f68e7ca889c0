"""The seller center (namespace seller:). Every view here reads through a vendor-scoped selector (seller_*)."""

from django.urls import path

from vendors.web.seller.earnings import EarningsCsvView, EarningsView
from vendors.web.seller.live_report import (
    SellerLiveReportSalesChartView,
    SellerLiveReportView,
    SellerLiveReportViewersChartView,
)
from vendors.web.seller.live_views import (
    LiveDetailView,
    LiveEditView,
    LiveItemAddView,
    LiveItemRemoveView,
    LiveListView,
    LiveProposeView,
)
from vendors.web.seller.views import (
    HomeView,
    OrderDetailView,
    OrderListView,
    ProductCreateView,
    ProductDelistView,
    ProductEditView,
    ProductImageDeleteView,
    ProductListedView,
    ProductListView,
    ProductStockView,
    ProfileView,
)

app_name = "seller"
urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("products/", ProductListView.as_view(), name="product-list"),
    path("products/new/", ProductCreateView.as_view(), name="product-create"),
    path("products/<int:pk>/", ProductEditView.as_view(), name="product-edit"),
    path("products/<int:pk>/stock/", ProductStockView.as_view(), name="product-stock"),
    path("products/<int:pk>/delist/", ProductDelistView.as_view(), name="product-delist"),
    path("products/<int:pk>/relist/", ProductListedView.as_view(), name="product-relist"),
    path(
        "products/<int:pk>/photos/<int:image_pk>/delete/",
        ProductImageDeleteView.as_view(),
        name="product-image-delete",
    ),
    path("orders/", OrderListView.as_view(), name="order-list"),
    path("orders/<str:number>/", OrderDetailView.as_view(), name="order-detail"),
    path("profile/", ProfileView.as_view(), name="profile"),
    path("earnings/", EarningsView.as_view(), name="earnings"),
    path("earnings/<str:month>.csv", EarningsCsvView.as_view(), name="earnings-csv"),
    path("live/", LiveListView.as_view(), name="live-list"),
    path("live/new/", LiveProposeView.as_view(), name="live-propose"),
    path("live/<int:event_pk>/", LiveDetailView.as_view(), name="live-detail"),
    path("live/<int:event_pk>/edit/", LiveEditView.as_view(), name="live-edit"),
    path("live/<int:event_pk>/items/add/", LiveItemAddView.as_view(), name="live-item-add"),
    path("live/<int:event_pk>/items/<int:item_pk>/remove/", LiveItemRemoveView.as_view(), name="live-item-remove"),
    path("live/<int:event_pk>/report/", SellerLiveReportView.as_view(), name="live-report"),
    path(
        "live/<int:event_pk>/report/sales.svg", SellerLiveReportSalesChartView.as_view(), name="live-report-sales-chart"
    ),
    path(
        "live/<int:event_pk>/report/viewers.svg",
        SellerLiveReportViewersChartView.as_view(),
        name="live-report-viewers-chart",
    ),
]
