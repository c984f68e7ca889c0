"""Fork of Oscar's catalogue reviews: a review is a buyer's review of one delivered order line
(models.py), written from the order (views.py), never by a visitor or a non-buyer."""

import oscar.apps.catalogue.reviews.apps as apps


class CatalogueReviewsConfig(apps.CatalogueReviewsConfig):
    name = "shop.catalogue.reviews"
