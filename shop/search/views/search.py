"""Fork of Oscar's search page: a search always runs with whatever of the form is valid (an invalid
price is shown as an error, not a page listing the whole catalogue), the cleaned query is handed to
the template for highlighting, and a search that finds nothing gets suggestions
(shop.search.suggestions) instead of a dead end. When the form ran what the query sounds like instead
(hzz, the initials of 红枣 mistyped, or 红早: shop.search.forms), the page says so, as Chinese shops do
(没有找到与“hzz”相关的宝贝，已为您显示“红枣”的搜索结果。)."""

from django.conf import settings
from django.core.cache import caches
from oscar.apps.search.views import search as oscar_search
from oscar.templatetags.category_tags import get_annotated_list

from shop.search.forms import SearchForm
from shop.search.suggestions import search_suggestions


class FacetedSearchView(oscar_search.FacetedSearchView):
    form_class = SearchForm

    def get(self, request, *args, **kwargs):
        form = self.get_form(self.get_form_class())
        form.is_valid()
        return self.form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context[self.form_name]
        corrected_to = form.corrected_to
        context["search_query"] = corrected_to or form.cleaned_query
        context["search_corrected_from"] = form.cleaned_query if corrected_to else None
        context["search_filters"] = {
            name: form.cleaned_data[name]
            for name in ("category", "price_min", "price_max", "sort_by")
            if form.cleaned_data.get(name) not in (None, "")
        }
        context["search_filtered"] = any(
            name in context["search_filters"] for name in ("category", "price_min", "price_max")
        )
        context["search_categories"] = search_categories()
        if not context["paginator"].count:
            context["search_suggestions"] = form.suggestions or search_suggestions(query=form.cleaned_query)
        return context


def search_categories() -> list[dict]:
    """The categories of the filter and of the page that finds nothing (two levels: pk, name, level, url). The
    same for every search, so each process keeps them for PAGE_CACHE_SECONDS (building them from the tree
    was a tenth of a search's rendering)."""
    cache = caches["fragments"]
    categories = cache.get("search-categories")
    if categories is None:
        categories = [
            {"pk": item.pk, "name": item.name, "level": item["level"], "url": item["url"]}
            for item in get_annotated_list(depth=2)
        ]
        cache.set("search-categories", categories, settings.PAGE_CACHE_SECONDS)
    return categories
