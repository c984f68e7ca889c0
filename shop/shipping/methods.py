"""Adds PerVendorShipping, our only shipping method (Oscar's Base interface).

Each vendor ships its own parcel, so the basket's shipping is the sum of one
charge per vendor; the rule lives in vendors.fulfilment.shipping, this class only hands
Oscar the sum as a Price. With one method Oscar skips the method-choice page.
"""

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping.methods import Base
from oscar.core import prices

from vendors.fulfilment.shipping import PER_VENDOR_SHIPPING_CODE, basket_shipping_charge


class PerVendorShipping(Base):
    code = PER_VENDOR_SHIPPING_CODE
    name = _("Shipped by each shop (each shop's own fee or free shipping)")
    description = _("Each shop sends its own parcel: its shipping fee, or free from its free-shipping amount on.")

    def calculate(self, basket):
        charge = basket_shipping_charge(basket)
        return prices.Price(currency=basket.currency, excl_tax=charge, incl_tax=charge)
