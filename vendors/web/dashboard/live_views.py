"""Admins' live-event pages inside Oscar's dashboard (namespace live_dashboard:, /dashboard/live/).

The county commerce bureau lists events, creates and edits them, schedules a draft (its own or a shop's
proposal) or cancels an event, features products of approved shops at a live price, and the host switches
the item on stage from a phone (``LiveStageView``: plain forms, no JavaScript needed).

Staff only (StaffOnlyMixin: anonymous -> login page, consumer or vendor -> 403). Writes are
vendors.live.services functions; a refusal (ItemRefused, EventStatusError) is a form error or a message,
never a 500.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import generic

from vendors.live.models import LiveEvent
from vendors.live.selectors import (
    live_event_admin_get,
    live_event_admin_items,
    live_event_admin_list,
    live_item_admin_get,
    live_product_choices,
    live_shop_choices,
    live_stage_items,
)
from vendors.live.services import (
    EventStatusError,
    ItemRefused,
    live_event_cancel,
    live_event_save,
    live_event_schedule,
    live_item_add,
    live_item_put_on_stage,
    live_item_remove,
    live_item_update,
)
from vendors.web.dashboard.access import StaffOnlyMixin
from vendors.web.dashboard.live_forms import (
    STATUS_LABELS,
    LiveEventFilterForm,
    LiveEventForm,
    LiveItemChangeForm,
    LiveItemForm,
)
from vendors.web.live_fields import errors_text

TEMPLATES = "vendors/dashboard/live/"


def status_label(event: LiveEvent) -> str:
    """The status an admin reads: a vendor's draft is a proposal waiting for review."""
    phase = event.phase()
    if phase == LiveEvent.Status.DRAFT and event.proposed_by_id:
        return _("Proposed, waiting for review")
    return STATUS_LABELS[phase]


class LiveEventListView(StaffOnlyMixin, generic.ListView):
    template_name = TEMPLATES + "event_list.html"
    context_object_name = "events"
    paginate_by = 25

    def get_queryset(self):
        self.form = LiveEventFilterForm(self.request.GET)
        status = self.form.cleaned_data.get("status") if self.form.is_valid() else None
        return live_event_admin_list(status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for event in context["events"]:
            event.status_label = status_label(event)
        return {**context, "form": self.form}


class LiveEventCreateView(StaffOnlyMixin, generic.View):
    def get(self, request):
        return render(request, TEMPLATES + "event_form.html", {"form": LiveEventForm()})

    def post(self, request):
        form = LiveEventForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, TEMPLATES + "event_form.html", {"form": form}, status=400)
        event = live_event_save(data=form.event_data(), created_by=request.user)
        messages.success(
            request, _("“%(title)s” is saved as a draft: add products, then schedule it.") % {"title": event.title}
        )
        return redirect("live_dashboard:detail", pk=event.pk)


class LiveEventEditView(StaffOnlyMixin, generic.View):
    def _page(self, event, form, status=200):
        return render(
            request=self.request,
            template_name=TEMPLATES + "event_form.html",
            context={"form": form, "event": event},
            status=status,
        )

    def get(self, request, pk):
        event = live_event_admin_get(pk=pk)
        return self._page(event, LiveEventForm(initial=LiveEventForm.initial_for(event)))

    def post(self, request, pk):
        event = live_event_admin_get(pk=pk)
        form = LiveEventForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(event, form, status=400)
        try:
            live_event_save(data=form.event_data(), created_by=request.user, event=event)
        except EventStatusError:
            form.add_error(None, _("Nothing was changed: a cancelled event cannot be edited."))
            return self._page(event, form, status=400)
        messages.success(request, _("The changes to “%(title)s” are saved.") % {"title": form.cleaned_data["title"]})
        return redirect("live_dashboard:detail", pk=event.pk)


def _detail(request, event: LiveEvent, *, item_form=None, status=200):
    items = list(live_event_admin_items(event=event))
    for item in items:
        item.change_form = LiveItemChangeForm(
            initial={"per_buyer_limit": item.per_buyer_limit, "display_order": item.display_order}, prefix=f"i{item.pk}"
        )
    context = {"event": event, "items": items, "status_label": status_label(event)}
    return render(request, TEMPLATES + "event_detail.html", context, status=status)


class LiveEventDetailView(StaffOnlyMixin, generic.View):
    """The event: its details, its status and what may be done next, its items."""

    def get(self, request, pk):
        return _detail(request, live_event_admin_get(pk=pk))


DECISIONS = {
    "schedule": (live_event_schedule, _("“%(title)s” is scheduled: it is announced and sells in its window.")),
    "cancel": (live_event_cancel, _("“%(title)s” is cancelled.")),
}


