"""Checkout views: overrides Oscar's payment steps.

- PaymentMethodView: Oscar skips it; we let the buyer choose a payment method
  (cash on delivery to start with, see payment_methods.py) and store the
  choice in the checkout session.
- PaymentDetailsView: no card form ever; the preview requires a chosen method
  and placing the order records the payment through that method.
"""

from django import forms
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import generic
from oscar.apps.checkout import exceptions
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.session import CheckoutSessionMixin

from shop.checkout.payment_methods import available_payment_methods, payment_method_by_code


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

    def get_initial(self):
        chosen = self.checkout_session.payment_method()
        return {"method": chosen} if chosen else {}

    def form_valid(self, form):
        self.checkout_session.pay_by(form.cleaned_data["method"])
        return redirect(self.get_success_url())


class PaymentDetailsView(oscar_views.PaymentDetailsView):
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
