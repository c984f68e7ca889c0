"""The header link into the seller center (or to applying to sell)."""

from django import template

from vendors.onboarding.selectors import vendor_application_for_user

register = template.Library()


@register.inclusion_tag("vendors/partials/seller_link.html", takes_context=True)
def seller_link(context):
    request = context["request"]
    # The seller center has resolved the user's vendor already (SellerRequiredMixin).
    application = getattr(request, "seller_vendor", None)
    if application is None and request.user.is_authenticated:
        application = vendor_application_for_user(request.user)
    return {"application": application}