class LiveEventDecisionView(StaffOnlyMixin, generic.View):
    """Schedule a draft (an own one or a shop's proposal) or cancel an event."""

    action = ""

    def post(self, request, pk):
        event = live_event_admin_get(pk=pk)
        decide, done = DECISIONS[self.action]
        try:
            decide(event=event)
        except EventStatusError as refused:
            messages.error(
                request,
                _("Nothing was changed: the event is “%(status)s” now.") % {"status": status_label(refused.args[0])},
            )
        else:
            messages.success(request, done % {"title": event.title})
        return redirect("live_dashboard:detail", pk=event.pk)


class LiveItemAddView(StaffOnlyMixin, generic.View):
    """Feature a product: pick a shop or search a title (GET ?shop=&q=), then the product and its live terms.

    The filter stays in the URL the form posts to, so the product must be one of those listed.
    """

    def _products(self):
        request = self.request
        shop = request.GET.get("shop", "")
        self.shop_id = int(shop) if shop.isdigit() else None
        self.query = request.GET.get("q", "").strip()[:80]
        if not self.shop_id and not self.query:
            return live_product_choices().none()
        return live_product_choices(vendor_id=self.shop_id, query=self.query)

    def _page(self, event, form, status=200):
        context = {
            "event": event,
            "form": form,
            "shops": live_shop_choices(),
            "shop_id": self.shop_id,
            "query": self.query,
            "filtered": bool(self.shop_id or self.query),
            "action": f"{self.request.path}?{urlencode({'shop': self.shop_id or '', 'q': self.query})}",
        }
        return render(self.request, TEMPLATES + "item_add.html", context, status=status)

    def get(self, request, pk):
        event = live_event_admin_get(pk=pk)
        return self._page(event, LiveItemForm(products=self._products()))

    def post(self, request, pk):
        event = live_event_admin_get(pk=pk)
        form = LiveItemForm(request.POST, products=self._products())
        if not form.is_valid():
            return self._page(event, form, status=400)
        data = form.cleaned_data
        try:
            item = live_item_add(
                event=event,
                product=data["product"],
                live_price=data["live_price"],
                quantity=data["quantity"],
                per_buyer_limit=data["per_buyer_limit"],
                display_order=data["display_order"] or 0,
            )
        except ItemRefused as refused:
            form.add_error(None, str(refused))
            return self._page(event, form, status=400)
        messages.success(
            request,
            _("“%(title)s” is featured at ¥%(price)s.") % {"title": item.product.title, "price": item.live_price},
        )
        return redirect("live_dashboard:detail", pk=event.pk)


class LiveItemChangeView(StaffOnlyMixin, generic.View):
    def post(self, request, pk, item_pk):
        event = live_event_admin_get(pk=pk)
        item = live_item_admin_get(event=event, pk=item_pk)
        form = LiveItemChangeForm(request.POST, prefix=f"i{item.pk}")
        if not form.is_valid():
            messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": errors_text(form)})
            return redirect("live_dashboard:detail", pk=event.pk)
        try:
            live_item_update(item=item, **form.cleaned_data)
        except ItemRefused as refused:
            messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": refused})
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": item.product.title})
        return redirect("live_dashboard:detail", pk=event.pk)


class LiveItemRemoveView(StaffOnlyMixin, generic.View):
    def post(self, request, pk, item_pk):
        event = live_event_admin_get(pk=pk)
        item = live_item_admin_get(event=event, pk=item_pk)
        try:
            live_item_remove(item=item)
        except ItemRefused as refused:
            messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": refused})
        else:
            messages.success(request, _("“%(title)s” is removed from the event.") % {"title": item.product.title})
        return redirect("live_dashboard:detail", pk=event.pk)


class LiveStageView(StaffOnlyMixin, generic.View):
    """The host's phone: one big button per item puts it on stage (讲解中); 下台 takes the stage back."""

    def get(self, request, pk):
        event = live_event_admin_get(pk=pk)
        items = live_stage_items(event=event)
        context = {"event": event, "items": items, "status_label": status_label(event)}
        return render(request, TEMPLATES + "stage.html", context)

    def post(self, request, pk):
        event = live_event_admin_get(pk=pk)
        chosen = request.POST.get("item", "")
        if chosen == "none":
            # The page itself says what is on stage (#on_stage_now): no message on top of it.
            live_item_put_on_stage(event=event, item=None)
        else:
            item = next((i for i in live_stage_items(event=event) if str(i.pk) == chosen), None)
            if item is None:
                messages.error(request, _("That product is not in this event (any more)."))
            else:
                live_item_put_on_stage(event=event, item=item)
        return redirect("live_dashboard:stage", pk=event.pk)
