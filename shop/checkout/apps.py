"""Fork of Oscar's checkout: views.py places an order once and safely (services.py), forms.py takes Chinese
addresses and mobile numbers, payment_methods.py is the pluggable payment step (cash on delivery)."""

import oscar.apps.checkout.apps as apps


class CheckoutConfig(apps.CheckoutConfig):
    name = "shop.checkout"
