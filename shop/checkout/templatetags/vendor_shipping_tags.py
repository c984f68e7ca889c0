"""Template access to vendors.fulfilment.shipping: basket and order lines grouped by vendor, with each parcel's charge.

No rule here: the grouping and the charges come from vendors.fulfilment.shipping.
"""

from django import template

from vendors.fulfilment.selectors import order_vendor_groups
from vendors.fulfilment.shipping import basket_vendor_groups

register = template.Library()


@register.simple_tag
def vendor_groups_of_basket(basket, formset=None):
    """The basket's vendor groups; with the basket page's formset, each group also gets ``forms``:
    [(form index, form), ...] of its lines (the index is what Oscar's basket script posts)."""
    groups = basket_vendor_groups(basket)
    if formset is not None:
        forms = {form.instance.pk: (index, form) for index, form in enumerate(formset)}
        for group in groups:
            group.forms = [forms[line.pk] for line in group.lines if line.pk in forms]
    return groups


@register.simple_tag
def vendor_groups_of_order(order):
    """[(part, lines), ...] of a placed order (part None for lines of a partner without vendor)."""
    return order_vendor_groups(order)
