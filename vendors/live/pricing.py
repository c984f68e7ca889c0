"""The live price, for the one basket a snap-up places its order from.

A snap-up's basket is priced by the buyer's own strategy (Oscar's, forked in shop/partner) except for the
snapped-up product, which costs the item's live price. No other basket ever sees a live price: a product
put in the normal basket during the event pays the normal price.
"""

from decimal import Decimal

from oscar.apps.partner.prices import FixedPrice
from oscar.apps.partner.strategy import PurchaseInfo


class LivePriceStrategy:
    def __init__(self, base, *, product_id: int, live_price, currency: str) -> None:
        self._base = base
        self._product_id = product_id
        self._price = FixedPrice(currency=currency, excl_tax=live_price, tax=Decimal("0.00"))

    def __getattr__(self, name):
        return getattr(self._base, name)

    def fetch_for_product(self, product, stockrecord=None):
        return self._live(product, self._base.fetch_for_product(product, stockrecord))

    def fetch_for_line(self, line, stockrecord=None):
        return self._live(line.product, self._base.fetch_for_line(line, stockrecord))

    def _live(self, product, info: PurchaseInfo) -> PurchaseInfo:
        if product.pk != self._product_id:
            return info
        return PurchaseInfo(price=self._price, availability=info.availability, stockrecord=info.stockrecord)
