"""Overrides Oscar's address book pages (add, edit an address) to use our Chinese address form, Oscar's
order list (what is still owed), login page (password sign-in only) and registration (by mobile number),
adds signing in and resetting a password with an SMS code (below), and:

- a new address is the default shipping address when the buyer has none: a live snap-up (vendors.live)
  ships its one-tap order there, and Oscar never sets a default by itself (not even at checkout);
- after adding one, the buyer goes back to the page that sent it here (the live event whose 抢购 needed
  an address; shop.core.after_address): Oscar's view always goes to the address list and takes no ``next``.

And the order history: tabs by status with their counts (OrderHistoryView).
"""

from urllib.parse import quote

from axes.utils import reset as axes_reset
from django import http
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views import generic
from oscar.apps.customer import views as oscar_views

from shop.checkout.views import AddressAssistMixin
from shop.core.after_address import after_address_pop
from shop.core.phone import format_mainland_mobile
from shop.core.regions import region_tree
from shop.customer.accounts import guest_order_find, phone_user_create, user_for_phone
from shop.customer.forms import (
    GuestOrderLookupForm,
    PhonePasswordResetForm,
    PhoneRegistrationForm,
    PhoneSignInForm,
    UserAddressForm,
)
from shop.customer.models import PhoneCode
from shop.customer.phone_codes import CodeRefused, phone_code_send, phone_code_use
from shop.order.models import Order
from vendors.fulfilment.selectors import (
    ORDER_TABS,
    customer_order_tab_counts,
    customer_orders_in_tab,
    orders_with_amount_owed,
)

ORDER_TAB_LABELS = [
    ("all", pgettext_lazy("order tab", "All")),
    ("to-ship", pgettext_lazy("order tab", "To ship")),
    ("to-receive", pgettext_lazy("order tab", "To receive")),
    ("done", pgettext_lazy("order tab", "Completed")),
]


class AddressCreateView(AddressAssistMixin, oscar_views.AddressCreateView):
    form_class = UserAddressForm

    def form_valid(self, form):
        user = self.request.user
        if not user.addresses.filter(is_default_for_shipping=True).exists():
            form.instance.is_default_for_shipping = True
        return super().form_valid(form)

    def get_success_url(self):
        default = super().get_success_url()  # Oscar's, which also says the address was saved
        return after_address_pop(self.request) or default


class OrderHistoryView(oscar_views.OrderHistoryView):
    """The buyer's orders in tabs, as Chinese shops show them: all, 待发货, 待收货, 已完成, each with its
    count (vendors.fulfilment.selectors.ORDER_TABS); ``?tab=`` picks one, Oscar's filters still apply. Each
    order with what is still owed (``amount_owed``: a cancelled shop's part no longer counts)."""

    def get_queryset(self):
        self.tab = self.request.GET.get("tab", "all")
        return orders_with_amount_owed(customer_orders_in_tab(orders=super().get_queryset(), tab=self.tab))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = customer_order_tab_counts(orders=Order.objects.filter(user=self.request.user))
        context["order_tabs"] = [
            (key, label, counts[key], key == self.tab or (key == "all" and self.tab not in ORDER_TABS))
            for key, label in ORDER_TAB_LABELS
        ]
        return context


class AddressUpdateView(AddressAssistMixin, oscar_views.AddressUpdateView):
    form_class = UserAddressForm


