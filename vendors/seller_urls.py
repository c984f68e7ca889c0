"""The seller center (namespace seller:). Every view here must go through vendors.selectors."""

from django.urls import path

from vendors.views import earnings, seller

app_name = "seller"
urlpatterns = [
    path("", seller.HomeView.as_view(), name="home"),
    path("products/", seller.ProductListView.as_view(), name="product-list"),
    path("products/new/", seller.ProductCreateView.as_view(), name="product-create"),
    path("products/<int:pk>/", seller.ProductEditView.as_view(), name="product-edit"),
    path("products/<int:pk>/stock/", seller.ProductStockView.as_view(), name="product-stock"),
    path("products/<int:pk>/delist/", seller.ProductListedView.as_view(listed=False), name="product-delist"),
    path("products/<int:pk>/relist/", seller.ProductListedView.as_view(listed=True), name="product-relist"),
    path(
        "products/<int:pk>/photos/<int:image_pk>/delete/",
        seller.ProductImageDeleteView.as_view(),
        name="product-image-delete",
    ),
    path("orders/", seller.OrderListView.as_view(), name="order-list"),
    path("orders/<str:number>/", seller.OrderDetailView.as_view(), name="order-detail"),
    path("profile/", seller.ProfileView.as_view(), name="profile"),
    path("earnings/", earnings.EarningsView.as_view(), name="earnings"),
    path("earnings/<str:month>.csv", earnings.EarningsCsvView.as_view(), name="earnings-csv"),
]
