"""Overrides Oscar's shipping Repository: one method, PerVendorShipping, instead of Free.

Shipping offers are not applied: an order's shipping must be exactly the sum of
its vendors' charges (each vendor's part records its own charge), and Oscar's
offer wrapper discounts the total without saying which vendor's parcel it is on.
"""

from oscar.apps.shipping import repository

from shop.shipping.methods import PerVendorShipping


class Repository(repository.Repository):
    methods = (PerVendorShipping(),)

    def apply_shipping_offers(self, basket, methods):
        return methods
