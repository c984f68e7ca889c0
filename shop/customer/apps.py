"""Fork of Oscar's customer app: forms.py signs in with a mobile number or an e-mail, views.py registers
and signs in with a mobile number and an SMS code (phone_codes.py, accounts.py), tasks.py sends
back-in-stock alerts from Celery, and regions.json (RegionsView) feeds the address forms' 省/市/区 pickers."""

import oscar.apps.customer.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class CustomerConfig(apps.CustomerConfig):
    name = "shop.customer"

    def ready(self):
        super().ready()
        self.phone_sign_in_view = get_class("customer.views", "PhoneSignInView")
        self.phone_password_reset_view = get_class("customer.views", "PhonePasswordResetView")
        self.guest_order_find_view = get_class("customer.views", "GuestOrderLookupView")
        self.regions_view = get_class("customer.views", "RegionsView")

    def get_urls(self):
        urls = [
            path("login/sms/", self.phone_sign_in_view.as_view(), name="phone-login"),
            path("password-reset/sms/", self.phone_password_reset_view.as_view(), name="phone-password-reset"),
            path("orders/find/", self.guest_order_find_view.as_view(), name="guest-order-find"),
            path("regions.json", self.regions_view.as_view(), name="regions"),
        ]
        return urls + super().get_urls()
