"""A buyer acts on one vendor's part of its own order: cancel it (not shipped yet) or confirm receipt.

Each is deliberate: the order page's button opens a page that asks (GET), and only its form acts (POST).
Cancelling asks why (PartCancelForm: a short list and an optional note), which the shop sees.

A signed-in buyer acts on its own orders (vendors.fulfilment.selectors.customer_order_part_get); a guest through its
order's link, after confirming the order's e-mail address on Oscar's page as for viewing it (Oscar's
AnonymousOrderMixin). Anyone else's order or part: 404. The rules are vendors.fulfilment.services'; a refusal (someone
shipped meanwhile) is a message on the order page, never a 500.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from oscar.apps.customer.mixins import AnonymousOrderMixin

from vendors.fulfilment.selectors import customer_order_part_get, guest_order_part_get
from vendors.fulfilment.services import (
    PartNotCancellable,
    PartNotShipped,
    order_part_cancel,
    order_part_confirm_delivered,
)
from vendors.web.customer.forms import PartCancelForm


class _PartActionView(View):
    """Cancel or confirm (``action``) the part that ``get_part()`` finds (404 if it is not the buyer's),
    then back to ``order_page(part)``: both come from the signed-in and the guest variant below."""

    action = ""

    def get(self, request, **kwargs):
        return self.ask(self.get_part(), PartCancelForm() if self.action == "cancel" else None)

    def ask(self, part, form):
        template = (
            "vendors/customer/part_cancel.html" if self.action == "cancel" else "vendors/customer/part_confirm.html"
        )
        context = {"part": part, "order": part.order, "form": form, "order_url": self.order_page(part)}
        return render(self.request, template, context)

    def post(self, request, **kwargs):
        part = self.get_part()
        actor = request.user if request.user.is_authenticated else None  # a guest acts through its link
        form = PartCancelForm(request.POST) if self.action == "cancel" else None
        if form is not None and not form.is_valid():
            return self.ask(part, form)
        try:
            if self.action == "cancel":
                order_part_cancel(
                    part=part,
                    cancelled_by=actor,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
                messages.success(
                    request,
                    _("Your items from %(shop)s are cancelled; the shop has been told.") % {"shop": part.vendor.name},
                )
            else:
                order_part_confirm_delivered(part=part, confirmed_by=actor)
                messages.success(
                    request, _("Thank you: receipt from %(shop)s is confirmed.") % {"shop": part.vendor.name}
                )
        except PartNotCancellable:
            messages.error(
                request,
                _("%(shop)s has already shipped (or the part is no longer waiting): it can no longer be cancelled.")
                % {"shop": part.vendor.name},
            )
        except PartNotShipped:
            messages.error(
                request, _("Receipt can only be confirmed for a parcel that was shipped and not confirmed yet.")
            )
        return redirect(self.order_page(part))


@method_decorator(login_required, name="dispatch")
class PartActionView(_PartActionView):
    def get_part(self):
        kwargs = self.kwargs
        return customer_order_part_get(user=self.request.user, number=kwargs["number"], pk=kwargs["pk"])

    def order_page(self, part):
        return reverse("customer:order", kwargs={"order_number": part.order.number})


class GuestPartActionView(AnonymousOrderMixin, _PartActionView):
    def get_part(self):
        order = self.get_object()  # None unless the hash is right and the session confirmed the e-mail
        return guest_order_part_get(order=order, pk=self.kwargs["pk"])

    def order_page(self, part):
        return reverse("customer:anon-order", kwargs={"order_number": self.order_number, "hash": self.hash})
