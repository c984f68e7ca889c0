"""Site URLs: Oscar's shop at the root, language switching, media in development; Oscar's 403 and 404
pages (ours in Chinese, inside the site's layout) instead of Django's bare English ones."""

from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from vendors.web.public.views import visitor_state

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # The per-visitor part of a cached page (shop.core.pagecache).
    path("visitor.json", visitor_state, name="visitor-state"),
    path("admin/", admin.site.urls),
    path("seller/", include("vendors.web.seller.urls")),
    path("vendors/", include("vendors.web.public.urls")),
    path("live/", include("vendors.web.live.urls")),
    path("dashboard/vendors/", include("vendors.web.dashboard.urls")),
    path("dashboard/live/", include("vendors.web.dashboard.live_urls")),
    # Before Oscar's own /accounts/ URLs: a buyer cancels or confirms one vendor's part of its order.
    path("accounts/orders/", include("vendors.web.customer.urls")),
    path("dashboard/notifications/", include("vendors.web.dashboard.notification_urls")),
    path("dashboard/live-report/", include("vendors.web.dashboard.live_report_urls")),
    # Before Oscar's URLs: our home page at / (Oscar's redirected to the catalogue).
    path("", include("vendors.web.home.urls")),
    path("", include(apps.get_app_config("oscar").urls[0])),
]

handler403 = "oscar.views.handler403"
handler404 = "oscar.views.handler404"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
