"""Fork of Oscar's dashboard: catalogue/tables.py fixes the product table's sort by its checkbox column."""

import oscar.apps.dashboard.apps as apps


class DashboardConfig(apps.DashboardConfig):
    """Forked only so that Oscar's class loader finds overrides of dashboard sub-apps
    (shop/dashboard/<subapp>/...): it resolves them through this parent app."""

    name = "shop.dashboard"
