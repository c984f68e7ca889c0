"""Overrides Oscar's CheckoutSessionMixin: a guest needs no e-mail address (the mobile number on the
shipping address identifies the order; shop.checkout.utils), only to have chosen to buy as a guest."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import exceptions
from oscar.apps.checkout import session as oscar_session


class CheckoutSessionMixin(oscar_session.CheckoutSessionMixin):
    def check_user_email_is_captured(self, request):
        if not request.user.is_authenticated and not self.checkout_session.is_guest():
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:index"), message=_("Please sign in, or choose to buy as a guest.")
            )
