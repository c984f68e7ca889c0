"""How far the periodic search re-index has got.

One row per kind of object kept in the index ("products"): ``reached`` is when the last
successful catch-up run started; the next run re-indexes what changed since then. It is kept
in the database because it must survive a Redis restart (the cache is no place for it).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class IndexWatermark(models.Model):
    name = models.CharField(max_length=40, primary_key=True)
    reached = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.reached:%Y-%m-%d %H:%M:%S}"


class ProductSearchDocument(models.Model):
    """A product's search terms on PostgreSQL (shop.search.postgres): one row per product in the index.

    ``vector`` holds all the terms of shop.search.terms (title, categories, English name, shop and
    places), ``title_vector`` those of the title, the categories and the English name: a product
    whose title matches ranks above one whose shop's name does. Both are lists of lexemes without
    positions (``array_to_tsvector``): nothing is stemmed or dropped (枣, hz and hongzao stay terms)
    and the rows stay small, which is what a query that matches thousands of rows pays for.
    ``partner_id`` (a product's stock record's partner, which never changes) lets a query leave out
    the products of shops that are not approved with one look at the few such shops.
    ``sold`` (units sold when last indexed) and ``created`` (the product's) sort by sales and newness;
    the price is read from the stock record at query time. A query reads this table only: a
    delisted or deleted product's row goes in the same transaction (shop.search.signals, the
    foreign key's cascade), a suspended shop's products are left out by ``partner_id``.
    """

    product = models.OneToOneField(
        "catalogue.Product", on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    partner_id = models.IntegerField(null=True)
    vector = SearchVectorField()
    title_vector = SearchVectorField()
    sold = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(null=True)
    indexed = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [GinIndex(fields=["vector"], name="search_document_vector")]

    def __str__(self) -> str:
        return f"search document of product {self.product_id}"


class ProductEnglishName(models.Model):
    """A product's English name, where it has one: search finds 红枣 by "red dates" through it.

    A side model rather than a product attribute: attributes are listed on the product page, and a
    Chinese shop's page does not show its English search words. The demo's produce have theirs from
    the CSV; nothing else writes it yet.
    """

    product = models.OneToOneField(
        "catalogue.Product", on_delete=models.CASCADE, primary_key=True, related_name="english_name"
    )
    name = models.CharField(max_length=120)

    def __str__(self) -> str:
        return self.name
