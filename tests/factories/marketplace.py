"""Vendors, their products and orders, built the way the marketplace builds them."""

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from oscar.test.factories import PartnerFactory, UserFactory, create_order
from PIL import Image

from shop.basket.models import Basket
from shop.partner.models import StockRecord
from shop.partner.strategy import Selector
from tests.factories import FarmProductFactory, LvliangAddressFactory
from vendors.earnings.services import earnings_book
from vendors.fulfilment.services import order_status_refresh, vendor_lines_ship
from vendors.models import EarningsEntry, OrderPart, Shipment, Vendor

# When delivered_part's parts are delivered unless told otherwise.
DELIVERED_AT = datetime(2026, 4, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def make_vendor(name: str, *, status: str = Vendor.Status.APPROVED):
    """An approved vendor (Partner + Vendor profile) and the user who runs it."""
    user = UserFactory()
    partner = PartnerFactory(name=name, users=[user])
    vendor = Vendor.objects.create(
        partner=partner,
        applicant=user,
        status=status,
        slug=f"v{partner.pk}",
        name=name,
        contact_name="王秀英",
        contact_phone="+8613800000001",
        county="临县",
        village="王家庄村",
    )
    return vendor, user


def make_product(vendor: Vendor, *, title: str = "临县红枣 特级", price: str = "39.90", stock: int = 100, **kwargs):
    return FarmProductFactory(
        title=title,
        stockrecords__partner=vendor.partner,
        stockrecords__price=Decimal(price),
        stockrecords__num_in_stock=stock,
        **kwargs,
    )


def make_order(customer, items, *, china):
    """A placed order (Oscar's OrderCreator) of ``items``: [(product, quantity), ...], shipped to 吕梁."""
    basket = Basket.objects.create(owner=customer)
    basket.strategy = Selector().strategy()
    for product, quantity in items:
        basket.add_product(product, quantity)
    address = LvliangAddressFactory(country=china)
    return create_order(basket=basket, user=customer, shipping_address=address)


def jpeg_bytes(color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def stock_of(product) -> tuple[int, int | None]:
    record = StockRecord.objects.get(product=product)
    return record.num_in_stock, record.num_allocated


def make_parts(order, *, shipping: str = "8.00", rates: dict | None = None) -> dict[int, OrderPart]:
    """The order's vendor parts as checkout writes them (kept or rewritten here with known amounts).

    goods_total = the vendor's lines incl. tax; ``rates`` maps vendor pk -> commission rate (default 0.05).
    """
    parts = {}
    for vendor in Vendor.objects.filter(partner__order_lines__order=order).distinct():
        lines = order.lines.filter(partner=vendor.partner)
        goods = sum((line.line_price_incl_tax for line in lines), Decimal("0.00"))
        parts[vendor.pk], _created = OrderPart.objects.update_or_create(
            order=order,
            vendor=vendor,
            defaults={
                "goods_total": goods,
                "shipping_charge": Decimal(shipping),
                "commission_rate": Decimal((rates or {}).get(vendor.pk, "0.05")),
                "status": OrderPart.Status.WAITING,
            },
        )
    order_status_refresh(order=order)
    return parts


def ship_all(vendor: Vendor, user, order, *, tracking: str = "SF1234567890") -> Shipment:
    quantities = {line.pk: line.quantity for line in order.lines.filter(partner=vendor.partner)}
    return vendor_lines_ship(
        vendor=vendor, order=order, quantities=quantities, carrier="sf", tracking_number=tracking, shipped_by=user
    )


@dataclass
class TwoVendorOrder:
    order: object
    buyer: object
    vendor_a: Vendor
    user_a: object
    vendor_b: Vendor
    user_b: object
    dates: object  # vendor A's product, 2 ordered at 39.90 (A's goods: 104.80)
    millet: object  # vendor A's product, 1 ordered at 25.00
    ginseng: object  # vendor B's product, 3 ordered at 88.00
    part_a: OrderPart
    part_b: OrderPart


def make_two_vendor_order(*, china) -> TwoVendorOrder:
    """Vendor A: 2 x 临县红枣 at 39.90 and 1 x 沁州黄小米 at 25.00; vendor B: 3 x 沁源党参 at 88.00.

    10 of each in stock.
    """
    vendor_a, user_a = make_vendor("临县王家庄村农民专业合作社")
    vendor_b, user_b = make_vendor("沁源县李家沟村家庭农场")
    dates = make_product(vendor_a, title="临县红枣", price="39.90", stock=10)
    millet = make_product(vendor_a, title="沁州黄小米", price="25.00", stock=10)
    ginseng = make_product(vendor_b, title="沁源党参", price="88.00", stock=10)
    buyer = UserFactory()
    order = make_order(buyer, [(dates, 2), (millet, 1), (ginseng, 3)], china=china)
    parts = make_parts(order)
    return TwoVendorOrder(
        order, buyer, vendor_a, user_a, vendor_b, user_b, dates, millet, ginseng, parts[vendor_a.pk], parts[vendor_b.pk]
    )


def delivered_part(
    vendor, *, china, goods: str = "100.00", shipping: str = "8.00", rate: str = "0.05", at=DELIVERED_AT
):
    """A part of a new order of ``vendor``, delivered ``at``, with these amounts."""
    order = make_order(UserFactory(), [(make_product(vendor), 1)], china=china)
    part = make_parts(order, shipping=shipping, rates={vendor.pk: rate})[vendor.pk]
    OrderPart.objects.filter(pk=part.pk).update(
        goods_total=Decimal(goods), status=OrderPart.Status.DELIVERED, shipped_at=at, delivered_at=at
    )
    part.refresh_from_db()
    return part


def book(vendor, *, china, at, goods: str = "100.00", shipping: str = "8.00", rate: str = "0.05") -> EarningsEntry:
    return earnings_book(part=delivered_part(vendor, china=china, goods=goods, shipping=shipping, rate=rate, at=at))
