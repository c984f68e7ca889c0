"""The home page at / (namespace home:); Oscar's own / only redirected to the catalogue."""

from django.urls import path

from vendors.web.home.views import HomeView

app_name = "home"
urlpatterns = [path("", HomeView.as_view(), name="index")]
