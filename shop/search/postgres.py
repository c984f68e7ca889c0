"""A Haystack backend on PostgreSQL's own full-text search: the search index is a table of the shop's
database (shop.search.models.ProductSearchDocument), so a county on one machine needs no search server.

Why a Haystack backend (rather than a second query path in the search view): Oscar's search view,
form and templates, haystack's ``update_index``/``rebuild_index`` commands and our index upkeep
(shop.search.index: a task after each product's commit, beat's catch-up) all talk to Haystack; with
a backend they stay one code path on Whoosh, PostgreSQL and Elasticsearch, and the choice is one
setting (HAYSTACK_CONNECTIONS).

- Indexing writes one row per product (shop.search.models.ProductSearchDocument): the terms of
  shop.search.terms as lexemes (``array_to_tsvector``, nothing stemmed or dropped, so 枣, hz and
  hongzao stay terms), the title's apart for relevance, the stock record's partner, units sold, when
  the product was created.
- A query is the SQ tree Haystack collects, turned into a Django ``Q`` over those rows: the text as a
  raw tsquery (``@@``, through the GIN index), ``category`` (with its sub-categories), ``price`` (the
  stock record's, as it is now). A query reads only this table: a delisted product's row is deleted
  in the delisting's own transaction (shop.search.signals), a deleted product's by the foreign key,
  and the products of shops that are not approved are left out by partner on every query, so a
  suspension hides a shop's products before its re-index task has run.
- Ordering: relevance (the title, a category or the English name matches before only the shop or a
  place does; then units sold, newest), units sold, newest, price, rating, title. The number of
  hits is one COUNT, kept across the pages of one query (PostgresSearchQuery).
"""

from django.contrib.postgres.search import SearchQuery
from django.db import connections as db_connections
from django.db.models import Case, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Value, When
from django.db.models.fields import FloatField
from django.db.models.functions import Length, Substr
from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery, SearchNode, log_query
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SearchBackendError
from haystack.models import SearchResult

from shop.catalogue.models import Category, Product, ProductCategory
from shop.partner.models import StockRecord
from shop.search.models import ProductSearchDocument
from shop.search.terms import clean_query, query_groups
from vendors.models import Vendor

TEXT_FIELDS = {"content", "text", "title"}
CONFIG = "simple"

_UPSERT = """
INSERT INTO {table} (product_id, partner_id, vector, title_vector, sold, created, indexed)
VALUES (%s, %s, array_to_tsvector(%s::text[]), array_to_tsvector(%s::text[]), %s, %s, now())
ON CONFLICT (product_id) DO UPDATE SET partner_id = EXCLUDED.partner_id, vector = EXCLUDED.vector,
    title_vector = EXCLUDED.title_vector, sold = EXCLUDED.sold, created = EXCLUDED.created,
    indexed = EXCLUDED.indexed
"""


def tsquery(text: str) -> str:
    """The raw tsquery of a shopper's text ("" when nothing searchable is in it)."""

    def term(t: str) -> str:
        return f"'{t[:-1]}':*" if t.endswith("*") else f"'{t}'"

    groups = []
    for alternatives in query_groups(clean_query(text)):
        options = [" & ".join(term(t) for t in terms) for terms in alternatives]
        groups.append(options[0] if len(options) == 1 else "(" + " | ".join(f"({o})" for o in options) + ")")
    return " & ".join(groups)


