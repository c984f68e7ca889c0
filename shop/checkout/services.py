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
  compares them field by field) in a few statements (on PostgreSQL, one for the orders' own rows), so a
  live sale's orders are written hundreds a second.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.sites.models import Site
from django.db import connection, transaction
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
UserAddress = get_model("address", "UserAddress")
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


@dataclass(frozen=True)
class _Batch:
    """What every order of a batch shares, and what each one has of its own (in the order of ``served``)."""

    stockrecord: object
    unit_price: Decimal
    served: list[WantedOrder]
    goods: list[Decimal]
    shipping: list[Decimal]
    now: object


def orders_place_cash_on_delivery_many(
    *, stockrecord, unit_price: Decimal, wanted: list[WantedOrder], language: str
) -> list[int | None]:
    """Place one single-line cash-on-delivery order per entry of ``wanted``, all of ``stockrecord``'s product at
    ``unit_price``, in the caller's transaction: the rows order_place_cash_on_delivery would write (a submitted
    basket, the order and its shipping address, line and line price, the stock allocation, the shop's part,
    the buyer's messages, the payment source), for all of them in a few statements. The shop is told of the
    batch in one message a minute (notifications.notify_snapup_orders_placed), not in one per order.

    Entries are served in order while the stock record has units free; returns the orders' ids, None for each
    entry the stock could not serve. ``stockrecord`` must come with partner, vendor and product loaded.
    """
    taken = _allocate_in_order(stockrecord, [entry.quantity for entry in wanted])
    served = [entry for entry, ok in zip(wanted, taken, strict=True) if ok]
    if not served:
        return [None] * len(wanted)
    vendor = stockrecord.partner.vendor
    goods = [(unit_price * entry.quantity).quantize(Decimal("0.01")) for entry in served]
    charges = {total: vendor_shipping_charge(vendor=vendor, goods_total=total) for total in set(goods)}
    batch = _Batch(stockrecord, unit_price, served, goods, [charges[total] for total in goods], timezone.now())
    write = _orders_write_in_one_statement if connection.vendor == "postgresql" else _orders_write_as_models
    order_ids = write(batch)
    order_parts_create_one_shop(vendor=vendor, order_ids=order_ids, goods_totals=goods, shipping_charges=batch.shipping)
    notifications.notify_snapup_orders_placed(
        orders=[
            (order_id, entry.user.email, entry.user_address.phone_number)
            for order_id, entry in zip(order_ids, served, strict=True)
        ],
        stockrecord=stockrecord,
        language=language,
    )
    if stockrecord.can_track_allocations and stockrecord.low_stock_threshold is not None:
        left, units = stockrecord.net_stock_level, sum(entry.quantity for entry in served)
        if left < stockrecord.low_stock_threshold <= left + units:
            notifications.notify_low_stock(stockrecord=stockrecord)
    placed = iter(order_ids)
    return [next(placed) if ok else None for ok in taken]


def _order_fields(batch: _Batch) -> dict:
    """The order's fields every order of the batch shares."""
    method = PerVendorShipping()
    return {
        "site_id": Site.objects.get_current().pk,
        "currency": batch.stockrecord.price_currency,
        "shipping_method": method.name,
        "shipping_code": method.code,
        "status": settings.OSCAR_INITIAL_ORDER_STATUS,
        "date_placed": batch.now,
    }


def _line_fields(batch: _Batch) -> dict:
    """The line's fields every order of the batch shares."""
    record, product = batch.stockrecord, batch.stockrecord.product
    return {
        "partner_id": record.partner_id,
        "partner_name": record.partner.name,
        "partner_sku": record.partner_sku,
        "stockrecord_id": record.pk,
        "product_id": product.pk,
        "title": product.get_title(),
        "upc": product.upc,
        "unit_price_incl_tax": batch.unit_price,
        "unit_price_excl_tax": batch.unit_price,
        "status": getattr(settings, "OSCAR_INITIAL_LINE_STATUS", ""),
    }


def _orders_write_in_one_statement(batch: _Batch) -> list[int]:
    """PostgreSQL: every row of the batch's orders in one statement, each table's INSERT a SELECT from the batch
    given as arrays (the user, address and quantity of each order, its ids taken from the tables' sequences
    beforehand): no model instance is built and no value quoted per row (through bulk_create that was most of
    the writer's CPU: docs/live-sales.md). The address is copied from the buyer's saved address by the database;
    one deleted since the caller read it leaves its order without its shipping address, which the deferred
    foreign key refuses at commit: the whole batch rolls back and stays pending, and the next run, not finding
    the address, refuses that reservation alone (vendors.live.placing)."""
    tables = (Basket, ShippingAddress, Order, Line)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT "
            + ", ".join(f"nextval(pg_get_serial_sequence('{model._meta.db_table}', 'id'))" for model in tables)
            + " FROM generate_series(1, %s)",
            [len(batch.served)],
        )
        basket_ids, address_ids, order_ids, line_ids = (list(column) for column in zip(*cursor.fetchall(), strict=True))
        numbers = OrderNumberGenerator()
        source = (
            "batch AS (SELECT * FROM unnest(%s::integer[], %s::integer[], %s::integer[], %s::integer[],"
            " %s::integer[], %s::integer[], %s::integer[], %s::numeric[], %s::numeric[], %s::text[])"
            " AS b(user_id, user_address_id, quantity, basket_id, address_id, order_id, line_id, goods, shipping,"
            " number))"
        )
        params = [
            [entry.user.pk for entry in batch.served],
            [entry.user_address.pk for entry in batch.served],
            [entry.quantity for entry in batch.served],
            basket_ids,
            address_ids,
            order_ids,
            line_ids,
            batch.goods,
            batch.shipping,
            [str(numbers.order_number(Basket(id=basket_id))) for basket_id in basket_ids],
        ]
        # What populate_alternative_model copies: the fields both models have, but the id.
        copied = {field.name for field in UserAddress._meta.concrete_fields} - {"id"}
        user_address = connection.ops.quote_name(UserAddress._meta.db_table)
        inserts = [
            _insert_select(
                Basket,
                {"id": "b.basket_id", "owner_id": "b.user_id"},
                {"status": Basket.SUBMITTED, "date_submitted": batch.now},
            ),
            _insert_select(
                ShippingAddress,
                {"id": "b.address_id"}
                | {
                    field.attname: f"ua.{connection.ops.quote_name(field.column)}"
                    for field in ShippingAddress._meta.concrete_fields
                    if field.name in copied
                },
                {},
                joins=f" JOIN {user_address} ua ON ua.id = b.user_address_id",
            ),
            _insert_select(
                Order,
                {
                    "id": "b.order_id",
                    "number": "b.number",
                    "basket_id": "b.basket_id",
                    "user_id": "b.user_id",
                    "shipping_address_id": "b.address_id",
                    "total_incl_tax": "b.goods + b.shipping",
                    "total_excl_tax": "b.goods + b.shipping",
                    "shipping_incl_tax": "b.shipping",
                    "shipping_excl_tax": "b.shipping",
                },
                _order_fields(batch),
            ),
            _insert_select(
                Line,
                {
                    "id": "b.line_id",
                    "order_id": "b.order_id",
                    "quantity": "b.quantity",
                    "num_allocated": "b.quantity",
                    "line_price_excl_tax": "b.goods",
                    "line_price_incl_tax": "b.goods",
                    "line_price_before_discounts_excl_tax": "b.goods",
                    "line_price_before_discounts_incl_tax": "b.goods",
                },
                _line_fields(batch),
            ),
            _insert_select(
                LinePrice,
                {"order_id": "b.order_id", "line_id": "b.line_id", "quantity": "b.quantity"},
                {"price_incl_tax": batch.unit_price, "price_excl_tax": batch.unit_price},
            ),
            _insert_select(
                Source,
                {"order_id": "b.order_id", "amount_allocated": "b.goods + b.shipping"},
                {
                    "source_type_id": CashOnDelivery().source_type().pk,
                    "currency": batch.stockrecord.price_currency,
                    "amount_debited": Decimal("0.00"),
                },
            ),
        ]
        statement = ", ".join([source] + [f"i{n} AS ({sql})" for n, (sql, _params) in enumerate(inserts)])
        for _sql, values in inserts:
            params += values
        cursor.execute(f"WITH {statement} SELECT count(*) FROM batch", params)
    return order_ids


