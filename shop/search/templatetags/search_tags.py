"""Template access to the search page's helpers: the matched words of a title, marked."""

from django import template

from shop.search.terms import highlight

register = template.Library()


@register.filter
def search_highlight(title: str, query: str):
    """``{{ product.get_title|search_highlight:search_query }}``: the title with the matched words in <mark>."""
    return highlight(str(title or ""), query or "")
