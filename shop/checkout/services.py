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
- A batch of snap-ups of one product at one price (``orders_place_cash_on_delivery_many``) writes the same
  rows as that creator would for each one-line order (tests/integration/test_order_placement_many.py
  compares them field by field) in a few multi-row INSERTs, so a live sale's orders are written hundreds
  a second.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.sites.models import Site
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from shop.checkout.payment_methods import CashOnDelivery
from shop.partner.models import SoldOut
from shop.shipping.methods import PerVendorShipping
from vendors.fulfilment.services import order_parts_create_one_shop
from vendors.fulfilment.shipping import vendor_shipping_charge
from vendors.notifications import services as notifications

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Line = get_model("order", "Line")
LinePrice = get_model("order", "LinePrice")
ShippingAddress = get_model("order", "ShippingAddress")
Source = get_model("payment", "Source")
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


@dataclass(frozen=True)
class WantedOrder:
    """One order of a batch: who, shipped to which of their saved addresses, how many units."""

    user: object
    user_address: object
    quantity: int


def orders_place_cash_on_delivery_many(*, stockrecord, unit_price: Decimal, wanted: list[WantedOrder], language: str):
    """Place one single-line cash-on-delivery order per entry of ``wanted``, all of ``stockrecord``'s product at
    ``unit_price``, in the caller's transaction: the rows order_place_cash_on_delivery would write (a submitted
    basket, the order and its shipping address, line and line price, the stock allocation, the shop's part,
    the buyer's messages, the payment source), for all of them in one INSERT per table. The shop is told of the
    batch in one message a minute (notifications.notify_snapup_orders_placed), not in one per order.

    Entries are served in order while the stock record has units free; returns the orders, None for each
    entry the stock could not serve. ``stockrecord`` must come with partner, vendor and product loaded.
    """
    taken = _allocate_in_order(stockrecord, [entry.quantity for entry in wanted])
    served = [entry for entry, ok in zip(wanted, taken, strict=True) if ok]
    if not served:
        return [None] * len(wanted)
    now = timezone.now()
    method = PerVendorShipping()
    vendor = stockrecord.partner.vendor
    product = stockrecord.product
    baskets = Basket.objects.bulk_create(
        [Basket(owner=entry.user, status=Basket.SUBMITTED, date_submitted=now) for entry in served]
    )
    addresses = []
    for entry in served:
        address = ShippingAddress()
        entry.user_address.populate_alternative_model(address)
        addresses.append(address)
    ShippingAddress.objects.bulk_create(addresses)
    goods = [(unit_price * entry.quantity).quantize(Decimal("0.01")) for entry in served]
    shipping = [vendor_shipping_charge(vendor=vendor, goods_total=total) for total in goods]
    site = Site.objects.get_current()
    numbers = OrderNumberGenerator()
    orders = Order.objects.bulk_create(
        [
            Order(
                basket=basket,
                number=numbers.order_number(basket),
                site=site,
                user=entry.user,
                shipping_address=address,
                currency=stockrecord.price_currency,
                total_incl_tax=goods_total + charge,
                total_excl_tax=goods_total + charge,
                shipping_incl_tax=charge,
                shipping_excl_tax=charge,
                shipping_method=method.name,
                shipping_code=method.code,
                status=settings.OSCAR_INITIAL_ORDER_STATUS,
                date_placed=now,
            )
            for entry, basket, address, goods_total, charge in zip(
                served, baskets, addresses, goods, shipping, strict=True
            )
        ]
    )
    line_status = getattr(settings, "OSCAR_INITIAL_LINE_STATUS", "")
    lines = Line.objects.bulk_create(
        [
            Line(
                order=order,
                partner=stockrecord.partner,
                partner_name=stockrecord.partner.name,
                partner_sku=stockrecord.partner_sku,
                stockrecord=stockrecord,
                product=product,
                title=product.get_title(),
                upc=product.upc,
                quantity=entry.quantity,
                line_price_excl_tax=goods_total,
                line_price_incl_tax=goods_total,
                line_price_before_discounts_excl_tax=goods_total,
                line_price_before_discounts_incl_tax=goods_total,
                unit_price_incl_tax=unit_price,
                unit_price_excl_tax=unit_price,
                num_allocated=entry.quantity,
                status=line_status,
            )
            for entry, order, goods_total in zip(served, orders, goods, strict=True)
        ]
    )
    LinePrice.objects.bulk_create(
        [
            LinePrice(
                order=order, line=line, quantity=line.quantity, price_incl_tax=unit_price, price_excl_tax=unit_price
            )
            for order, line in zip(orders, lines, strict=True)
        ]
    )
    order_parts_create_one_shop(vendor=vendor, orders=orders, goods_totals=goods)
    notifications.notify_snapup_orders_placed(orders=orders, stockrecord=stockrecord, language=language)
    if stockrecord.can_track_allocations and stockrecord.low_stock_threshold is not None:
        left, units = stockrecord.net_stock_level, sum(entry.quantity for entry in served)
        if left < stockrecord.low_stock_threshold <= left + units:
            notifications.notify_low_stock(stockrecord=stockrecord)
    source_type = CashOnDelivery().source_type()
    Source.objects.bulk_create(
        [
            Source(
                order=order,
                source_type=source_type,
                currency=order.currency,
                amount_allocated=order.total_incl_tax,
                amount_debited=Decimal("0.00"),
            )
            for order in orders
        ]
    )
    placed = iter(orders)
    return [next(placed) if ok else None for ok in taken]


def _allocate_in_order(stockrecord, quantities: list[int]) -> list[bool]:
    """Take the units of as many entries as the stock record has free, first come first served, with the
    fork's conditional allocation (shop.partner.models); which entries were served."""
    if not stockrecord.can_track_allocations:
        return [True] * len(quantities)
    try:
        with transaction.atomic():
            stockrecord.allocate(sum(quantities))
        return [True] * len(quantities)
    except SoldOut:
        pass
    stockrecord = type(stockrecord).objects.select_for_update().get(pk=stockrecord.pk)
    free = stockrecord.num_in_stock - (stockrecord.num_allocated or 0)
    taken = []
    for quantity in quantities:
        taken.append(quantity <= free)
        free -= quantity if quantity <= free else 0
    if any(taken):
        stockrecord.allocate(sum(q for q, ok in zip(quantities, taken, strict=True) if ok))
    return taken
