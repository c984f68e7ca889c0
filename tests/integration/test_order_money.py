"""Money of a multi-vendor order: per-vendor shipping, the order's totals and its parts, exact to the cent.

Platform defaults (settings): a parcel costs 8.00, free from a vendor's goods total of 99.00 on.
Each case checks the basket's vendor groups, the shipping method's charge, what the order records
(shipping_incl_tax, total_incl_tax) and the parts written with it.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from oscar.test.factories import create_order

from shop.basket.models import Basket
from shop.partner.strategy import Selector
from shop.shipping.methods import PerVendorShipping
from tests.factories.marketplace import make_product, make_vendor
from vendors.fulfilment.services import ShippingChanged, order_parts_create
from vendors.fulfilment.shipping import basket_vendor_groups, vendor_shipping_charge
from vendors.models import OrderPart

D = Decimal
DEFAULTS = (None, None)

# vendors: [(shipping_fee, free_shipping_from), ...]; lines: [(vendor index, unit price, quantity), ...]
# groups: [(goods_total, shipping_charge, missing for free shipping), ...]; then order shipping and total.
CASES = {
    "one vendor under the default threshold": (
        [DEFAULTS],
        [(0, "39.90", 1)],
        [("39.90", "8.00", "59.10")],
        ("8.00", "47.90"),
    ),
    "one cent under the default threshold": (
        [DEFAULTS],
        [(0, "98.99", 1)],
        [("98.99", "8.00", "0.01")],
        ("8.00", "106.99"),
    ),
    "exactly at the default threshold": ([DEFAULTS], [(0, "99.00", 1)], [("99.00", "0.00", "0.00")], ("0.00", "99.00")),
    "over the default threshold": ([DEFAULTS], [(0, "39.90", 3)], [("119.70", "0.00", "0.00")], ("0.00", "119.70")),
    "the vendor's own fee and threshold": (
        [("12.00", "200.00")],
        [(0, "99.00", 2)],
        [("198.00", "12.00", "2.00")],
        ("12.00", "210.00"),
    ),
    "the vendor's own threshold below the default": (
        [(None, "50.00")],
        [(0, "25.00", 2)],
        [("50.00", "0.00", "0.00")],
        ("0.00", "50.00"),
    ),
    "a fee of 0 always ships free": ([("0.00", None)], [(0, "1.00", 1)], [("1.00", "0.00", "0.00")], ("0.00", "1.00")),
    "free from 0 always ships free": (
        [("10.00", "0.00")],
        [(0, "1.00", 1)],
        [("1.00", "0.00", "0.00")],
        ("0.00", "1.00"),
    ),
    "two lines of one vendor add up to its threshold": (
        [DEFAULTS],
        [(0, "49.50", 1), (0, "49.50", 1)],
        [("99.00", "0.00", "0.00")],
        ("0.00", "99.00"),
    ),
    "three vendors: default, free over its own threshold, own fee": (
        [DEFAULTS, ("5.00", "50.00"), ("15.50", "300.00")],
        [(0, "39.90", 1), (1, "25.00", 2), (2, "120.00", 1)],
        [("39.90", "8.00", "59.10"), ("50.00", "0.00", "0.00"), ("120.00", "15.50", "180.00")],
        ("23.50", "233.40"),
    ),
    "lines of two vendors interleaved are grouped in first-seen order": (
        [DEFAULTS, ("6.00", None)],
        [(1, "10.00", 1), (0, "20.00", 1), (1, "95.00", 1)],
        [("105.00", "0.00", "0.00"), ("20.00", "8.00", "79.00")],
        ("8.00", "133.00"),
    ),
}


def _vendors(terms):
    vendors = []
    for n, (fee, free_from) in enumerate(terms):
        vendor, _user = make_vendor(f"合作社{n}号")
        vendor.shipping_fee = D(fee) if fee is not None else None
        vendor.free_shipping_from = D(free_from) if free_from is not None else None
        vendor.commission_rate = D("0.05") + D(n) / 100
        vendor.save()
        vendors.append(vendor)
    return vendors


def _basket(vendors, lines):
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy()
    for n, (index, price, quantity) in enumerate(lines):
        basket.add_product(make_product(vendors[index], title=f"小米{n}号", price=price), quantity)
    return Basket.objects.get(pk=basket.pk), basket.strategy


def _fresh(basket_and_strategy):
    """The basket as a new request loads it."""
    basket = Basket.objects.get(pk=basket_and_strategy[0].pk)
    basket.strategy = basket_and_strategy[1]
    return basket


@pytest.mark.parametrize("terms, lines, groups, order_money", CASES.values(), ids=CASES.keys())
def test_per_vendor_shipping_is_charged_and_recorded_exactly(china, terms, lines, groups, order_money):
    # given
    vendors = _vendors(terms)
    loaded = _basket(vendors, lines)
    # when
    basket_groups = basket_vendor_groups(_fresh(loaded))
    charge = PerVendorShipping().calculate(_fresh(loaded))
    order = create_order(basket=_fresh(loaded), shipping_method=PerVendorShipping())
    # then
    expected = [tuple(D(v) for v in group) for group in groups]
    assert [(g.goods_total, g.shipping_charge, g.missing_for_free_shipping) for g in basket_groups] == expected
    assert (charge.currency, charge.excl_tax, charge.incl_tax) == ("CNY", D(order_money[0]), D(order_money[0]))
    assert (order.shipping_incl_tax, order.shipping_excl_tax, order.total_incl_tax) == (
        D(order_money[0]),
        D(order_money[0]),
        D(order_money[1]),
    )
    assert order.shipping_code == "per-vendor"
    vendor_order = [vendors.index(g.vendor) for g in basket_groups]
    assert [
        (part.vendor_id, part.goods_total, part.shipping_charge, part.commission_rate)
        for part in OrderPart.objects.filter(order=order).order_by("pk")
    ] == [
        (vendors[i].pk, goods, shipping, D("0.05") + D(i) / 100)
        for i, (goods, shipping, _missing) in zip(vendor_order, expected, strict=True)
    ]
    assert sum(part.total for part in order.vendor_parts.all()) == order.total_incl_tax


@pytest.mark.parametrize(
    "fee, free_from, goods, charge",
    [
        (None, None, "98.99", "8.00"),
        (None, None, "99.00", "0.00"),
        ("3.50", None, "0.01", "3.50"),
        ("3.50", "10.00", "10.00", "0.00"),
        ("0.00", "1000.00", "5.00", "0.00"),
    ],
)
def test_the_charge_rule(db, fee, free_from, goods, charge):
    # given
    vendor, _user = make_vendor("临县王家庄村农民专业合作社")
    vendor.shipping_fee = D(fee) if fee else None
    vendor.free_shipping_from = D(free_from) if free_from else None
    # when / then
    assert vendor_shipping_charge(vendor=vendor, goods_total=D(goods)) == D(charge)


def test_an_order_placed_with_oscars_free_method_records_parts_without_shipping(china):
    """Oscar's test helpers place orders with Free shipping: the parts then record a charge of 0."""
    # given
    vendors = _vendors([DEFAULTS, DEFAULTS])
    loaded = _basket(vendors, [(0, "10.00", 1), (1, "20.00", 1)])
    # when
    order = create_order(basket=_fresh(loaded))
    # then
    assert (order.shipping_incl_tax, order.total_incl_tax) == (D("0.00"), D("30.00"))
    assert list(order.vendor_parts.values_list("goods_total", "shipping_charge")) == [
        (D("10.00"), D("0.00")),
        (D("20.00"), D("0.00")),
    ]


