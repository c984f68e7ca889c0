"""A farmer's live sales in the seller center (/seller/live/): propose an event, add her own products to it,
and follow what her products sell in the events that feature them.

Every event and item is read through vendors.live.selectors' ``seller_live_*`` (scoped to the signed-in
vendor): another shop's event, item or product is a 404, and an event shows only her own items, never
another shop's. A proposal is a draft (待审核) until an admin schedules it; she changes it, adds or removes
products only while it is a draft (vendors.live.services ``live_proposal_*``).
"""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View

from vendors.live.models import LiveEvent
from vendors.live.selectors import (
    live_product_choices,
    seller_live_event_get,
    seller_live_event_list,
    seller_live_item_get,
    seller_live_items,
)
from vendors.live.services import (
    EventStatusError,
    ItemRefused,
    live_proposal_item_add,
    live_proposal_item_remove,
    live_proposal_save,
)
from vendors.web.seller.live_forms import ProposalForm, ProposalItemForm
from vendors.web.seller.views import PostOnlyMixin, SellerRequiredMixin


def status_for_seller(event: LiveEvent) -> str:
    phase = event.phase()
    return {
        LiveEvent.Status.DRAFT: _("Waiting for review"),
        LiveEvent.Status.SCHEDULED: _("Approved, not started"),
        LiveEvent.Status.LIVE: pgettext("seller live", "Live now"),
        LiveEvent.Status.ENDED: pgettext("seller live", "Ended"),
        LiveEvent.Status.CANCELLED: pgettext("seller live", "Cancelled"),
    }[phase]


def _is_open_proposal(event: LiveEvent, vendor) -> bool:
    return event.proposed_by_id == vendor.pk and event.status == LiveEvent.Status.DRAFT


class LiveListView(SellerRequiredMixin, View):
    def get(self, request):
        events = list(seller_live_event_list(vendor=self.vendor))
        for event in events:
            event.status_text = status_for_seller(event)
        return self.render("live/list.html", {"events": events})


def _suggested_window() -> tuple:
    """Tomorrow 19:00 to 21:00, Beijing time: a farmer adjusts a filled-in time more easily than an empty one."""
    start = (timezone.localtime() + timedelta(days=1)).replace(hour=19, minute=0, second=0, microsecond=0)
    return start, start + timedelta(hours=2)


class LiveProposeView(SellerRequiredMixin, View):
    def get(self, request):
        starts_at, ends_at = _suggested_window()
        initial = {"host_name": self.vendor.contact_name, "starts_at": starts_at, "ends_at": ends_at}
        return self.render("live/proposal_form.html", {"form": ProposalForm(initial=initial)})

    def post(self, request):
        form = ProposalForm(request.POST)
        if not form.is_valid():
            return self.render("live/proposal_form.html", {"form": form})
        event = live_proposal_save(vendor=self.vendor, data=form.proposal_data(), created_by=request.user)
        messages.success(request, _("Your request is sent. Now add the products you want to sell in it."))
        return redirect("seller:live-detail", event_pk=event.pk)


class LiveEditView(SellerRequiredMixin, View):
    def _page(self, event, form):
        return self.render("live/proposal_form.html", {"form": form, "event": event})

    def get(self, request, event_pk: int):
        event = seller_live_event_get(vendor=self.vendor, pk=event_pk)
        if not _is_open_proposal(event, self.vendor):
            messages.info(request, _("This live stream is reviewed already: to change it, call the commerce bureau."))
            return redirect("seller:live-detail", event_pk=event.pk)
        return self._page(event, ProposalForm(initial=ProposalForm.initial_for(event)))

    def post(self, request, event_pk: int):
        event = seller_live_event_get(vendor=self.vendor, pk=event_pk)
        form = ProposalForm(request.POST)
        if not form.is_valid():
            return self._page(event, form)
        try:
            live_proposal_save(vendor=self.vendor, data=form.proposal_data(), created_by=request.user, event=event)
        except EventStatusError:
            messages.info(request, _("This live stream is reviewed already: to change it, call the commerce bureau."))
        else:
            messages.success(request, _("Saved."))
        return redirect("seller:live-detail", event_pk=event.pk)


class LiveDetailView(SellerRequiredMixin, View):
    """Her event: its status, and only her own items with what is left and what has sold."""

    def get(self, request, event_pk: int):
        event = seller_live_event_get(vendor=self.vendor, pk=event_pk)
        items = list(seller_live_items(vendor=self.vendor, event=event))
        context = {
            "event": event,
            "items": items,
            "status_text": status_for_seller(event),
            "can_change": _is_open_proposal(event, self.vendor),
            "show_sales": event.status == LiveEvent.Status.SCHEDULED,
        }
        return self.render("live/detail.html", context)

    def post(self, request, event_pk: int):
        # Someone else's event is a 404 here too, so ids don't leak through the method.
        seller_live_event_get(vendor=self.vendor, pk=event_pk)
        return HttpResponseNotAllowed(["GET"])


class LiveItemAddView(SellerRequiredMixin, View):
    def _products(self):
        return live_product_choices(vendor_id=self.vendor.pk)

    def _page(self, event, form):
        return self.render("live/item_form.html", {"form": form, "event": event})

    def get(self, request, event_pk: int):
        event = seller_live_event_get(vendor=self.vendor, pk=event_pk)
        if not _is_open_proposal(event, self.vendor):
            messages.info(request, _("Products can be added only to your own request while it waits for review."))
            return redirect("seller:live-detail", event_pk=event.pk)
        return self._page(event, ProposalItemForm(products=self._products()))

    def post(self, request, event_pk: int):
        event = seller_live_event_get(vendor=self.vendor, pk=event_pk)
        form = ProposalItemForm(request.POST, products=self._products())
        if not form.is_valid():
            return self._page(event, form)
        data = form.cleaned_data
        try:
            item = live_proposal_item_add(
                vendor=self.vendor,
                event=event,
                product=data["product"],
                live_price=data["live_price"],
                quantity=data["quantity"],
                per_buyer_limit=data["per_buyer_limit"],
            )
        except ItemRefused as refused:
            form.add_error(None, str(refused))
            return self._page(event, form)
        messages.success(request, _("Added: %(title)s") % {"title": item.product.title})
        return redirect("seller:live-detail", event_pk=event.pk)


class LiveItemRemoveView(SellerRequiredMixin, PostOnlyMixin, View):
    def get_object(self, event_pk: int, item_pk: int):
        event = seller_live_event_get(vendor=self.vendor, pk=event_pk)
        return seller_live_item_get(vendor=self.vendor, event=event, pk=item_pk)

    def post(self, request, event_pk: int, item_pk: int):
        item = self.get_object(event_pk, item_pk)
        try:
            live_proposal_item_remove(vendor=self.vendor, item=item)
        except ItemRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Removed: %(title)s") % {"title": item.product.title})
        return redirect("seller:live-detail", event_pk=event_pk)
