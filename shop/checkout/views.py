"""Checkout views: overrides Oscar's gateway, shipping-address and payment steps.

- IndexView (the gateway): a guest goes on with a mobile number, an e-mail address or nothing (the
  shipping address asks for the mobile number); signing in takes a mobile number or an e-mail address;
  the form works without JavaScript (shop.checkout.forms.GatewayForm) and gets the request, which
  authenticate() needs for the failed-sign-in throttle (django-axes).

- ShippingAddressView: the Chinese address form's 识别 and 更新城市和区县 buttons (AddressAssistMixin, also
  used by the address book's views); and with one shipping method (shop/shipping: each vendor's
  parcel at its own charge) there is nothing to choose; the method is set here
  and the buyer goes straight to payment, saving Oscar's redirect through the
  method page (a whole basket load).

- UserAddressUpdateView: editing an address-book address during checkout uses the address book's form.
- PaymentMethodView: Oscar skips it; we let the buyer choose a payment method
  (cash on delivery to start with, see payment_methods.py) and store the
  choice in the checkout session. With one method there is no choice: the
  address step chooses it and goes straight to the preview.
- PaymentDetailsView: no card form ever; the preview requires a chosen method
  and placing the order records the payment through that method. Placing an
  order is made safe for a marketplace (docs/oscar-pitfalls.md #6, 7):
  - the total charged is the total shown: the preview posts the grand total it
    showed; a different recomputed total re-renders the preview instead;
  - freezing the basket is a conditional transition (open -> frozen), so a
    second submit of the same basket (double click, two tabs, a replayed POST)
    places no second order: it shows the first one's thank-you page (or, while
    the first is still at work, the basket, claiming no order);
  - the order and the submitted basket are written in one transaction, and a
    basket an order was placed from is never thawed again;
  - no mail is sent in the request: the order's outbox rows (written in
    place_order, shop.order.utils) are sent by Celery after commit.
"""

import logging
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import generic
from oscar.apps.checkout import exceptions
from oscar.apps.checkout import views as oscar_views
from oscar.apps.shipping.methods import NoShippingRequired
from oscar.templatetags.currency_filters import currency

from shop.checkout.forms import GatewayForm, address_form_assist
from shop.checkout.payment_methods import available_payment_methods, payment_method_by_code
from shop.checkout.services import BasketAlreadySubmitted, basket_freeze, basket_order
from shop.checkout.session import CheckoutSessionMixin
from shop.customer.forms import UserAddressForm
from shop.partner.models import SoldOut, sold_out_message
from shop.shipping.methods import PerVendorShipping

logger = logging.getLogger("oscar.checkout")

BEING_SUBMITTED = _(
    "This basket is being submitted in another window. Please wait a moment, then look at your orders or your basket."
)


class IndexView(oscar_views.IndexView):
    form_class = GatewayForm

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "request": self.request}
        if self.checkout_session.is_guest():
            known = self.checkout_session.get_guest_mobile() or self.checkout_session.get_guest_email()
            kwargs["initial"] = {"username": known.removeprefix("+86")}
        return kwargs

    def form_valid(self, form):
        if form.is_new_account_checkout():
            return redirect(f"{reverse('customer:register')}?next={reverse('checkout:shipping-address')}")
        if form.is_guest_checkout():
            self.checkout_session.set_guest(email=form.guest_email(), mobile=form.guest_mobile())
            return redirect(self.get_success_url())
        login(self.request, form.get_user())
        return redirect(self.get_success_url())


class AddressAssistMixin:
    """An address form's two helper buttons, which save nothing: 识别 (``address_parse``: read the pasted
    address into the fields) and 更新城市和区县 (``address_refresh``: the chosen province's cities, the chosen
    city's districts, for a browser without JavaScript). Either re-renders the form with what was typed."""

    def post(self, request, *args, **kwargs):
        parse = "address_parse" in request.POST
        if not parse and "address_refresh" not in request.POST:
            return super().post(request, *args, **kwargs)
        if hasattr(self, "get_object") and not hasattr(self, "object"):
            self.object = self.get_object() if "pk" in self.kwargs else None
        values, notice, level = address_form_assist(self.get_form(), parse=parse)
        kwargs = {key: value for key, value in self.get_form_kwargs().items() if key not in ("data", "files")}
        form = self.get_form_class()(**{**kwargs, "initial": {**kwargs.get("initial", {}), **values}})
        context = self.get_context_data(form=form, address_notice=notice, address_notice_level=level)
        return self.render_to_response(context)


