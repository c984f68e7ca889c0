"""The buyer's order page: which lines it may review (``{% order_review_states order user as states %}``,
then ``states|review_state:line.pk`` is "write", "done" or "")."""

from django import template

from vendors.reviews import selectors

register = template.Library()


@register.simple_tag
def order_review_states(order, user) -> dict[int, str]:
    return selectors.order_line_review_states(order=order, user=user)


@register.filter
def review_state(states: dict[int, str], line_pk: int) -> str:
    return states.get(line_pk, "")
