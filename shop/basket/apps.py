"""Fork of Oscar's basket: models.py loads a basket's lines in a fixed number of queries; views.py's add view
goes straight to checkout for 立即购买 (buy now). Any change to a basket drops its owner's cached basket page
(shop.core.pagecache.private_pages_changed)."""

import oscar.apps.basket.apps as apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from oscar.core.loading import get_model

from shop.core.pagecache import private_pages_changed


def _basket_changed(sender, instance, **kwargs):
    private_pages_changed(instance.owner_id)


def _vouchers_changed(sender, instance, action, reverse, **kwargs):
    if action.startswith("post_") and not reverse:
        private_pages_changed(instance.owner_id)


def _line_changed(sender, instance, **kwargs):
    basket = instance._state.fields_cache.get("basket")
    if basket is None:
        owners = get_model("basket", "Basket").objects.filter(pk=instance.basket_id).values_list("owner_id", flat=True)
        private_pages_changed(next(iter(owners), None))
    else:
        private_pages_changed(basket.owner_id)


class BasketConfig(apps.BasketConfig):
    name = "shop.basket"

    def ready(self):
        super().ready()
        basket, line = get_model("basket", "Basket"), get_model("basket", "Line")
        for signal in (post_save, post_delete):
            signal.connect(_basket_changed, sender=basket, dispatch_uid="private-pages-basket")
            signal.connect(_line_changed, sender=line, dispatch_uid="private-pages-line")
        m2m_changed.connect(_vouchers_changed, sender=basket.vouchers.through, dispatch_uid="private-pages-vouchers")
