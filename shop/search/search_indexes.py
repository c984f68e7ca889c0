"""Overrides Oscar's ProductIndex: products of vendors that are not approved are not indexed, and the
search results' products are loaded for their cards in a fixed number of queries.

A suspension re-indexes the vendor's products (vendors.listings.tasks), which removes them.
Oscar reads results through ``base_queryset``, after which each card looked up its stock record's
partner and vendor on its own: two queries per result.
"""

from oscar.apps.search import search_indexes as oscar_indexes

from vendors.listings.selectors import hidden_vendor_products
from vendors.storefront.selectors import storefront_product_cards


class ProductIndex(oscar_indexes.ProductIndex):
    def index_queryset(self, using=None):
        return super().index_queryset(using).exclude(hidden_vendor_products())

    def read_queryset(self, using=None):
        return storefront_product_cards()
