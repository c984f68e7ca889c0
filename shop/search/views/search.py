"""Fork of Oscar's search page: a search always runs with whatever of the form is valid (an invalid
price is shown as an error, not a page listing the whole catalogue), the cleaned query is handed to
the template for highlighting, and a search that finds nothing gets suggestions
(shop.search.suggestions) instead of a dead end. When the closest suggestion finds products (hzz, the
initials of 红枣 mistyped, or 红早), they are shown at once, with a line that says so, as Chinese shops do
(没有找到“hzz”的相关商品，已为您显示“红枣”的结果)."""

from oscar.apps.search.views import search as oscar_search

from shop.search.forms import SearchForm
from shop.search.suggestions import search_suggestions


class FacetedSearchView(oscar_search.FacetedSearchView):
    form_class = SearchForm

    def get(self, request, *args, **kwargs):
        form = self.get_form(self.get_form_class())
        form.is_valid()
        return self.form_valid(form)

    def form_valid(self, form):
        self.corrected_to = None
        self.queryset = form.search()
        query = form.cleaned_query
        if query and not self.queryset.count():
            instead = search_suggestions(query=query).instead
            corrected = form.search(query=instead) if instead else None
            if corrected is not None and corrected.count():
                self.queryset, self.corrected_to = corrected, instead
        context = self.get_context_data(
            **{self.form_name: form, "query": form.cleaned_data.get(self.search_field), "object_list": self.queryset}
        )
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context[self.form_name]
        context["search_query"] = self.corrected_to or form.cleaned_query
        context["search_corrected_from"] = form.cleaned_query if self.corrected_to else None
        context["search_filters"] = {
            name: form.cleaned_data[name]
            for name in ("category", "price_min", "price_max", "sort_by")
            if form.cleaned_data.get(name) not in (None, "")
        }
        context["search_filtered"] = any(
            name in context["search_filters"] for name in ("category", "price_min", "price_max")
        )
        if not context["paginator"].count:
            context["search_suggestions"] = search_suggestions(query=form.cleaned_query)
        return context
