"""Overrides Oscar's Basket: loading a basket's lines costs a fixed number of queries.

Every page loads the buyer's basket (the header shows it, offers are applied
to it). Oscar selects each line's product and stock record but not the
product's class nor the stock record's partner and vendor, and counts lines
with a COUNT query before loading them: with two lines that was about eleven
statements per page, most of a checkout's SQL. Here the lines come with what
the strategy and the per-vendor grouping read (see shop/partner/strategy.py
fetch_for_line), and the line count is taken from the loaded lines.

A signed-in buyer's basket (Oscar opens one for her on her first page; most are empty: a snap-up does not
use it) is found empty by a one-table EXISTS before that query: building the seven-table query cost about
a sixth of a signed-in product page's time, for no row. Her basket with lines pays one small query more;
a guest's basket exists only once something was put in it, so it is not asked first.
Forking the model because Oscar's middleware and checkout call these methods.
"""

from oscar.apps.basket.abstract_models import AbstractBasket


class Basket(AbstractBasket):
    def all_lines(self):
        if self.id is None:
            return self.lines.model.objects.none()
        # A guest's basket exists only once something was put in it: only a buyer's is asked first.
        if self._lines is None and self.owner_id is not None and not self.lines.exists():
            self._lines = self.lines.none()
        if self._lines is None:
            self._lines = (
                self.lines.select_related(
                    "product__product_class",
                    "product__parent__product_class",
                    "stockrecord__partner__vendor",
                )
                .prefetch_related("attributes", "product__images")
                .order_by(self._meta.pk.name)
            )
        return self._lines

    @property
    def num_lines(self):
        return len(self.all_lines())


from oscar.apps.basket.models import *  # noqa: E402,F403