def _insert_select(model, given: dict[str, str], values: dict, *, joins: str = "") -> tuple[str, list]:
    """``INSERT INTO`` the model's table ``SELECT ... FROM batch b``: each column named (by attname) in ``given``
    takes that SQL expression, in ``values`` that value; any other, what Django would write for a new row: the
    time for auto_now(_add), else the field's default (an auto primary key is left to its sequence). A column
    that would be NULL but may not raises: an Oscar upgrade's new column is noticed, not guessed."""
    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        name = field.attname
        if name in given:
            expressions.append(given[name])
        elif field.primary_key and name not in values:
            continue
        else:
            if name in values:
                value = values[name]
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = timezone.now()
            else:
                value = field.get_default()
            if value is None and not field.null:
                raise ValueError(f"{model.__name__}.{name}: no value for a new row")
            expressions.append("%s")
            params.append(field.get_db_prep_save(value, connection))
        columns.append(connection.ops.quote_name(field.column))
    table = connection.ops.quote_name(model._meta.db_table)
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM batch b{joins}", params


def _orders_write_as_models(batch: _Batch) -> list[int]:
    """Other databases (SQLite in the embedded setup): the same rows through bulk_create."""
    served, now = batch.served, batch.now
    baskets = Basket.objects.bulk_create(
        [Basket(owner=entry.user, status=Basket.SUBMITTED, date_submitted=now) for entry in served]
    )
    addresses = []
    for entry in served:
        address = ShippingAddress()
        entry.user_address.populate_alternative_model(address)
        addresses.append(address)
    ShippingAddress.objects.bulk_create(addresses)
    numbers = OrderNumberGenerator()
    shared = _order_fields(batch)
    orders = Order.objects.bulk_create(
        [
            Order(
                basket=basket,
                number=numbers.order_number(basket),
                user=entry.user,
                shipping_address=address,
                total_incl_tax=goods_total + charge,
                total_excl_tax=goods_total + charge,
                shipping_incl_tax=charge,
                shipping_excl_tax=charge,
                **shared,
            )
            for entry, basket, address, goods_total, charge in zip(
                served, baskets, addresses, batch.goods, batch.shipping, strict=True
            )
        ]
    )
    shared = _line_fields(batch)
    lines = Line.objects.bulk_create(
        [
            Line(
                order=order,
                quantity=entry.quantity,
                line_price_excl_tax=goods_total,
                line_price_incl_tax=goods_total,
                line_price_before_discounts_excl_tax=goods_total,
                line_price_before_discounts_incl_tax=goods_total,
                num_allocated=entry.quantity,
                **shared,
            )
            for entry, order, goods_total in zip(served, orders, batch.goods, strict=True)
        ]
    )
    LinePrice.objects.bulk_create(
        [
            LinePrice(
                order=order,
                line=line,
                quantity=line.quantity,
                price_incl_tax=batch.unit_price,
                price_excl_tax=batch.unit_price,
            )
            for order, line in zip(orders, lines, strict=True)
        ]
    )
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
    return [order.pk for order in orders]


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
