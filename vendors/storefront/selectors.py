"""Storefront reads: the catalogue, the shop directory and a shop's page, as the public sees them.

Rules:
- Only approved vendors have a storefront and appear in the directory; their products are the only
  vendor products in the catalogue (vendors.listings.selectors.hidden_vendor_products).
- The directory (and its county filter) lists only shops with at least one public product: a shop
  imported from a county's list, or one whose products are all delisted, has nothing to show a buyer.
  Its storefront stays reachable by its address.
- Every list loads what its product cards show in a fixed number of queries, whatever the page size.
"""

import functools

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from shop.catalogue.models import Option, Product, ProductAttributeValue, ProductCategory
from shop.catalogue.reviews.models import ProductReview
from shop.order.models import Line
from shop.partner.models import StockRecord
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


def storefront_product_cards() -> QuerySet:
    """Products loaded for Oscar's product cards: class, stock records with partner and vendor (one
    join), images; three queries for a whole page of cards.

    Oscar's ``base_queryset`` adds children and options, and three separate prefetches for the
    stock record, its partner and the partner's vendor. Also the search results' products
    (shop.search.search_indexes.ProductIndex.read_queryset). Built once per process, copied per use.
    """
    return _product_cards().all()


@functools.cache
def _product_cards() -> QuerySet:
    return (
        Product.objects.select_related("product_class")
        .annotate(
            has_product_class_options=Exists(Option.objects.filter(productclass=OuterRef("product_class"))),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner__vendor")),
            "images",
        )
    )


def storefront_product_list(*, categories=None, sort: str = SORT_NEWEST) -> QuerySet:
    """Browsable products, optionally within some categories, in a listing order."""
    products = storefront_product_cards().filter(parent=None, is_public=True).exclude(hidden_vendor_products())
    if categories is not None:
        # EXISTS rather than a join: no DISTINCT over whole product rows, which at 120,000 products cost
        # more than everything else on the page.
        products = products.filter(
            Exists(ProductCategory.objects.filter(product=OuterRef("pk"), category__in=categories))
        )
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


def _approved_review_count() -> Coalesce:
    reviews = (
        ProductReview.objects.filter(product=OuterRef("pk"), status=ProductReview.APPROVED)
        .values("product")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(reviews, output_field=IntegerField()), Value(0))


def storefront_product_detail_queryset() -> QuerySet:
    """A copy of ``_product_detail_queryset``, built once per process: building its five annotations (each a
    subquery resolved against the product) cost more than running the page's query."""
    return _product_detail_queryset().all()


@functools.cache
def _product_detail_queryset() -> QuerySet:
    """Products as the product page shows them: class, stock record with partner and vendor, images and
    attribute values, in four queries.

    Not limited to browsable products: the view decides who may see what
    (staff may preview hidden products); ``hidden_vendor`` says whether the
    product's vendor is not approved; ``sold_count`` is the units sold (已售);
    ``approved_review_count`` the count of its approved reviews (the rating line's).

    Leaner than Oscar's ``base_queryset().prefetch_attribute_values()``: a product page shows one
    standalone product, so its children, its parent's attribute values and the class's attribute list
    are not loaded (Oscar sends a child's page to its parent's), the stock record comes with its
    partner and vendor in one join instead of three prefetches, and the options are only looked up
    when the ``has_*_options`` annotations say there are any. Each prefetch costs Python time per
    lookup whether or not it finds rows: eleven of them were a third of the page's time.
    """
    stockrecords = StockRecord.objects.select_related("partner__vendor")
    attribute_values = (
        ProductAttributeValue.objects.select_related("attribute", "value_option")
        .prefetch_related("value_multi_option")
        .annotate(code=F("attribute__code"))
        # The class's order (origin first, as the product form asks), not the order they were written in.
        .order_by("attribute_id")
    )
    return (
        Product.objects.select_related("product_class", "parent")
        .annotate(
            has_product_class_options=Exists(Option.objects.filter(productclass=OuterRef("product_class"))),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
            hidden_vendor=hidden_vendor_products(),
            sold_count=sold_count(),
            approved_review_count=_approved_review_count(),
        )
        .prefetch_related(
            Prefetch("stockrecords", queryset=stockrecords),
            "images",
            Prefetch("attribute_values", queryset=attribute_values, to_attr="_prefetched_attribute_values"),
        )
    )


def _listed_stockrecords() -> QuerySet:
    """The stock records of public, browsable products."""
    return StockRecord.objects.filter(product__is_public=True, product__parent=None)


def _public_stockrecords() -> QuerySet:
    """The stock records of a vendor's (OuterRef("partner")) public, browsable products."""
    return _listed_stockrecords().filter(partner=OuterRef("partner"))


def _listed_vendors() -> QuerySet:
    """Approved vendors with at least one public product: the ones the directory shows."""
    return Vendor.objects.filter(Exists(_public_stockrecords()), status=Vendor.Status.APPROVED)


def storefront_vendor_list(*, county: str | None = None) -> QuerySet:
    """Approved vendors with public products, with their count of public products, optionally in one county."""
    vendors = _listed_vendors()
    if county:
        vendors = vendors.filter(county=county)
    # A count per shop by subquery (each one an index scan of the shop's stock records): a join of
    # every shop to every product, grouped, took half a second at 120,000 products.
    public = _public_stockrecords().values("partner").annotate(n=Count("product", distinct=True)).values("n")
    return vendors.annotate(product_count=Coalesce(Subquery(public), 0)).order_by("county", "name")


def storefront_counties() -> list[str]:
    """The counties of the shops the directory lists."""
    return list(_listed_vendors().order_by("county").values_list("county", flat=True).distinct())


def storefront_vendor_get(*, slug: str) -> Vendor:
    return get_object_or_404(Vendor.objects.select_related("partner"), slug=slug, status=Vendor.Status.APPROVED)


def storefront_vendor_products(*, vendor: Vendor) -> QuerySet:
    """The vendor's browsable products for its storefront, newest first, loaded for the product cards."""
    return (
        storefront_product_cards()
        .filter(parent=None, is_public=True, stockrecords__partner=vendor.partner)
        .order_by("-date_created", "-pk")
    )


def storefront_best_sellers(*, limit: int = 8) -> list:
    """The browsable products that sold most (units, cancelled parts not counted), most sold first.

    Only products with an order line are counted: a count per product of all 120,000 took 1.3 s."""
    products = (
        storefront_product_list()
        .filter(Exists(Line.objects.filter(product=OuterRef("pk"))))
        .annotate(sold=sold_count())
        .filter(sold__gt=0)
    )
    return list(products.order_by("-sold", "-pk")[:limit])


def storefront_featured_vendors(*, limit: int = 6) -> list[Vendor]:
    """Approved shops with the most public products, for the home page: one count of the listed products'
    stock records by shop (the directory's count per shop, made for all 600 shops to order them, took 0.4 s
    at 120,000 products; this 0.15 s), then the few shops."""
    top = list(
        _listed_stockrecords()
        .filter(partner__vendor__status=Vendor.Status.APPROVED)
        .values("partner")
        .annotate(n=Count("product", distinct=True))
        .order_by("-n", "partner__vendor__name")
        .values_list("partner", "n")[:limit]
    )
    vendors = {
        vendor.partner_id: vendor
        for vendor in Vendor.objects.select_related("partner").filter(partner__in=[partner for partner, _n in top])
    }
    featured = []
    for partner, count in top:
        if (vendor := vendors.get(partner)) is not None:
            vendor.product_count = count
            featured.append(vendor)
    return featured
