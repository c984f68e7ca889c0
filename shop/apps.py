from django.apps import AppConfig


class ShopConfig(AppConfig):
    """The storefront itself: templates, translations, search, demo data."""

    name = "shop"
    verbose_name = "乡村集市"