class ShippingAddressView(AddressAssistMixin, oscar_views.ShippingAddressView):
    success_url = reverse_lazy("checkout:payment-method")

    def get_initial(self):
        initial = super().get_initial() or {}
        mobile = self.checkout_session.get_guest_mobile()
        if mobile and not initial.get("phone_number"):
            initial = {**initial, "phone_number": mobile.removeprefix("+86")}
        return initial

    def get_success_url(self):
        method = PerVendorShipping() if self.request.basket.is_shipping_required() else NoShippingRequired()
        self.checkout_session.use_shipping_method(method.code)
        if _only_payment_method(self.checkout_session):
            return reverse("checkout:preview")
        return super().get_success_url()


class UserAddressUpdateView(AddressAssistMixin, oscar_views.UserAddressUpdateView):
    """Oscar's page that edits an address-book address during checkout, with the address book's Chinese form
    (Oscar's uses its generic address form)."""

    form_class = UserAddressForm


def _only_payment_method(checkout_session) -> bool:
    """With one payment method there is nothing to choose: it is chosen here, and its step skipped."""
    methods = available_payment_methods()
    if len(methods) != 1:
        return False
    checkout_session.pay_by(methods[0].code)
    return True


class PaymentMethodForm(forms.Form):
    method = forms.ChoiceField(label=_("Payment method"), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        methods = available_payment_methods()
        self.fields["method"].choices = [(m.code, m.name) for m in methods]
        self.methods = {m.code: m for m in methods}
        if len(methods) == 1:
            self.fields["method"].initial = methods[0].code


class PaymentMethodView(CheckoutSessionMixin, generic.FormView):
    pre_conditions = oscar_views.PaymentMethodView.pre_conditions
    template_name = "oscar/checkout/payment_method.html"
    form_class = PaymentMethodForm
    success_url = reverse_lazy("checkout:preview")

    def get(self, request, *args, **kwargs):
        if _only_payment_method(self.checkout_session):
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        chosen = self.checkout_session.payment_method()
        return {"method": chosen} if chosen else {}

    def form_valid(self, form):
        self.checkout_session.pay_by(form.cleaned_data["method"])
        return redirect(self.get_success_url())


class PaymentDetailsView(oscar_views.PaymentDetailsView):
    def get_pre_conditions(self, request):
        return ["check_order_is_not_already_placed", *super().get_pre_conditions(request)]

    def check_order_is_not_already_placed(self, request):
        """A place-order POST replayed after its order was placed (back button, resent form): say so.

        Only the order this session placed is looked at, and only when the posted basket is the one it
        was placed from; otherwise Oscar's "your basket is empty" pre-condition applies.
        """
        if not (request.method == "POST" and request.POST.get("action") == "place_order"):
            return
        order_id, basket_id = request.session.get("checkout_order_id"), request.POST.get("basket_id", "")
        if order_id and basket_id.isdigit() and basket_order(basket_id=basket_id, order_id=order_id):
            # The buyer sees the order the first submit placed, as if this submit had placed it.
            raise exceptions.FailedPreCondition(url=reverse("checkout:thank-you"))

    def check_basket_is_not_empty(self, request):
        """Oscar's check, after loading the lines (needed anyway): their count then costs no COUNT query."""
        list(request.basket.all_lines())
        super().check_basket_is_not_empty(request)

    def check_basket_is_valid(self, request):
        """Oscar's check, on each line's purchase info (loaded once per request and used again to place
        the order) instead of a second stock-record lookup per line."""
        problems = []
        for line in request.basket.all_lines():
            is_permitted, reason = line.purchase_info.availability.is_purchase_permitted(line.quantity)
            stockrecord = line.purchase_info.stockrecord
            if not is_permitted and stockrecord is not None and (stockrecord.net_stock_level or 0) < line.quantity:
                problems.append(sold_out_message(title=line.product.get_title(), quantity=line.quantity))
            elif not is_permitted:
                problems.append(
                    _("'%(title)s' is no longer available to buy (%(reason)s). Please adjust your basket to continue")
                    % {"title": line.product.get_title(), "reason": reason}
                )
        if problems:
            raise exceptions.FailedPreCondition(url=reverse("basket:summary"), messages=problems)

    def get(self, request, *args, **kwargs):
        if not self.preview:
            # No card details are ever entered here: choose a method instead.
            return redirect("checkout:payment-method")
        return super().get(request, *args, **kwargs)

    def check_payment_data_is_captured(self, request):
        if payment_method_by_code(self.checkout_session.payment_method()) is None:
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:payment-method"),
                message=_("Please choose a payment method"),
            )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["payment_method"] = payment_method_by_code(self.checkout_session.payment_method())
        return ctx

    def handle_payment(self, order_number, total, **kwargs):
        method = payment_method_by_code(self.checkout_session.payment_method())
        method.take(view=self, order_number=order_number, total=total)

    def handle_place_order_submission(self, request):
        """Place the order only when its total is the one the preview showed (posted as ``order_total``)."""
        submission = self.build_submission()
        total = submission["order_total"].incl_tax
        try:
            shown = Decimal(request.POST.get("order_total", ""))
        except InvalidOperation:
            shown = None
        if shown != total:
            message = _(
                "The order total changed since the preview (a price or a shop's shipping fee changed): it is now "
                "%(total)s. Nothing was ordered; please check the order below and place it again."
            ) % {"total": currency(total, submission["basket"].currency)}
            return self.render_preview(request, error=message)
        return self.submit(**submission)

    def submit(self, user, basket, *args, **kwargs):
        """Oscar's submit, after freezing the basket here first.

        Freezing first (before Oscar writes the order number into the session) lets a second submit of
        the same basket stop without changing anything, not even the session the first submit writes.
        """
        try:
            self.freeze_basket(basket)
        except BasketAlreadySubmitted:
            return self.handle_repeated_submission(basket)
        return super().submit(user, basket, *args, **kwargs)

    def freeze_basket(self, basket):
        """Oscar's hook, through basket_freeze (one conditional UPDATE; raises BasketAlreadySubmitted).

        Oscar's submit calls this again after submit() froze the basket: that call changes nothing.
        """
        if getattr(self, "_frozen_basket_id", None) == basket.pk:
            return
        basket_freeze(basket=basket)
        self._frozen_basket_id = basket.pk

    def handle_repeated_submission(self, basket):
        """The same basket was submitted twice: show its order's thank-you page (the other submit placed it:
        the same order number, no warning), or, while the other submit is still at work (it may yet fail), the
        basket with a message that claims no order."""
        logger.info("Basket #%d submitted again while not open: no second order", basket.pk)
        order = basket_order(basket_id=basket.pk)
        if order is None:
            messages.info(self.request, BEING_SUBMITTED)
            return redirect("basket:summary")
        self.checkout_session.flush()
        self.request.session["checkout_order_id"] = order.pk
        return redirect("checkout:thank-you")

    def handle_order_placement(
        self,
        order_number,
        user,
        basket,
        shipping_address,
        shipping_method,
        shipping_charge,
        billing_address,
        order_total,
        surcharges=None,
        **kwargs,
    ):
        """Oscar's, with the order and the submitted basket written in one transaction.

        A buyer who lost the last unit is an expected answer in a flash sale, not an error: logged at
        INFO (Oscar logs every UnableToPlaceOrder as an ERROR with a traceback) and shown "sold out".
        A failure after that commit (handle_successful_order) still shows the order placed, never an
        error that invites a second order.
        """
        try:
            with transaction.atomic():
                order = self.place_order(
                    order_number=order_number,
                    user=user,
                    basket=basket,
                    shipping_address=shipping_address,
                    shipping_method=shipping_method,
                    shipping_charge=shipping_charge,
                    order_total=order_total,
                    billing_address=billing_address,
                    surcharges=surcharges,
                    **kwargs,
                )
                basket.submit()
        except SoldOut as sold_out:
            logger.info("Order #%s: not placed, sold out (%s)", order_number, sold_out)
            self.restore_frozen_basket()
            # The basket, as when the checkout's basket check finds it: one answer however the race was lost.
            messages.error(self.request, str(sold_out))
            return redirect("basket:summary")
        try:
            return self.handle_successful_order(order)
        except Exception:
            logger.exception("Order #%s: placed, but a step after it failed", order.number)
            self.checkout_session.flush()
            self.request.session["checkout_order_id"] = order.pk
            return redirect("checkout:thank-you")

    def send_order_placed_email(self, order):
        """Nothing: the confirmation's outbox rows written in place_order are sent by Celery after commit."""

    def restore_frozen_basket(self):
        """Oscar's, except that a basket an order was placed from is never thawed (docs/oscar-pitfalls.md #6)."""
        basket_id = self.checkout_session.get_submitted_basket_id()
        if basket_id and basket_order(basket_id=basket_id):
            return
        super().restore_frozen_basket()
