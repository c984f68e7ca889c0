"""Overrides Oscar's UserTable: the name column has a translated heading, and active and staff show a
tick or a cross (Oscar printed the booleans as True / False in English on a Chinese page)."""

from django.utils.translation import pgettext_lazy
from django_tables2 import BooleanColumn, Column
from oscar.apps.dashboard.users import tables as oscar_tables


class UserTable(oscar_tables.UserTable):
    name = Column(
        accessor="get_full_name",
        order_by=("last_name", "first_name"),
        verbose_name=pgettext_lazy("User's name", "Name"),
    )
    active = BooleanColumn(accessor="is_active")
    staff = BooleanColumn(accessor="is_staff")

    class Meta(oscar_tables.UserTable.Meta):
        pass