class PostgresSearchBackend(BaseSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.database = connection_options.get("DATABASE", "default")

    def update(self, index, iterable, commit=True):
        rows = []
        for obj in iterable:
            terms = index.search_terms(obj)
            stockrecord = next(iter(obj.stockrecords.all()), None)
            rows.append(
                (
                    obj.pk,
                    stockrecord.partner_id if stockrecord else None,
                    terms.all(),
                    list(dict.fromkeys(terms.title + terms.kind)),
                    getattr(obj, "sold_count", None) or 0,
                    obj.date_created,
                )
            )
        if rows:
            connection = db_connections[self.database]
            table = connection.ops.quote_name(ProductSearchDocument._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(_UPSERT.format(table=table), rows)

    # The index is a table of the shop's database: a removal can be part of the transaction that
    # delists the product (shop.search.signals).
    in_database = True

    def remove(self, obj_or_string, commit=True):
        if isinstance(obj_or_string, str):
            pk = obj_or_string.rsplit(".", 1)[-1]
        else:
            pk = obj_or_string.pk
        ProductSearchDocument.objects.using(self.database).filter(product_id=pk).delete()

    def clear(self, models=None, commit=True):
        if models is None or Product in models:
            ProductSearchDocument.objects.using(self.database).all()._raw_delete(self.database)

    def matching(self, compiled: "CompiledQuery"):
        """The search documents of the publicly sellable products the query finds (unordered).

        Only this table is read: a product leaves it when it is delisted, in the same transaction;
        the few shops that are not approved are looked up on every query."""
        hidden_partners = Vendor.objects.exclude(status=Vendor.Status.APPROVED).values("partner_id")
        return (
            ProductSearchDocument.objects.using(self.database)
            .exclude(partner_id__in=hidden_partners)
            .filter(compiled.where)
        )

    def count(self, compiled: "CompiledQuery") -> int:
        return self.matching(compiled).count()

    @log_query
    def search(self, query_string, sort_by=None, start_offset=0, end_offset=None, result_class=None, **kwargs):
        """One page of results, by primary key; ``hits`` is None (PostgresSearchQuery counts apart)."""
        compiled = query_string
        documents = self.matching(compiled)
        if compiled.rank_query:
            # Relevance: the title, a category or the English name matches, or only the shop or a place.
            in_title = SearchQuery(compiled.rank_query, search_type="raw", config=CONFIG)
            score = Case(When(title_vector=in_title, then=Value(1.0)), default=Value(0.5))
        else:
            score = Value(0.0)
        documents = documents.annotate(score=ExpressionWrapper(score, output_field=FloatField()))
        ordering = []
        for field in sort_by or []:
            descending, name = field.startswith("-"), field.lstrip("-")
            expression = SORT_FIELDS.get(name)
            if expression is None:
                raise SearchBackendError(f"Cannot sort search results by {name!r}.")
            if name in PRODUCT_SORT_FIELDS:
                documents = documents.annotate(**{expression: _of_product(name)})
            ordering.append(F(expression).desc(nulls_last=True) if descending else F(expression).asc(nulls_last=True))
        ordering += [F("score").desc(), F("sold").desc(), F("created").desc(nulls_last=True), F("product_id").desc()]
        end = end_offset if end_offset is not None else start_offset + 1000
        rows = list(documents.order_by(*ordering).values_list("product_id", "score")[start_offset:end])
        result_class = result_class or SearchResult
        results = [result_class("catalogue", "product", str(pk), score or 0.0) for pk, score in rows]
        return {"results": results, "hits": None, "spelling_suggestion": None, "facets": {}}

    def more_like_this(self, model_instance, additional_query_string=None, **kwargs):
        return {"results": [], "hits": 0}


SORT_FIELDS = {
    "score": "score",
    "sold": "sold",
    "date_created": "created",
    "price": "sort_price",
    "date_updated": "sort_date_updated",
    "rating": "sort_rating",
    "title": "sort_title",
    "title_exact": "sort_title",
}
PRODUCT_SORT_FIELDS = {"price", "date_updated", "rating", "title", "title_exact"}


def _of_product(name: str) -> Subquery:
    """A sort key read from the product (or its stock record's price) when that order is asked for."""
    if name == "price":
        rows = StockRecord.objects.filter(product=OuterRef("product_id")).order_by("price").values("price")
    else:
        column = "title" if name.startswith("title") else name
        rows = Product.objects.filter(pk=OuterRef("product_id")).values(column)
    return Subquery(rows[:1])


class CompiledQuery:
    """A Haystack SQ tree as a Q over products, plus the text to rank by."""

    def __init__(self, query_filter: SearchNode):
        self.rank_parts: list[str] = []
        self.where = self._node(query_filter) if query_filter else Q()
        self.rank_query = " & ".join(f"({part})" for part in self.rank_parts)

    def _node(self, node: SearchNode) -> Q:
        q = Q()
        for child in node.children:
            if isinstance(child, SearchNode):
                part = self._node(child)
            else:
                expression, value = child
                field, filter_type = node.split_expression(expression)
                part = self._fragment(field, filter_type, value, negated=node.negated)
            q = q & part if node.connector == node.AND else q | part
        return ~q if node.negated else q

    def _fragment(self, field: str, filter_type: str, value, *, negated: bool) -> Q:
        if hasattr(value, "query_string"):
            value = value.query_string
        if field in TEXT_FIELDS:
            raw = tsquery(str(value))
            if not raw:
                return Q(pk__in=[])
            if not negated:
                self.rank_parts.append(raw)
            return Q(vector=SearchQuery(raw, search_type="raw", config=CONFIG))
        values = list(value) if filter_type == "in" else [value]
        if field == "category":
            return Q(
                Exists(ProductCategory.objects.filter(product=OuterRef("product_id"), category__in=_within(values)))
            )
        if field == "price":
            lookup = {"content": "exact", "exact": "exact", "gte": "gte", "gt": "gt", "lte": "lte", "lt": "lt"}
            if filter_type not in lookup:
                raise SearchBackendError(f"Cannot filter price with {filter_type!r}.")
            stock = StockRecord.objects.filter(
                product=OuterRef("product_id"), **{f"price__{lookup[filter_type]}": value}
            )
            return Q(Exists(stock))
        if field == "is_public":
            # Only public products have a document.
            return Q() if str(value).lower() in ("true", "1") else Q(pk__in=[])
        if field == "structure":
            # Only browsable products (standalone or parent) have a document.
            return Q() if {"standalone", "parent"} & {str(v) for v in values} else Q(pk__in=[])
        if field in (ID, DJANGO_ID, "pk"):
            return Q(product_id__in=[str(v).rsplit(".", 1)[-1] for v in values])
        if field == DJANGO_CT:
            return Q() if set(values) <= {"catalogue.product"} else Q(pk__in=[])
        raise SearchBackendError(f"The PostgreSQL search backend cannot filter on {field!r}.")


def _within(category_pks) -> "QuerySet":  # noqa: F821
    """The categories among category_pks and all below them (a materialised path starts with theirs)."""
    selected = Category.objects.filter(pk__in=category_pks, path=Substr(OuterRef("path"), 1, Length("path")))
    return Category.objects.filter(Exists(selected)).values("pk")


class PostgresSearchQuery(BaseSearchQuery):
    def build_query(self):
        return CompiledQuery(self.query_filter)

    def build_query_fragment(self, field, filter_type, value):
        raise NotImplementedError("CompiledQuery reads the SQ tree itself.")

    def clean(self, query_fragment):
        return query_fragment

    def get_count(self):
        # The number of hits is one COUNT over the documents, without ranking or ordering; it does not
        # change with the page asked for, so it is kept when Haystack resets the query for a new slice.
        if self._hit_count is None:
            self._hit_count = self.backend.count(self.build_query())
        return self._hit_count

    def _reset(self):
        hits = self._hit_count
        super()._reset()
        self._hit_count = hits

    def run(self, spelling_query=None, **kwargs):
        hits = self._hit_count
        super().run(spelling_query=spelling_query, **kwargs)
        self._hit_count = hits
        self.get_count()

    def get_facet_counts(self):
        # No facets (shop.search.forms): nothing to run for them.
        return {}


class PostgresSearchEngine(BaseEngine):
    backend = PostgresSearchBackend
    query = PostgresSearchQuery
