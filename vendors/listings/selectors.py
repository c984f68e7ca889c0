"""Listings reads: a vendor's own products, stock and photos, and which products the public may see.

Rules:
- A vendor sees only products whose stock record is its own; someone else's is a 404, never a 403,
  so ids don't leak.
- The public sees products only of approved vendors (``hidden_vendor_products``); products of a
  platform partner without a vendor profile stay visible.
"""

from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from shop.catalogue.models import Product, ProductImage
from shop.partner.models import StockRecord
from vendors.models import Vendor


def hidden_vendor_products() -> Exists:
    """True for products whose vendor is not approved (pending, rejected, suspended); use in filter/exclude."""
    hidden = (
        StockRecord.objects.filter(product=OuterRef("pk"))
        .exclude(partner__vendor__isnull=True)
        .exclude(partner__vendor__status=Vendor.Status.APPROVED)
    )
    return Exists(hidden)


def seller_product_list(*, vendor: Vendor) -> QuerySet:
    """The vendor's own products, public or delisted, newest first."""
    return (
        Product.objects.filter(stockrecords__partner=vendor.partner, parent=None)
        .select_related("product_class")
        .prefetch_related("stockrecords", "images")
        .order_by("-date_created", "-pk")
    )


def seller_product_get(*, vendor: Vendor, pk: int):
    """One of the vendor's products; Http404 for anyone else's."""
    return get_object_or_404(seller_product_list(vendor=vendor), pk=pk)


def seller_stockrecord_get(*, vendor: Vendor, product) -> StockRecord:
    return StockRecord.objects.get(product=product, partner=vendor.partner)


def seller_product_image_get(*, vendor: Vendor, product_pk: int, image_pk: int):
    """A photo of one of the vendor's products; Http404 for anyone else's (or a photo of another product)."""
    return get_object_or_404(
        ProductImage.objects.select_related("product"),
        pk=image_pk,
        product_id=product_pk,
        product__stockrecords__partner=vendor.partner,
    )


def seller_low_stock(*, vendor: Vendor) -> QuerySet:
    """The vendor's stock records at or below their low-stock threshold."""
    return (
        StockRecord.objects.filter(partner=vendor.partner, low_stock_threshold__isnull=False)
        .filter(num_in_stock__lte=Coalesce(F("num_allocated"), 0) + F("low_stock_threshold"))
        .select_related("product")
        .order_by("product__title")
    )
