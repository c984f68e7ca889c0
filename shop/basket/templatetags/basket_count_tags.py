from django import template

from shop.basket.counts import basket_num_items

register = template.Library()


@register.simple_tag
def basket_count(request) -> int:
    """``{% basket_count request as count %}``: the header's number (shop.basket.counts)."""
    return basket_num_items(request)
