"""Overrides Oscar's ProductIndex: products of vendors that are not approved are not indexed.

A suspension re-indexes the vendor's products (vendors.listings.tasks), which removes them.
"""

from oscar.apps.search import search_indexes as oscar_indexes

from vendors.listings.selectors import hidden_vendor_products


class ProductIndex(oscar_indexes.ProductIndex):
    def index_queryset(self, using=None):
        return super().index_queryset(using).exclude(hidden_vendor_products())
