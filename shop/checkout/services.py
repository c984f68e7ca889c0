"""Submitting a basket once: the rules Oscar's checkout view leaves to chance (a double tap, two tabs,
a replayed POST).

Rules:
- Freezing a basket for an order is one conditional transition, open -> frozen (``basket_freeze``): of two
  submits of the same basket exactly one goes on; the other gets BasketAlreadySubmitted before anything is
  written, not even the session.
- A basket an order was placed from belongs to that order (``basket_order``): it is never thawed again, and
  a replay of its place-order POST is shown that order instead of placing another.
- An order placed outside the checkout pages (a live snap-up) goes through the same creator, shipping and
  totals as checkout (``order_place_cash_on_delivery``): one way to place an order.
"""

from oscar.core.loading import get_class, get_model

from shop.checkout.payment_methods import CashOnDelivery
from shop.shipping.methods import PerVendorShipping

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")


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


def order_place_cash_on_delivery(*, basket, user, user_address):
    """Place an order outside the checkout pages (a live snap-up), as checkout would: the same order
    creator (shops' parts, outbox rows, conditional stock allocation), per-shop shipping and totals,
    cash on delivery, shipped to one of the user's saved addresses.

    Runs in the caller's transaction. Freezes the basket first (BasketAlreadySubmitted when it is not
    open) and submits it with the order. Raises SoldOut or UnableToPlaceOrder as checkout does.
    """
    basket_freeze(basket=basket)
    shipping_method = PerVendorShipping()
    shipping_charge = shipping_method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, shipping_charge)
    shipping_address = ShippingAddress()
    user_address.populate_alternative_model(shipping_address)
    shipping_address.save()
    order = OrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=shipping_method,
        shipping_charge=shipping_charge,
        user=user,
        shipping_address=shipping_address,
        order_number=OrderNumberGenerator().order_number(basket),
    )
    CashOnDelivery().record(order=order, total=total)
    basket.submit()
    return order
