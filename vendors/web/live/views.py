"""The buyer's side of a live sale: the list of events, an event's page with its 抢购 buttons, the status
every open event page polls, the snap-up itself and its result.

Thin views: who and what is shown is vendors.live.selectors' (scheduled events only, items of approved
shops), the sale is vendors.live.services.live_snapup's (a won tap is answered at once; its order is
written by a worker moments later, which the result page waits for). Here only:
- the status (``status.json``) is the same for every viewer: no session, no user, nothing per visitor, served
  from the cache (public, a second), so a crowd polling every 3 s costs no database query;
- every refusal of a snap-up is a message on the event page (or the sign-in / address page that lets the
  buyer try again), never an error page; an item of another event, a missing one or a GET is a 404 / 405.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View, generic

from shop.core.after_address import after_address_remember
from vendors.live.counters import live_view_record, live_visitor_key
from vendors.live.models import LiveEvent, LiveItem
from vendors.live.report import live_event_public_summary
from vendors.live.selectors import (
    live_buyer_units,
    live_event_figures,
    live_event_get,
    live_event_lists,
    live_event_status,
    live_event_status_json,
    live_item_offer,
    live_reservation_for_buyer,
)
from vendors.live.services import NoDefaultAddress, NotOnSale, OverLimit, SoldOut, TryAgain, live_snapup
from vendors.web.live.streams import stream_platform


class EventListView(generic.TemplateView):
    """Live now (red badge), upcoming (with a countdown), past (replay, units sold and sales)."""

    template_name = "vendors/live/event_list.html"

    def get_context_data(self, **kwargs):
        lists = live_event_lists()
        figures = live_event_figures(event_ids=[event.pk for event in lists["past"]])
        return {
            **super().get_context_data(**kwargs),
            **lists,
            "past": [(event, figures.get(event.pk)) for event in lists["past"]],
            "now": timezone.now(),
        }


@dataclass(frozen=True)
class ItemCard:
    """One item as the event page shows it."""

    item: LiveItem
    normal_price: Decimal | None
    remaining: int
    on_stage: bool

    @property
    def sold_out(self) -> bool:
        return self.remaining <= 0


def _normal_price(item: LiveItem) -> Decimal | None:
    records = item.product.stockrecords.all()  # prefetched by the selector
    return records[0].price if records else None


def live_view_count(request, *, event_id: int, now=None) -> None:
    """Count one view of an event's page by this visitor."""
    live_view_record(
        event_id=event_id,
        visitor_key=live_visitor_key(
            user_id=request.user.pk if request.user.is_authenticated else None,
            session_key=request.session.session_key,
            ip=request.META.get("REMOTE_ADDR", ""),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ),
        now=now,
    )


class EventView(generic.TemplateView):
    """An event: host, the link to the stream, the item on stage, every public item with its 抢购 button."""

    template_name = "vendors/live/event.html"

    def get_context_data(self, **kwargs):
        event = live_event_get(slug=self.kwargs["slug"])
        now = timezone.now()
        request = self.request
        # A page rendered for the anonymous page cache is counted by the visitor's /visitor.json call
        # instead (static/js/visitor.js), once per view, cached or not.
        if not getattr(request, "page_cache_neutral", False):
            live_view_count(request, event_id=event.pk, now=now)
        # What is left comes from the status every viewer polls (Redis when it holds the counters), so
        # the page and its updates agree.
        left = live_event_status(event_id=event.pk)["items"]
        cards = [
            ItemCard(
                item=item,
                normal_price=_normal_price(item),
                remaining=left.get(str(item.pk), item.remaining),
                on_stage=item.pk == event.on_stage_id,
            )
            for item in event.public_items
        ]
        return {
            **super().get_context_data(**kwargs),
            "event": event,
            "phase": event.phase(now),
            "now": now,
            "cards": cards,
            "on_stage": next((card for card in cards if card.on_stage), None),
            "platform": stream_platform(event.stream_url) if event.stream_url else None,
            # After the event, the public report: the headline and the totals, no shop's money.
            "summary": live_event_public_summary(event) if event.phase(now) == LiveEvent.Status.ENDED else None,
        }


class EventStatusView(View):
    """What an open event page polls every 3 s: the same JSON for everyone, a second old at most in this
    process's memory and in the shared cache, and public for a second to any cache on the way. Reads neither
    the session nor the user; the page polls without cookies (static/js/live.js), so the middleware finds no
    session either and a warm poll costs no query and no round trip."""

    def get(self, request, slug):
        response = HttpResponse(live_event_status_json(slug=slug), content_type="application/json")
        response["Cache-Control"] = "public, max-age=1"
        return response


class SnapupView(View):
    """One tap of 抢购 (POST only). The answer is a page to go to: the result, or the event with a message."""

    http_method_names = ["post"]

    def post(self, request, slug, item_id):
        offer = live_item_offer(item_id=item_id)
        if offer is None or offer.event_slug != slug:
            raise Http404
        event_url = reverse("live:event", kwargs={"slug": slug})
        if not request.user.is_authenticated:
            messages.info(request, _("Please sign in to snap up: each buyer may only take a limited number."))
            return redirect_to_login(event_url, login_url=reverse("customer:login"))
        try:
            reservation = live_snapup(offer=offer, user=request.user)
        except NoDefaultAddress:
            after_address_remember(request, event_url)
            messages.info(
                request,
                _("Please add your shipping address first: a snapped-up order is sent to your default address."),
            )
            return redirect("customer:address-create")
        except (SoldOut, OverLimit, NotOnSale) as refused:
            messages.add_message(request, *snapup_refusal(refused, offer=offer, user=request.user))
            return redirect(event_url)
        return redirect("live:won", slug=slug, pk=reservation.pk)


def snapup_refusal(refused: Exception, *, offer, user) -> tuple[int, str]:
    """The message (level, text) that tells a buyer why her tap got nothing."""
    if isinstance(refused, SoldOut):
        return messages.ERROR, _("Sold out! Every unit of this item has been snapped up.")
    if isinstance(refused, OverLimit):
        held = refused.held if refused.held is not None else live_buyer_units(item_id=offer.item_id, user=user)
        return messages.WARNING, _("Limit of %(limit)s per buyer: you have snapped up %(held)s already.") % {
            "limit": offer.per_buyer_limit,
            "held": held,
        }
    if isinstance(refused, TryAgain):
        return messages.WARNING, _(
            "So many buyers at once that this tap did not go through: nothing was ordered. Please tap again."
        )
    if timezone.now() < offer.starts_at:
        starts = date_format(timezone.localtime(offer.starts_at), _("n/j H:i"))
        return messages.WARNING, _("The sale has not started yet: it opens at %(time)s.") % {"time": starts}
    return messages.WARNING, _("The sale has ended (or this item is no longer on sale).")


class WonView(LoginRequiredMixin, generic.TemplateView):
    """抢到了！: the buyer's own snap-up of this event (404 for anyone else's). While a worker writes its order
    (a moment) the page refreshes itself every 2 s, with or without JavaScript; then it shows the order
    number, or why the shop could not send it after all."""

    template_name = "vendors/live/won.html"

    def get_context_data(self, **kwargs):
        event = live_event_get(slug=self.kwargs["slug"])
        reservation = live_reservation_for_buyer(user=self.request.user, pk=self.kwargs["pk"], event_id=event.pk)
        return {**super().get_context_data(**kwargs), "event": event, "reservation": reservation}
