"""The search index's one write path: index the browsable products among some, remove the others.

Rules: a browsable product is in the search index with its current title, price and stock; anything
else (deleted, hidden, a variant) is not. Called from Celery tasks only (shop.search.tasks), never
inside a request's transaction. A product's update is enqueued after its commit (shop.search.signals);
an update lost with the broker is caught up by beat (``product_search_index_catch_up``): every product
whose date_updated is after the last successful catch-up, and every product ordered since (its units
sold sort the results by sales; checkout itself does not re-index), never the whole catalogue.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from haystack import connections
from haystack.exceptions import NotHandled
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Line = get_model("order", "Line")
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
    """Re-index every product changed or ordered since the last successful run (a variant: its parent).

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
    ordered = Line.objects.filter(order__date_placed__gte=since, product__isnull=False).values_list(
        "product_id", "product__parent_id"
    )
    pks = sorted({parent_id or pk for pk, parent_id in [*changed, *ordered]})
    for start in range(0, len(pks), CATCH_UP_BATCH):
        product_search_index_update(product_pks=pks[start : start + CATCH_UP_BATCH])
    with transaction.atomic():
        IndexWatermark.objects.update_or_create(name="products", defaults={"reached": started})
    return len(pks)