class RegionsView(generic.View):
    """China's provinces, cities and districts (shop.core.regions) as JSON, {province: {city: [district]}},
    for static/js/address.js: the same for everyone, cached by browsers and any CDN for a day."""

    def get(self, request, *args, **kwargs):
        response = http.JsonResponse(region_tree(), json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
        response["Cache-Control"] = "public, max-age=86400"
        return response


# Mobile-number identity ------------------------------------------------------------------------------
# Signing in (or up) with a number and an SMS code, registering with a number, a code and a password,
# resetting a password by SMS. Every page works as a plain form (获取验证码 and the final button are two
# submit buttons of one form); what a code may do is shop.customer.phone_codes', whose account is whose
# is shop.customer.accounts'.


class PhoneCodeFormView(generic.FormView):
    purpose = ""
    template_name = "oscar/customer/phone_code_form.html"
    title = ""
    submit_label = ""
    redirect_field_name = "next"
    # Signing in or registering is for visitors; a signed-in user goes to the account instead.
    visitors_only = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.visitors_only:
            return redirect(settings.LOGIN_REDIRECT_URL)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "sending": "send_code" in self.request.POST}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": self.title,
            "submit_label": self.submit_label,
            "next": self.next_url() or "",
            "resend_seconds": settings.PHONE_CODE_RESEND_SECONDS,
        }

    def next_url(self) -> str:
        url = self.request.POST.get(self.redirect_field_name) or self.request.GET.get(self.redirect_field_name, "")
        if url and url_has_allowed_host_and_scheme(url, {self.request.get_host()}, self.request.is_secure()):
            return url
        return ""

    def form_valid(self, form):
        phone = form.cleaned_data["phone"]
        if form.sending:
            try:
                phone_code_send(phone=phone, purpose=self.purpose, ip_address=self.request.META.get("REMOTE_ADDR"))
            except CodeRefused as refused:
                form.add_error("phone", _refusal_text(refused))
                return self.form_invalid(form)
            messages.info(
                self.request,
                _("A code has been sent to %(phone)s. It is valid for %(minutes)s minutes.")
                % {"phone": format_mainland_mobile(phone), "minutes": settings.PHONE_CODE_TTL_SECONDS // 60},
            )
            return self.render_to_response(self.get_context_data(form=form, code_sent=True))
        if not phone_code_use(phone=phone, purpose=self.purpose, code=form.cleaned_data["code"]):
            form.add_error("code", _("The code is wrong or has expired. Please ask for a new one."))
            return self.form_invalid(form)
        return self.code_proven(form, phone)

    def code_proven(self, form, phone: str):
        raise NotImplementedError

    def sign_in(self, user):
        if not user.is_active:
            messages.error(self.request, _("This account is disabled. Please ask the market's staff for help."))
            return redirect("customer:login")
        auth_login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        # A proven number ends any lockout of its password sign-in.
        axes_reset(username=user.get_username())
        return redirect(self.next_url() or settings.LOGIN_REDIRECT_URL)


def _refusal_text(refused: CodeRefused) -> str:
    if refused.reason == "wait":
        return _("Please wait %(seconds)s seconds before asking for another code.") % {"seconds": refused.seconds}
    return _("Too many codes were asked for today. Please try again tomorrow.")


class PhoneSignInView(PhoneCodeFormView):
    """Sign in with a number and an SMS code; a number with no account gets one (this is signing up)."""

    form_class = PhoneSignInForm
    purpose = PhoneCode.Purpose.SIGN_IN
    title = _("Sign in with an SMS code")
    submit_label = _("Sign in")

    def code_proven(self, form, phone):
        user = user_for_phone(phone) or phone_user_create(phone=phone)
        return self.sign_in(user)


class AccountRegistrationView(PhoneCodeFormView):
    """Overrides Oscar's e-mail registration: a mobile number proven by SMS, a password, an optional e-mail."""

    form_class = PhoneRegistrationForm
    purpose = PhoneCode.Purpose.REGISTER
    title = _("Register")
    submit_label = _("Register")

    def code_proven(self, form, phone):
        if user_for_phone(phone) is not None:
            form.add_error("phone", _("This mobile number has an account already. Please sign in."))
            return self.form_invalid(form)
        user = phone_user_create(phone=phone, email=form.cleaned_data["email"], password=form.cleaned_data["password1"])
        messages.success(self.request, _("Welcome! Your account is ready."))
        return self.sign_in(user)


class PhonePasswordResetView(PhoneCodeFormView):
    """A new password for the account of a number, proven by an SMS code."""

    form_class = PhonePasswordResetForm
    purpose = PhoneCode.Purpose.RESET
    title = _("Reset your password by SMS")
    submit_label = _("Set the new password")
    visitors_only = False

    def code_proven(self, form, phone):
        user = user_for_phone(phone)
        if user is None:
            form.add_error("phone", _("This mobile number has no account yet. Sign in with an SMS code to make one."))
            return self.form_invalid(form)
        form.set_password_and_save(user)
        messages.success(self.request, _("Your password has been changed."))
        return self.sign_in(user)


class GuestOrderLookupView(PhoneCodeFormView):
    """A guest (who may have no e-mail) opens an order with its number, its mobile number and an SMS code."""

    form_class = GuestOrderLookupForm
    purpose = PhoneCode.Purpose.ORDER
    title = _("Find my order")
    submit_label = _("Find the order")
    visitors_only = False

    def get_initial(self):
        return {"order_number": self.request.GET.get("number", "")[:128]}

    def code_proven(self, form, phone):
        order = guest_order_find(number=form.cleaned_data["order_number"], phone=phone)
        if order is None:
            form.add_error("order_number", _("No order of this number ships to this mobile number."))
            return self.form_invalid(form)
        # Oscar's guest order page opens for the session that gave the order's e-mail (none here, maybe).
        self.request.session["anon_order_email"] = order.email
        return redirect("customer:anon-order", order_number=order.number, hash=order.verification_hash())


class AnonymousOrderFormView(generic.RedirectView):
    """Overrides Oscar's check before a guest's order page (it asks for the order's e-mail, which a guest
    may not have given): the guest proves the order's mobile number instead (GuestOrderLookupView)."""

    def get_redirect_url(self, *args, **kwargs):
        return f"{reverse('customer:guest-order-find')}?number={quote(kwargs['order_number'])}"


class AccountAuthView(oscar_views.AccountAuthView):
    """Overrides Oscar's login page: the password form only (registering is AccountRegistrationView, by
    mobile number); the request reaches authenticate(), which the failed-sign-in throttle (django-axes) needs."""

    def post(self, request, *args, **kwargs):
        if "login_submit" in request.POST:
            return self.validate_login_form()
        return http.HttpResponseBadRequest()

    def get_context_data(self, *args, **kwargs):
        ctx = super().get_context_data(*args, **kwargs)
        ctx.pop("registration_form", None)
        ctx["next"] = self.request.GET.get(self.redirect_field_name, "")
        return ctx


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked account name (AXES_LOCKOUT_CALLABLE): one page for every name, known
    or not, saying how long password sign-in pauses and that an SMS code works now."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "oscar/customer/login_locked.html", {"minutes": minutes}, status=429)
