"""Placing a batch of one-line orders at once (shop.checkout.services.orders_place_cash_on_delivery_many, what a
live sale's workers use) writes exactly the rows the one way to place an order writes for each of them."""

from decimal import Decimal

from django.forms.models import model_to_dict
from oscar.apps.address.models import UserAddress
from oscar.apps.payment.models import Source

from shop.basket.models import Basket
from shop.checkout.services import WantedOrder, order_place_cash_on_delivery, orders_place_cash_on_delivery_many
from shop.order.models import Line, LinePrice, Order
from shop.partner.models import StockRecord
from shop.partner.strategy import Selector
from tests.factories.live_sales import make_buyer
from tests.factories.marketplace import make_product, make_vendor
from vendors.models import OrderPart
from vendors.notifications.models import Message

DIFFERENT_EACH_TIME = {"id", "number", "basket", "date_placed", "order", "line", "shipping_address", "date_created"}


def _rows(order) -> dict:
    def fields(instance):
        return {k: v for k, v in model_to_dict(instance).items() if k not in DIFFERENT_EACH_TIME}

    return {
        "order": fields(order),
        "address": fields(order.shipping_address),
        "lines": [fields(line) for line in Line.objects.filter(order=order)],
        "prices": [fields(price) for price in LinePrice.objects.filter(order=order)],
        "parts": [fields(part) for part in OrderPart.objects.filter(order=order)],
        "payment": [fields(source) for source in Source.objects.filter(order=order)],
        "messages": sorted(
            (m.kind, m.channel, m.recipient, m.language, m.vendor_id, m.status)
            for m in Message.objects.filter(order=order)
        ),
    }


def _checkout_order(product, buyer, address, quantity):
    basket = Basket.objects.create(owner=buyer)
    basket.strategy = Selector().strategy()
    basket.add_product(product, quantity)
    return order_place_cash_on_delivery(basket=basket, user=buyer, user_address=address)


def test_a_batch_order_is_row_for_row_the_order_checkout_places(china):
    # given: the same buyer, address, product and quantity, once through checkout's way
    vendor, _user = make_vendor("临县红枣合作社")
    product = make_product(vendor, price="39.90", stock=10)
    buyer = make_buyer(china)
    address = UserAddress.objects.get(user=buyer)
    expected = _checkout_order(product, buyer, address, 2)
    record = StockRecord.objects.select_related("partner__vendor", "product").get(product=product)
    # when
    [order] = orders_place_cash_on_delivery_many(
        stockrecord=record, unit_price=Decimal("39.90"), wanted=[WantedOrder(buyer, address, 2)], language="zh-hans"
    )
    # then
    assert _rows(order) == _rows(expected)
    assert order.number != expected.number
    assert order.basket.status == "Submitted"
    assert StockRecord.objects.get(pk=record.pk).num_allocated == 4


def test_a_batch_serves_entries_in_order_while_the_stock_lasts(china):
    # given: 5 units free, four buyers wanting 2, 2, 2 and 1
    vendor, _user = make_vendor("沁源党参铺")
    product = make_product(vendor, price="20.00", stock=5)
    buyers = [make_buyer(china) for _n in range(4)]
    record = StockRecord.objects.select_related("partner__vendor", "product").get(product=product)
    wanted = [
        WantedOrder(buyer, UserAddress.objects.get(user=buyer), quantity)
        for buyer, quantity in zip(buyers, [2, 2, 2, 1], strict=True)
    ]
    # when
    orders = orders_place_cash_on_delivery_many(
        stockrecord=record, unit_price=Decimal("15.00"), wanted=wanted, language="zh-hans"
    )
    # then: the third does not fit, the fourth does
    assert [order is not None for order in orders] == [True, True, False, True]
    assert [order.total_incl_tax for order in orders if order] == [Decimal("38.00"), Decimal("38.00"), Decimal("23.00")]
    assert StockRecord.objects.get(pk=record.pk).num_allocated == 5
    assert Order.objects.count() == 3
    assert OrderPart.objects.count() == 3
