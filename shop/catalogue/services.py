"""Catalogue writes that leave the request: keeping the search index current.

Rules: a browsable product is in the search index with its current title,
price and stock; anything else (deleted, hidden, a variant) is not.
A product's update is enqueued after its commit (shop.catalogue.search); an update lost with
the broker is caught up by beat (product_search_index_catch_up): every product whose
date_updated is after the last successful catch-up, never the whole catalogue.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from haystack import connections
from haystack.exceptions import NotHandled
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
IndexWatermark = get_model("search", "IndexWatermark")

# A product saved just before a catch-up started may commit just after it read the changes:
# each run looks this far behind the previous run's start.
CATCH_UP_OVERLAP = timedelta(minutes=2)
CATCH_UP_BATCH = 500


def product_search_index_update(*, product_pks) -> None:
    """Index those of the products that are browsable (one write), remove the others from the index."""
    product_pks = set(product_pks)
    for alias in connections.connections_info:
        unified = connections[alias].get_unified_index()
        try:
            index = unified.get_index(Product)
        except NotHandled:
            continue
        backend = connections[alias].get_backend()
        indexable = list(index.index_queryset(using=alias).filter(pk__in=product_pks))
        if indexable:
            backend.update(index, indexable)
        for product_pk in product_pks - {product.pk for product in indexable}:
            backend.remove(f"catalogue.product.{product_pk}")


def product_search_index_catch_up() -> int:
    """Re-index every product changed since the last successful run (a variant: its parent).

    The first run (no watermark yet) looks back SEARCH_REINDEX_FIRST_LOOKBACK_SECONDS; the index
    itself is built by ``rebuild_index``. The watermark moves only after the index was written, so
    a run that fails is done again by the next. Deleted products are not found here (no row is
    left to look at). Returns how many products were re-indexed."""
    started = timezone.now()
    mark = IndexWatermark.objects.filter(name="products").first()
    if mark is None:
        since = started - timedelta(seconds=settings.SEARCH_REINDEX_FIRST_LOOKBACK_SECONDS)
    else:
        since = mark.reached - CATCH_UP_OVERLAP
    changed = Product.objects.filter(date_updated__gte=since).values_list("pk", "parent_id")
    pks = sorted({parent_id or pk for pk, parent_id in changed})
    for start in range(0, len(pks), CATCH_UP_BATCH):
        product_search_index_update(product_pks=pks[start : start + CATCH_UP_BATCH])
    with transaction.atomic():
        IndexWatermark.objects.update_or_create(name="products", defaults={"reached": started})
    return len(pks)


PRODUCT_CLASS_SLUG = "farm-produce"
# (code, name, type): what a buyer of farm produce asks about. A vendors
# migration creates the same class in every database; this keeps code that
# needs it working on a database that was emptied (tests that truncate).
FARM_PRODUCE_ATTRIBUTES = [
    ("origin_province", "产地省份", "text"),
    ("origin_prefecture", "产地市", "text"),
    ("origin_county", "产地县区", "text"),
    ("origin_village", "产地村镇", "text"),
    ("net_weight", "净含量", "text"),
    ("harvest_season", "采收季节", "text"),
    ("shelf_life_days", "保质期（天）", "integer"),
    ("storage", "储存方式", "text"),
    ("geographical_indication", "地理标志产品", "boolean"),
    ("video_url", "短视频链接", "text"),
]


def farm_produce_class():
    """The product class vendors sell under, with its attributes."""
    ProductClass = get_model("catalogue", "ProductClass")
    ProductAttribute = get_model("catalogue", "ProductAttribute")
    product_class, created = ProductClass.objects.get_or_create(
        slug=PRODUCT_CLASS_SLUG, defaults={"name": "农产品", "requires_shipping": True, "track_stock": True}
    )
    if created or product_class.attributes.count() < len(FARM_PRODUCE_ATTRIBUTES):
        for code, name, type_ in FARM_PRODUCE_ATTRIBUTES:
            ProductAttribute.objects.get_or_create(
                product_class=product_class, code=code, defaults={"name": name, "type": type_}
            )
    return product_class
