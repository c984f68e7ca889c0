"""Fork of Oscar's catalogue: views.py lists products from the database (not the search engine) and keeps
the product page to a fixed number of queries; a suspended shop's product is a 404."""

import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    name = "shop.catalogue"
