"""The customer's order pages: per vendor what was shipped (``{% order_shipping_by_vendor order as groups %}``),
the order's overall status label (``order.status|order_status_label``) and what is due on delivery
(``{% order_amount_due order as due %}``) and what is still owed (``{% order_amount_to_pay order as to_pay %}``).

Tags because Oscar's customer order views are not forked: each calls one selector or service read
(a fixed number of queries, whatever the number of lines and parcels) instead of walking
order.shipping_events in the template (N+1).
"""

from decimal import Decimal

from django import template

from shop.core.phone import format_mainland_mobile
from vendors.fulfilment import selectors
from vendors.models import OrderPart, OrderStatus

register = template.Library()


@register.simple_tag
def order_shipping_by_vendor(order) -> list[selectors.VendorShipping]:
    return selectors.customer_order_shipping_by_vendor(order=order)


@register.filter
def order_status_label(status: str) -> str:
    """The translated label of an OrderStatus code; any other (Oscar's own) as it is."""
    return OrderStatus(status).label if status in OrderStatus.values else status


@register.filter
def part_status_label(status: str) -> str:
    """The translated label of a vendor part's status."""
    return OrderPart.Status(status).label if status in OrderPart.Status.values else status


@register.simple_tag
def order_amount_due(order) -> Decimal | None:
    return selectors.order_amount_due(order=order)


@register.simple_tag
def order_amount_cancelled(order) -> Decimal:
    return selectors.order_amount_cancelled(order=order)


@register.filter
def mobile(value) -> str:
    """A mobile number as a Chinese shop writes it: 138 1234 5678 (anything else as it is)."""
    return format_mainland_mobile(str(value)) if value else ""


@register.simple_tag
def order_amount_to_pay(order) -> Decimal | None:
    return selectors.order_amount_to_pay(order=order)
