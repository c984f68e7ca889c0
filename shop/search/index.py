"""The search index's one write path: index the browsable products among some, remove the others.

Called from Celery tasks only (shop.search.tasks), never inside a request's transaction.
"""

from haystack import connections
from haystack.exceptions import NotHandled
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")


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
