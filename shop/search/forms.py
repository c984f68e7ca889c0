"""Fork of Oscar's search form.

- The query is cleaned (shop.search.terms.clean_query) before any backend sees it: markup, operators,
  quotes and emoji are dropped, a long query is cut; what is left is words.
- Filters: a category (with everything below it) and a price range, in yuan.
- Sorting as a Chinese shop offers it: best match (综合), sales, newest, price either way.
- A filter that does not validate is left out of the search and its error shown; the search itself
  still runs (Haystack's view would list the whole catalogue for an invalid form).
- A query that finds nothing but sounds like a produce or a county runs as that word instead.
- No facets: Oscar passes ``selected_facets`` from the URL into the backend's query unchecked.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from oscar.apps.search import forms as oscar_forms

from shop.search.suggestions import search_suggestions
from shop.search.terms import clean_query

MAX_PRICE = Decimal("99999")


class SearchForm(oscar_forms.SearchForm):
    RELEVANCY = "relevancy"
    SALES = "sales"
    NEWEST = "newest"
    PRICE_LOW_TO_HIGH = "price-asc"
    PRICE_HIGH_TO_LOW = "price-desc"

    SORT_BY_CHOICES = [
        (RELEVANCY, pgettext_lazy("search sort", "Best match")),
        (SALES, pgettext_lazy("search sort", "Best selling")),
        (NEWEST, pgettext_lazy("search sort", "Newest")),
        (PRICE_LOW_TO_HIGH, pgettext_lazy("search sort", "Price low to high")),
        (PRICE_HIGH_TO_LOW, pgettext_lazy("search sort", "Price high to low")),
    ]
    SORT_BY_MAP = {
        SALES: "-sold",
        NEWEST: "-date_created",
        PRICE_LOW_TO_HIGH: "price",
        PRICE_HIGH_TO_LOW: "-price",
    }

    sort_by = forms.ChoiceField(label=_("Sort by"), choices=SORT_BY_CHOICES, required=False)
    category = forms.IntegerField(label=_("Category"), min_value=1, max_value=2**31 - 1, required=False)
    price_min = forms.DecimalField(
        label=_("Lowest price"), min_value=0, max_value=MAX_PRICE, max_digits=7, decimal_places=2, required=False
    )
    price_max = forms.DecimalField(
        label=_("Highest price"), min_value=0, max_value=MAX_PRICE, max_digits=7, decimal_places=2, required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs["selected_facets"] = []
        super().__init__(*args, **kwargs)

    @property
    def cleaned_query(self) -> str:
        self.is_valid()
        return clean_query(self.cleaned_data.get("q") or "")

    def search(self):
        """The search for the form's query; if that finds nothing, for what the query sounds like
        (``shop.search.suggestions``: hzz, hongzhao or 红早 for 红枣) when that finds something, with the same
        filters. ``corrected_to`` says which word ran instead, ``suggestions`` what a page that found nothing
        offers (computed once, here)."""
        self.corrected_to, self.suggestions = None, None
        query = self.cleaned_query
        if not query:
            return self.no_query_found()
        found = self._search(query)
        if not found.count():
            self.suggestions = search_suggestions(query=query)
            instead = self.suggestions.instead
            corrected = self._search(instead) if instead else None
            if corrected is not None and corrected.count():
                found, self.corrected_to = corrected, instead
        return found

    def _search(self, query: str):
        data = self.cleaned_data
        sqs = self.searchqueryset.auto_query(query)
        if data.get("category"):
            sqs = sqs.filter(category=data["category"])
        if data.get("price_min") is not None:
            sqs = sqs.filter(price__gte=float(data["price_min"]))
        if data.get("price_max") is not None:
            sqs = sqs.filter(price__lte=float(data["price_max"]))
        sort_field = self.SORT_BY_MAP.get(data.get("sort_by"))
        if sort_field:
            sqs = sqs.order_by(sort_field)
        if self.load_all:
            sqs = sqs.load_all()
        return sqs
