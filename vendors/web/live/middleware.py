"""The two requests of a live sale that a crowd sends most, answered before sessions, users and the rest of
the chain.

``LiveStatusMiddleware``: ``/live/<slug>/status.json`` is the same for every viewer and reads no session, no
user and no cookie (``EventStatusView``); with 200,000 viewers polling every 3 s it is most of the site's
requests during a stream. It is answered with that view itself, so a poll costs what the view costs, not also
the session, locale, CSRF, authentication, messages and basket middleware, which would find nothing to do. An
unknown event goes on down the chain to the site's own 404 page.

``LiveSnapupMiddleware``: a tap of 抢购 (``POST /live/<slug>/items/<id>/snap/``) by a buyer whose session is in
Redis. When the host holds up the box, thousands tap in the same second and most of them lose: a tap is
answered with the buyer read from her session as Redis keeps it (shop.core.sessions: Django's own checks,
without the user's database query; her password's hash is compared in the admission script), Django's own
CSRF check, and vendors.live.services.live_snapup. A loser (sold out, over her limit, not on sale) gets the
event page with the view's message (in a messages cookie) without any database query; a winner's tap costs
the one statement that takes her units. A tap outside the
sale's window, or on an item this process found sold out less than a second ago, gets the same answer
whoever sends it, before her session is even read (the crowd after the last unit). Everything else
goes on down the chain to ``SnapupView``, which decides as it always did: a guest, a session not in Redis
(database sessions, ``make run``) or no longer good (her password changed elsewhere), a CSRF failure, an
unknown item, a buyer without a default address (the view remembers where she was while she adds one).

Both sit after the security, static-file and content-security-policy middleware, whose headers every answer
still gets; every other request goes on untouched.
"""

import logging
import re

from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils import translation

from shop.core.middleware import request_language
from shop.core.sessions import signed_in_session
from vendors.live.selectors import live_item_offer
from vendors.live.services import (
    NoDefaultAddress,
    NotOnSale,
    OverLimit,
    SignedOut,
    SoldOut,
    TryAgain,
    live_snapup,
    live_snapup_refused,
)
from vendors.web.live.views import EventStatusView, SnapupView, snapup_refusal

logger = logging.getLogger(__name__)


class LiveStatusMiddleware:
    PATH = re.compile(r"/live/(?P<slug>[-a-zA-Z0-9_]+)/status\.json")

    def __init__(self, get_response):
        self.get_response = get_response
        self.view = EventStatusView.as_view()

    def __call__(self, request):
        match = self.PATH.fullmatch(request.path_info)
        if match is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            return self.view(request, slug=match["slug"])
        except Http404:
            return self.get_response(request)


class LiveSnapupMiddleware:
    PATH = re.compile(r"/live/(?P<slug>[-a-zA-Z0-9_]+)/items/(?P<item_id>[0-9]+)/snap/")

    def __init__(self, get_response):
        self.get_response = get_response
        self.view = SnapupView.as_view()
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        match = self.PATH.fullmatch(request.path_info)
        answer = None
        if match is not None and request.method == "POST":
            answer = self._tap(request, slug=match["slug"], item_id=int(match["item_id"]))
        return self.get_response(request) if answer is None else answer

    def _tap(self, request, *, slug: str, item_id: int) -> HttpResponseRedirect | None:
        """The tap's answer, or None for the view to give it."""
        offer = live_item_offer(item_id=item_id)
        if offer is None or offer.event_slug != slug:
            return None
        refused = live_snapup_refused(offer=offer)
        if refused is not None:  # the same answer for everyone: whoever taps, nothing changes
            return self._refused(request, refused, offer=offer, buyer=None)
        signed_in = signed_in_session(request)
        if signed_in is None:
            return None
        self.csrf.process_request(request)
        if self.csrf.process_view(request, self.view, (), {}) is not None:
            return None
        buyer = get_user_model()(pk=signed_in.user_id)
        # The tap's one statement goes without Django's health check (a SELECT 1 before each request's first
        # query: a round trip that cost a winner's tap a tenth of its time). A connection that died while idle
        # (PostgreSQL restarted) refuses the statement before it runs: she is asked to tap again, and Django
        # closes that connection when the request ends.
        connection.health_check_done = True
        try:
            reservation = live_snapup(offer=offer, user=buyer, session_hash=signed_in.session_hash)
        except (SoldOut, OverLimit, NotOnSale) as refused:
            return self._refused(request, refused, offer=offer, buyer=buyer)
        except (NoDefaultAddress, SignedOut):  # the view decides: an address to add, or signing in again
            return None
        except DatabaseError:
            logger.warning(
                "a tap on live item %s failed in the database: she is asked to tap again", item_id, exc_info=True
            )
            return self._refused(request, TryAgain(), offer=offer, buyer=buyer)
        return HttpResponseRedirect(reverse("live:won", kwargs={"slug": offer.event_slug, "pk": reservation.pk}))

    def _refused(self, request, refused: Exception, *, offer, buyer) -> HttpResponseRedirect:
        """Back to the event page, with the view's message in the messages cookie, in her language."""
        response = HttpResponseRedirect(reverse("live:event", kwargs={"slug": offer.event_slug}))
        with translation.override(request_language(request)):
            told = CookieStorage(request)
            told.add(*snapup_refusal(refused, offer=offer, user=buyer))
            told.update(response)
        return response
