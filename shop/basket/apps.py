"""Fork of Oscar's basket: models.py loads a basket's lines in a fixed number of queries."""

import oscar.apps.basket.apps as apps


class BasketConfig(apps.BasketConfig):
    name = "shop.basket"
