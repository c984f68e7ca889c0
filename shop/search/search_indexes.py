"""Overrides Oscar's ProductIndex: only publicly sellable products are indexed, every backend indexes
the same search terms, and the search results' products are loaded for their cards in a fixed number
of queries.

- Publicly sellable: browsable (public, not a variant) and of an approved vendor. A suspension
  re-indexes the vendor's products (vendors.listings.tasks), which removes them; ``read_queryset``
  applies the same rule again when results are read, so nothing hidden since it was indexed is shown.
- The terms (shop.search.terms): the title's words, characters, pinyin and initials; the categories
  and the English name (shop.search.models.ProductEnglishName, where the product has one); the
  shop's name, its county and village. Whoosh gets them in the document text, PostgreSQL in its tsvector.
- ``category`` holds the product's categories and their ancestors, so filtering on 干果 finds 红枣.
- ``sold`` (units sold) sorts by sales.
- Oscar read results through ``base_queryset``, after which each card looked up its stock record's
  partner and vendor on its own: two queries per result.
"""

from django.db.models import Prefetch
from haystack import indexes
from oscar.apps.search import search_indexes as oscar_indexes

from shop.catalogue.models import Category, ProductAttributeValue
from shop.partner.models import StockRecord
from shop.search.models import ProductEnglishName
from shop.search.terms import DocumentTerms, document_terms
from vendors.listings.selectors import hidden_vendor_products
from vendors.storefront.selectors import sold_count, storefront_product_cards

PLACE_ATTRIBUTES = ("origin_county", "origin_village")


class ProductIndex(oscar_indexes.ProductIndex):
    sold = indexes.IntegerField(null=True)

    def index_queryset(self, using=None):
        return (
            super()
            .index_queryset(using)
            .exclude(hidden_vendor_products())
            .select_related("english_name")
            .annotate(sold_count=sold_count())
            .prefetch_related(
                "categories",
                Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner__vendor")),
                Prefetch(
                    "attribute_values",
                    queryset=ProductAttributeValue.objects.select_related("attribute"),
                    to_attr="search_attribute_values",
                ),
            )
        )

    def read_queryset(self, using=None):
        return storefront_product_cards().filter(parent=None, is_public=True).exclude(hidden_vendor_products())

    def search_terms(self, obj) -> DocumentTerms:
        attributes = {
            value.attribute.code: value.value_text
            for value in _attribute_values(obj)
            if value.attribute.type == "text" and value.value_text
        }
        vendor = _vendor(obj)
        place = [attributes.get(code) for code in PLACE_ATTRIBUTES]
        if vendor is not None:
            place += [vendor.name, vendor.county, vendor.village]
        return document_terms(
            title=obj.title,
            kind=[category.name for category in _categories(obj)] + [_english_name(obj)],
            place=place,
        )

    def prepare_text(self, obj):
        # Haystack has rendered the document template into prepared_data by now.
        return f"{self.prepared_data.get('text', '')}\n{' '.join(self.search_terms(obj).all())}"

    def prepare_category(self, obj):
        paths = {
            category.path[:end]
            for category in _categories(obj)
            for end in range(Category.steplen, len(category.path) + 1, Category.steplen)
        }
        return sorted(Category.objects.filter(path__in=paths).values_list("pk", flat=True)) if paths else []

    def prepare_sold(self, obj):
        return getattr(obj, "sold_count", None) or 0


def _english_name(obj) -> str | None:
    try:
        return obj.english_name.name
    except ProductEnglishName.DoesNotExist:
        return None


def _categories(obj) -> list:
    return list(obj.categories.all())


def _attribute_values(obj) -> list:
    values = getattr(obj, "search_attribute_values", None)
    if values is None:
        values = list(obj.attribute_values.select_related("attribute"))
    return values


def _vendor(obj):
    for stockrecord in obj.stockrecords.all():
        return getattr(stockrecord.partner, "vendor", None)
    return None