def test_parts_that_do_not_add_up_to_the_recorded_shipping_are_refused(china):
    # given: the order was charged 8.00, then the vendor raised its fee to 12.00
    vendors = _vendors([DEFAULTS])
    loaded = _basket(vendors, [(0, "10.00", 1)])
    order = create_order(basket=_fresh(loaded))  # Free shipping: no parts' rule involved yet
    OrderPart.objects.filter(order=order).delete()
    order.shipping_code, order.shipping_incl_tax = "per-vendor", D("8.00")
    vendors[0].shipping_fee = D("12.00")
    vendors[0].save()
    # when / then
    with translation.override("zh-hans"), pytest.raises(ShippingChanged) as changed:
        order_parts_create(order=order, basket=_fresh(loaded))
    assert str(changed.value) == (
        "结算过程中运费发生了变化（现在是 ¥12.00，原为 ¥8.00）。订单尚未提交，请核对新的总额后重新提交。"
    )
    assert OrderPart.objects.filter(order=order).count() == 0


def test_grouping_the_basket_costs_no_query(china):
    # given: a basket of 4 lines of 3 vendors whose lines were loaded once (as every page does)
    vendors = _vendors([DEFAULTS, DEFAULTS, ("5.00", None)])
    basket = _fresh(_basket(vendors, [(0, "10.00", 1), (1, "10.00", 1), (2, "10.00", 1), (0, "10.00", 2)]))
    list(basket.all_lines())
    [line.purchase_info for line in basket.all_lines()]
    # when
    with CaptureQueriesContext(connection) as queries:
        groups = basket_vendor_groups(basket)
        PerVendorShipping().calculate(basket)
    # then
    assert [len(group.lines) for group in groups] == [2, 1, 1]
    assert len(queries) == 0
