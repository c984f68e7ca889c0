"""Overrides Oscar's dashboard order list: each order's value is what is still owed (a cancelled shop's
part no longer counts, vendors.fulfilment.selectors.order_amount_owed), on the page and in its CSV, and
every CSV cell is made safe for a spreadsheet (shop.core.spreadsheet)."""

from oscar.apps.dashboard.orders import views as oscar_views

from shop.core.spreadsheet import neutralise_cell
from vendors.fulfilment.selectors import order_amount_due, orders_with_amount_owed


class OrderListView(oscar_views.OrderListView):
    def get_queryset(self):
        return orders_with_amount_owed(super().get_queryset())

    def get_row_values(self, order):
        row = super().get_row_values(order)
        # The list's orders carry amount_owed; the selected orders Oscar's bulk download loads do not.
        owed = getattr(order, "amount_owed", None)
        row["value"] = owed if owed is not None else order_amount_due(order=order) or order.total_incl_tax
        return {column: neutralise_cell(value) for column, value in row.items()}
