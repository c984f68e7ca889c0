"""Fork of Oscar's customer app: forms.py signs in with a mobile number or an e-mail, views.py registers
and signs in with a mobile number and an SMS code (phone_codes.py, accounts.py), tasks.py sends
back-in-stock alerts from Celery, and regions.json (RegionsView) feeds the address forms' 省/市/区 pickers.
A change to a user drops her cached account pages (shop.core.pagecache.private_pages_changed)."""

import oscar.apps.customer.apps as apps
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.urls import path
from oscar.core.loading import get_class

from shop.core.pagecache import private_pages_changed


def _user_changed(sender, instance, **kwargs):
    private_pages_changed(instance.pk)


class CustomerConfig(apps.CustomerConfig):
    name = "shop.customer"

    def ready(self):
        super().ready()
        self.phone_sign_in_view = get_class("customer.views", "PhoneSignInView")
        self.phone_password_reset_view = get_class("customer.views", "PhonePasswordResetView")
        self.guest_order_find_view = get_class("customer.views", "GuestOrderLookupView")
        self.regions_view = get_class("customer.views", "RegionsView")
        for signal in (post_save, post_delete):
            signal.connect(_user_changed, sender=get_user_model(), dispatch_uid="private-pages-user")

    def get_urls(self):
        urls = [
            path("login/sms/", self.phone_sign_in_view.as_view(), name="phone-login"),
            path("password-reset/sms/", self.phone_password_reset_view.as_view(), name="phone-password-reset"),
            path("orders/find/", self.guest_order_find_view.as_view(), name="guest-order-find"),
            path("regions.json", self.regions_view.as_view(), name="regions"),
        ]
        return urls + super().get_urls()
