"""Overrides Oscar's ProductTable: the checkbox column is not sortable.

Vanilla 4.2.1 answers /dashboard/catalogue/?sort=checkbox with a 500
(ORDER BY a non-field column, docs/oscar-pitfalls.md #18).
"""

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
