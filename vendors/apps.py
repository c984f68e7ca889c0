from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    """The marketplace layer: vendor profiles and approval, the seller center, storefronts."""

    name = "vendors"
    verbose_name = _("Vendors")
    default_auto_field = "django.db.models.BigAutoField"
