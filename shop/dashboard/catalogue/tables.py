"""Overrides Oscar's ProductTable: the checkbox column is not sortable; and CategoryTable's actions heading.

Vanilla 4.2.1 answers /dashboard/catalogue/?sort=checkbox with a 500
(ORDER BY a non-field column, docs/oscar-pitfalls.md #18).
"""

from django.utils.translation import gettext_lazy as _
from django_tables2 import TemplateColumn
from oscar.apps.dashboard.catalogue import tables as oscar_tables


class ProductTable(oscar_tables.ProductTable):
    checkbox = TemplateColumn(
        verbose_name="",
        template_name="oscar/dashboard/catalogue/product_row_checkbox.html",
        orderable=False,
    )

    class Meta(oscar_tables.ProductTable.Meta):
        pass


class CategoryTable(oscar_tables.CategoryTable):
    """Overrides Oscar's CategoryTable only to give the actions column a translated heading (Oscar's had
    none, so django-tables2 printed the attribute's name, "Actions")."""

    actions = TemplateColumn(
        verbose_name=_("Actions"),
        template_name="oscar/dashboard/catalogue/category_row_actions.html",
        orderable=False,
    )

    class Meta(oscar_tables.CategoryTable.Meta):
        pass
