"""Per-vendor shipping: one basket, one order, one parcel (and one shipping charge) per vendor.

Rules:
- A vendor's parcel costs its flat fee (Vendor.shipping_fee; blank = settings.VENDOR_DEFAULT_SHIPPING_FEE),
  and nothing once the vendor's goods total reaches its free-shipping threshold (Vendor.free_shipping_from;
  blank = settings.VENDOR_DEFAULT_FREE_SHIPPING_FROM). A fee of 0 means always free.
- A vendor's goods total is the sum of its basket lines incl. tax after discounts: what the buyer pays for them.
- Lines of a partner without a vendor profile (a partner made in Oscar's dashboard) form one parcel of their
  own, charged with the platform defaults; no OrderPart is written for them.
- The order's shipping is the sum of the parcels' charges (shop.shipping.methods.PerVendorShipping). At placement
  each vendor's part records its goods total, charge and current commission rate, and the parts' charges must add
  up to the shipping the order recorded (else UnableToPlaceOrder: the order records exactly what was charged).
  An order placed with another method (Oscar's Free, used by its test helpers) must have recorded no shipping;
  its parts then record a charge of 0.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from vendors.models import Vendor

PER_VENDOR_SHIPPING_CODE = "per-vendor"
CENT = Decimal("0.01")


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def vendor_shipping_fee(*, vendor: Vendor | None) -> Decimal:
    """The vendor's flat fee per parcel (the platform default when it set none)."""
    fee = vendor.shipping_fee if vendor is not None else None
    return _money(settings.VENDOR_DEFAULT_SHIPPING_FEE if fee is None else fee)


def vendor_free_shipping_from(*, vendor: Vendor | None) -> Decimal:
    """The goods total from which the vendor's parcel ships free (the platform default when it set none)."""
    threshold = vendor.free_shipping_from if vendor is not None else None
    return _money(settings.VENDOR_DEFAULT_FREE_SHIPPING_FROM if threshold is None else threshold)


def vendor_shipping_charge(*, vendor: Vendor | None, goods_total: Decimal) -> Decimal:
    """What the buyer pays for this vendor's parcel: its flat fee, or 0 from its free-shipping threshold on."""
    if goods_total >= vendor_free_shipping_from(vendor=vendor):
        return Decimal("0.00")
    return vendor_shipping_fee(vendor=vendor)


@dataclass
class VendorGroup:
    """One vendor's lines of a basket, with its parcel's charge."""

    vendor: Vendor | None
    lines: list = field(default_factory=list)
    goods_total: Decimal = Decimal("0.00")
    shipping_charge: Decimal = Decimal("0.00")
    free_shipping_from: Decimal = Decimal("0.00")
    missing_for_free_shipping: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.goods_total + self.shipping_charge


def _line_vendor(line) -> tuple[int | None, Vendor | None]:
    # The strategy loaded the stock record with partner and vendor (shop.partner.strategy): no query here.
    stockrecord = line.purchase_info.stockrecord or line.stockrecord
    partner = stockrecord.partner
    return partner.pk, getattr(partner, "vendor", None)


def basket_vendor_groups(basket) -> list[VendorGroup]:
    """The basket's lines grouped by vendor, in basket line order, each with goods total and shipping charge."""
    groups: dict[int | None, VendorGroup] = {}
    for line in basket.all_lines():
        partner_id, vendor = _line_vendor(line)
        group = groups.setdefault(partner_id, VendorGroup(vendor=vendor))
        group.lines.append(line)
        group.goods_total += line.line_price_incl_tax_incl_discounts
    for group in groups.values():
        group.goods_total = _money(group.goods_total)
        group.free_shipping_from = vendor_free_shipping_from(vendor=group.vendor)
        group.shipping_charge = vendor_shipping_charge(vendor=group.vendor, goods_total=group.goods_total)
        if group.shipping_charge:
            group.missing_for_free_shipping = group.free_shipping_from - group.goods_total
    return list(groups.values())


def basket_shipping_charge(basket) -> Decimal:
    """The shipping of the whole basket: the sum of its parcels' charges."""
    return sum((group.shipping_charge for group in basket_vendor_groups(basket)), Decimal("0.00"))
