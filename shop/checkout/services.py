"""Submitting a basket once: the rules Oscar's checkout view leaves to chance (a double tap, two tabs,
a replayed POST).

Rules:
- Freezing a basket for an order is one conditional transition, open -> frozen (``basket_freeze``): of two
  submits of the same basket exactly one goes on; the other gets BasketAlreadySubmitted before anything is
  written, not even the session.
- A basket an order was placed from belongs to that order (``basket_order``): it is never thawed again, and
  a replay of its place-order POST is shown that order instead of placing another.
"""

from oscar.core.loading import get_model

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


class BasketAlreadySubmitted(Exception):
    """The basket is no longer open: another submit of it is running or has placed the order."""


def basket_freeze(*, basket) -> None:
    """Open -> frozen as one conditional UPDATE. Raises BasketAlreadySubmitted when it was not open."""
    if not Basket.objects.filter(pk=basket.pk, status=Basket.OPEN).update(status=Basket.FROZEN):
        raise BasketAlreadySubmitted
    basket.status = Basket.FROZEN


def basket_order(*, basket_id, order_id=None):
    """The order placed from this basket (and with this id, when given), or None."""
    orders = Order.objects.filter(basket_id=basket_id)
    if order_id is not None:
        orders = orders.filter(pk=order_id)
    return orders.first()
