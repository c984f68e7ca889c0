"""Catalogue reads for the storefront.

Rules: the storefront lists only browsable products (public, not variants);
listings load their stock records, images and classes in a fixed number of
queries whatever the page size (no per-product queries).
"""

from django.db.models import Min, QuerySet
from oscar.core.loading import get_model

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
    products = Product.objects.browsable().base_queryset()
    if categories is not None:
        products = products.filter(categories__in=categories).distinct()
    ordering = SORT_ORDERINGS.get(sort, SORT_ORDERINGS[SORT_NEWEST])
    if "min_price" in ordering[0]:
        products = products.annotate(min_price=Min("stockrecords__price"))
    return products.order_by(*ordering)
