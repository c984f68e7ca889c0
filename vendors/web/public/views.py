"""Public vendor pages: applying to sell and its status, invitations, the directory and storefronts.

Thin views: the rules are in vendors.onboarding.services (applying), vendors.onboarding.county (invitations) and
vendors.storefront.selectors (who is shown: only approved vendors have a storefront).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.decorators.cache import never_cache

from shop.basket.counts import basket_num_items
from shop.core.access import is_staff_user
from vendors.models import Vendor
from vendors.onboarding.county import (
    InvitationAccountExists,
    InvitationInvalid,
    invitation_username,
    vendor_invitation_accept,
    vendor_invitation_get,
)
from vendors.onboarding.selectors import vendor_application_for_user
from vendors.onboarding.services import ShopNameTaken, VendorStatusError, application_can_change, vendor_apply
from vendors.reviews.selectors import vendor_rating
from vendors.storefront.selectors import (
    storefront_counties,
    storefront_vendor_get,
    storefront_vendor_list,
    storefront_vendor_products,
)
from vendors.templatetags.seller_tags import seller_entry
from vendors.web.live.views import live_view_count
from vendors.web.public.forms import InvitationAcceptForm, VendorApplicationForm

INVITATION_PROBLEMS = {
    "unknown": _("This invitation link is not valid. Please check that you copied all of it."),
    "used": _("This invitation link has been used already: the shop has been taken over. Please sign in."),
    "expired": _("This invitation link has expired. Please ask the market's staff for a new one."),
}


class SignedInView(LoginRequiredMixin, generic.View):
    """Where signing in lands when no page was asked for (LOGIN_REDIRECT_URL): a seller in the seller
    center, an applicant on its application, an admin in the dashboard, a buyer in its account."""

    def get(self, request):
        vendor = vendor_application_for_user(request.user)
        if vendor is not None and vendor.status == Vendor.Status.APPROVED:
            return redirect("seller:home")
        if vendor is not None and vendor.status == Vendor.Status.SUSPENDED:
            return redirect("seller:order-list")
        if vendor is not None:
            return redirect("vendors:apply-status")
        if is_staff_user(request.user):
            return redirect("dashboard:index")
        return redirect("customer:summary")


class ApplyView(LoginRequiredMixin, generic.FormView):
    """A signed-in user applies to sell, or corrects a pending or rejected application."""

    form_class = VendorApplicationForm
    template_name = "vendors/apply/apply.html"

    def handle_no_permission(self):
        # A visitor with no account is told why one is needed and given the doors, not sent to a bare login page.
        if self.request.user.is_authenticated:
            return super().handle_no_permission()
        return render(self.request, "vendors/apply/sign_in_first.html", {"next": self.request.path})

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.vendor = vendor_application_for_user(request.user)
            if not application_can_change(self.vendor):
                return redirect("vendors:apply-status")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "vendor": self.vendor}

    def form_valid(self, form):
        try:
            vendor_apply(
                user=self.request.user,
                data=form.application_data(),
                categories=form.cleaned_data["main_categories"],
                licence=form.cleaned_data["licence"],
            )
        except ShopNameTaken:
            form.add_error("name", _("Another shop already has this name. Please choose another."))
            return self.form_invalid(form)
        except VendorStatusError:
            messages.error(self.request, _("Your application has been decided meanwhile; see its status below."))
        else:
            messages.success(self.request, _("Thank you! Your application has been sent. We will review it soon."))
        return redirect("vendors:apply-status")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "vendor": self.vendor}


class ApplyStatusView(LoginRequiredMixin, generic.TemplateView):
    """Where the applicant's application stands, with the reason of a rejection or a suspension."""

    template_name = "vendors/apply/status.html"

    def get(self, request, *args, **kwargs):
        self.vendor = vendor_application_for_user(request.user)
        if self.vendor is None:
            return redirect("vendors:apply")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "vendor": self.vendor,
            "can_edit": application_can_change(self.vendor),
        }


class InvitationView(generic.FormView):
    """An imported vendor's contact sets a password and takes the shop over, once."""

    form_class = InvitationAcceptForm
    template_name = "vendors/apply/invitation.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.invitation = vendor_invitation_get(token=kwargs["token"])
        except InvitationInvalid as invalid:
            return self.refuse(invalid.reason)
        return super().dispatch(request, *args, **kwargs)

    def refuse(self, reason: str):
        return render(
            self.request,
            "vendors/apply/invitation_invalid.html",
            {"problem": INVITATION_PROBLEMS[reason]},
            status=404 if reason == "unknown" else 410,
        )

    def get_form_kwargs(self):
        vendor = self.invitation.vendor
        return {
            **super().get_form_kwargs(),
            "username": invitation_username(vendor),
            "contact_name": vendor.contact_name,
        }

    def form_valid(self, form):
        try:
            user = vendor_invitation_accept(
                token=self.kwargs["token"],
                password=form.cleaned_data["password1"],
                email=form.cleaned_data["email"],
            )
        except InvitationInvalid as invalid:
            return self.refuse(invalid.reason)
        except InvitationAccountExists:
            form.add_error(
                None,
                _("An account with this mobile number exists already. Please ask the market's staff for help."),
            )
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Welcome! Your shop is ready: add your first products."))
        return redirect("seller:home")

    def get_context_data(self, **kwargs):
        vendor = self.invitation.vendor
        return {
            **super().get_context_data(**kwargs),
            "vendor": vendor,
            "username": invitation_username(vendor),
        }


class VendorDirectoryView(generic.ListView):
    """Approved vendors with their count of products, optionally of one county."""

    template_name = "vendors/storefront/directory.html"
    context_object_name = "vendors"
    paginate_by = 24

    def get_queryset(self):
        self.county = self.request.GET.get("county", "").strip()
        return storefront_vendor_list(county=self.county or None)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "counties": storefront_counties(),
            "county": self.county,
        }


class StorefrontView(generic.ListView):
    """One approved vendor's shop: banner, logo, story, rating and its products (404 for any other vendor)."""

    template_name = "vendors/storefront/storefront.html"
    context_object_name = "products"

    def get_paginate_by(self, queryset):
        return settings.OSCAR_PRODUCTS_PER_PAGE

    def get_queryset(self):
        self.vendor = storefront_vendor_get(slug=self.kwargs["slug"])
        return storefront_vendor_products(vendor=self.vendor)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "vendor": self.vendor,
            "rating": vendor_rating(vendor=self.vendor),
        }


@never_cache
def visitor_state(request):
    """What a cached page leaves out for this visitor (shop.core.pagecache): a CSRF token for its forms
    (the cookie comes with it), the number of items in the basket (the header's count), and whether she is
    signed in (her header's links: 我的, her seller link, the dashboard for staff); counts a view of a live
    event's page when asked (``?live_event=<id>``). static/js/visitor.js fills them in."""
    live_event = request.GET.get("live_event", "")
    if live_event.isdigit():
        live_view_count(request, event_id=int(live_event))
    user = request.user
    account = {"signed_in": False}
    if user.is_authenticated:
        account = {
            "signed_in": True,
            "staff": user.is_staff,
            "seller": seller_entry(vendor_application_for_user(user)),
        }
    return JsonResponse(
        {"csrf_token": get_token(request), "basket": {"count": basket_num_items(request)}, "account": account}
    )
