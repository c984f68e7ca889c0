"""The site's URLs plus two bare views, the anchors `make bench` compares the live-sale figures with."""

from django.contrib.sites.models import Site
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def bare_write(request):
    """One database write and nothing else (no session, no template): the hot-row ceiling."""
    Site.objects.filter(pk=1).update(domain=F("domain"))
    return HttpResponse("ok")


def bare_json(request):
    """A small JSON answer with nothing behind it: the ceiling of the remaining-quantity endpoint."""
    return JsonResponse({"phase": "live", "on_stage": 1, "items": {"1": 4321, "2": 0}})


urlpatterns = [path("bench/bare-write/", bare_write), path("bench/bare-json/", bare_json), *site_urlpatterns]
