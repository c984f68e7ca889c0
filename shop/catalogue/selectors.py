"""Catalogue reads for the storefront.

Rules: the storefront lists only browsable products (public, not variants);
listings load their stock records, images and classes in a fixed number of
queries whatever the page size (no per-product queries); the product page
loads its attribute values with their attributes in one query, however many
attributes a product has (no per-attribute queries). Products of vendors that
are not approved (pending, rejected, suspended) are not shown at all.
"""

from django.db.models import Min, QuerySet
from oscar.core.loading import get_model

from vendors.selectors import hidden_vendor_products

Product = get_model("catalogue", "Product")

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


def storefront_product_detail_queryset() -> QuerySet:
    """Products as the product page shows them: class, stock records, images and attribute values loaded up front.

    Not limited to browsable products: the view decides who may see what
    (staff may preview hidden products); ``hidden_vendor`` says whether the
    product's vendor is not approved.
    """
    return (
        Product.objects.base_queryset()
        .prefetch_attribute_values()
        .prefetch_related("stockrecords__partner__vendor")
        .annotate(hidden_vendor=hidden_vendor_products())
    )
