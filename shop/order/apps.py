"""Fork of Oscar's order app: utils.py writes each shop's part and the outbox rows in the order's transaction."""

import oscar.apps.order.apps as apps


class OrderConfig(apps.OrderConfig):
    name = "shop.order"
