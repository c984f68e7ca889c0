"""``{% order_shipping_by_vendor order as groups %}``: the customer's order page, per vendor, what was shipped.

A tag because Oscar's customer order view is not forked: it calls one selector (three queries, whatever
the number of lines and parcels) instead of walking order.shipping_events in the template (N+1).
"""

from django import template

from vendors import selectors

register = template.Library()


@register.simple_tag
def order_shipping_by_vendor(order) -> list[selectors.VendorShipping]:
    return selectors.customer_order_shipping_by_vendor(order=order)
