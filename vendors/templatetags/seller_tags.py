"""The header link into the seller center (or to applying to sell)."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from vendors.models import Vendor
from vendors.onboarding.selectors import vendor_application_for_user

register = template.Library()


def seller_entry(application) -> dict[str, str]:
    """Where the header's seller link leads, and its words: the seller center (a suspended shop keeps only its
    order pages), the shop application, or opening a shop. Also sent by /visitor.json for a cached page."""
    if application is not None and application.status in (Vendor.Status.APPROVED, Vendor.Status.SUSPENDED):
        url = "seller:order-list" if application.status == Vendor.Status.SUSPENDED else "seller:home"
        return {"href": reverse(url), "label": _("Seller center")}
    if application is not None:
        return {"href": reverse("vendors:apply-status"), "label": _("My shop application")}
    return {"href": reverse("vendors:apply"), "label": _("Open a shop")}


@register.inclusion_tag("vendors/partials/seller_link.html", takes_context=True)
def seller_link(context):
    request = context["request"]
    # The seller center has resolved the user's vendor already (SellerRequiredMixin).
    application = getattr(request, "seller_vendor", None)
    if application is None and request.user.is_authenticated:
        application = vendor_application_for_user(request.user)
    return seller_entry(application)
