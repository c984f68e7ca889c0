"""Template filters of the live event report."""

from django import template

register = template.Library()


@register.filter
def thousands(value) -> str:
    """12345 -> "12,345" (raw counts, grouped the way Chinese dashboards show them); None -> "—"."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}"
