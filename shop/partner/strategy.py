"""Overrides Oscar's default strategy: a product of a vendor that is not approved
(suspended, say) cannot be bought, so lines already in baskets fail at checkout
with Oscar's "no longer available" message. Prices include tax (NoTax: the
shelf price is what the buyer pays).
"""

from oscar.apps.partner import strategy as oscar_strategy
from oscar.apps.partner.availability import Unavailable


class UseFirstStockRecordWithVendor(oscar_strategy.UseFirstStockRecord):
    """Loads the stock record with its partner and vendor in one query when they were
    not prefetched (basket and checkout lines), so the vendor check costs nothing more."""

    def select_stockrecord(self, product):
        if "stockrecords" in getattr(product, "_prefetched_objects_cache", {}):
            return super().select_stockrecord(product)
        return product.stockrecords.select_related("partner__vendor").first()

    def fetch_for_line(self, line, stockrecord=None):
        """A basket line already holds its stock record (loaded with partner and vendor by
        shop/basket/models.py); Oscar's default looks it up again for every line on every page."""
        if stockrecord is None and line.stockrecord_id is not None and not line.product.is_parent:
            stockrecord = line.stockrecord
        if stockrecord is not None and stockrecord.product_id == line.product_id:
            # The same product row, already loaded with its class: allocating stock at placement
            # reads stockrecord.product's class (two queries per line otherwise).
            stockrecord.product = line.product
        return self.fetch_for_product(line.product, stockrecord)


class VendorApprovedStockRequired(oscar_strategy.StockRequired):
    def availability_policy(self, product, stockrecord):
        vendor = getattr(stockrecord.partner, "vendor", None) if stockrecord else None
        if vendor is not None and not vendor.is_approved:
            return Unavailable()
        return super().availability_policy(product, stockrecord)


class Default(
    UseFirstStockRecordWithVendor, VendorApprovedStockRequired, oscar_strategy.NoTax, oscar_strategy.Structured
):
    pass


class Selector(oscar_strategy.Selector):
    def strategy(self, request=None, user=None, **kwargs):
        return Default(request)
