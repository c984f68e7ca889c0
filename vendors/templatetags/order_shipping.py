"""The customer's order pages: per vendor what was shipped (``{% order_shipping_by_vendor order as groups %}``),
the order's overall status label (``order.status|order_status_label``) and what is due on delivery
(``{% order_amount_due order as due %}``).

Tags because Oscar's customer order views are not forked: each calls one selector or service read
(a fixed number of queries, whatever the number of lines and parcels) instead of walking
order.shipping_events in the template (N+1).
"""

from decimal import Decimal

from django import template

from vendors import orders, selectors

register = template.Library()


@register.simple_tag
def order_shipping_by_vendor(order) -> list[selectors.VendorShipping]:
    return selectors.customer_order_shipping_by_vendor(order=order)


@register.filter
def order_status_label(status: str) -> str:
    """The translated label of a status code vendors.orders wrote; any other (Oscar's own) as it is."""
    return orders.ORDER_STATUS_LABELS.get(status, status)


@register.filter
def part_status_label(status: str) -> str:
    """The translated label of a vendor part's status."""
    return orders.PART_STATUS_LABELS.get(status, status)


@register.simple_tag
def order_amount_due(order) -> Decimal | None:
    return orders.order_amount_due(order=order)
