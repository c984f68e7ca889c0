"""Catalogue writes that leave the request: keeping the search index current.

Rules: a browsable product is in the search index with its current title,
price and stock; anything else (deleted, hidden, a variant) is not.
"""

from haystack import connections
from haystack.exceptions import NotHandled
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")


def product_search_index_update(*, product_pk: int) -> None:
    """Index the product if it is browsable, remove it from the index otherwise."""
    for alias in connections.connections_info:
        unified = connections[alias].get_unified_index()
        try:
            index = unified.get_index(Product)
        except NotHandled:
            continue
        product = index.index_queryset(using=alias).filter(pk=product_pk).first()
        if product is None:
            connections[alias].get_backend().remove(f"catalogue.product.{product_pk}")
        else:
            index.update_object(product, using=alias)
