"""Storefront reads: the catalogue, the shop directory and a shop's page, as the public sees them.

Rules:
- Only approved vendors have a storefront and appear in the directory; their products are the only
  vendor products in the catalogue (vendors.listings.selectors.hidden_vendor_products).
- Every list loads what its product cards show in a fixed number of queries, whatever the page size.
"""

from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from shop.catalogue.models import Product
from shop.order.models import Line
from vendors.listings.selectors import hidden_vendor_products
from vendors.models import OrderPart, Vendor

SORT_NEWEST = "newest"
SORT_PRICE_ASC = "price-asc"
SORT_PRICE_DESC = "price-desc"
SORT_RATING = "rating"
SORT_ORDERINGS = {
    SORT_NEWEST: ("-date_created", "-pk"),
    SORT_PRICE_ASC: ("min_price", "-pk"),
    SORT_PRICE_DESC: ("-min_price", "-pk"),
    SORT_RATING: ("-rating", "-pk"),
}


def storefront_product_list(*, categories=None, sort: str = SORT_NEWEST) -> QuerySet:
    """Browsable products, optionally within some categories, in a listing order."""
    products = (
        Product.objects.browsable()
        .base_queryset()
        .exclude(hidden_vendor_products())
        .prefetch_related("stockrecords__partner__vendor")
    )
    if categories is not None:
        products = products.filter(categories__in=categories).distinct()
    ordering = SORT_ORDERINGS.get(sort, SORT_ORDERINGS[SORT_NEWEST])
    if "min_price" in ordering[0]:
        products = products.annotate(min_price=Min("stockrecords__price"))
    return products.order_by(*ordering)


def sold_count() -> Coalesce:
    """A product's units sold (for annotate()): its order lines, but for those of a shop's part the buyer or
    the shop cancelled."""
    cancelled = OrderPart.objects.filter(
        order=OuterRef("order"), vendor__partner=OuterRef("partner"), status=OrderPart.Status.CANCELLED
    )
    sold = (
        Line.objects.filter(product=OuterRef("pk"))
        .exclude(Exists(cancelled))
        .values("product")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(sold, output_field=IntegerField()), Value(0))


def storefront_product_detail_queryset() -> QuerySet:
    """Products as the product page shows them: class, stock records, images and attribute values loaded up front.

    Not limited to browsable products: the view decides who may see what
    (staff may preview hidden products); ``hidden_vendor`` says whether the
    product's vendor is not approved; ``sold_count`` is the units sold (已售).
    """
    return (
        Product.objects.base_queryset()
        .prefetch_attribute_values()
        .prefetch_related("stockrecords__partner__vendor")
        .annotate(hidden_vendor=hidden_vendor_products(), sold_count=sold_count())
    )


def storefront_vendor_list(*, county: str | None = None) -> QuerySet:
    """Approved vendors with their count of public products, optionally in one county."""
    vendors = Vendor.objects.filter(status=Vendor.Status.APPROVED)
    if county:
        vendors = vendors.filter(county=county)
    return vendors.annotate(
        product_count=Count(
            "partner__stockrecords__product",
            filter=Q(partner__stockrecords__product__is_public=True, partner__stockrecords__product__parent=None),
            distinct=True,
        )
    ).order_by("county", "name")


def storefront_counties() -> list[str]:
    return list(
        Vendor.objects.filter(status=Vendor.Status.APPROVED)
        .order_by("county")
        .values_list("county", flat=True)
        .distinct()
    )


def storefront_vendor_get(*, slug: str) -> Vendor:
    return get_object_or_404(Vendor.objects.select_related("partner"), slug=slug, status=Vendor.Status.APPROVED)


def storefront_vendor_products(*, vendor: Vendor) -> QuerySet:
    """The vendor's browsable products for its storefront, newest first.

    Loaded for Oscar's product pods (stock records with partner and vendor,
    images, class): a fixed number of queries whatever the page size.
    """
    return (
        Product.objects.browsable()
        .base_queryset()
        .filter(stockrecords__partner=vendor.partner)
        .prefetch_related("stockrecords__partner__vendor")
        .order_by("-date_created", "-pk")
    )


def storefront_best_sellers(*, limit: int = 8) -> list:
    """The browsable products that sold most (units, cancelled parts not counted), most sold first."""
    products = storefront_product_list().annotate(sold=sold_count()).filter(sold__gt=0)
    return list(products.order_by("-sold", "-pk")[:limit])


def storefront_featured_vendors(*, limit: int = 6) -> list[Vendor]:
    """Approved shops with the most public products, for the home page."""
    vendors = storefront_vendor_list().filter(product_count__gt=0).select_related("partner")
    return list(vendors.order_by("-product_count", "name")[:limit])
