"""Overrides Oscar's StockRecord: allocation is one conditional UPDATE (no overselling).

Oscar adds to num_allocated unconditionally, after an earlier availability
read, so concurrent buyers oversell (docs/oscar-pitfalls.md #1). Here the UPDATE only
matches while enough stock is free; under PostgreSQL READ COMMITTED a blocked
UPDATE re-checks its WHERE on the committed row, so two buyers cannot both
take the last unit. Zero rows updated raises SoldOut, an UnableToPlaceOrder,
which rolls back the whole order placement and shows the buyer "sold out" (sold_out_message, the
same words the checkout's basket check uses).
A check constraint (0 <= num_allocated <= num_in_stock) is the backstop.
Forking the model (not a side model) because Oscar's checkout calls allocate().
"""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.apps.partner.abstract_models import AbstractStockRecord


def sold_out_message(*, title: str, quantity: int) -> str:
    """The one way a buyer is told there is not enough of a product, wherever it is met (the checkout's
    basket check, the race lost while placing the order), with what to do next."""
    return _(
        "Sorry, there is not enough “%(title)s” left for %(quantity)d. Your basket is kept: lower the "
        "quantity or remove it, then check out again."
    ) % {"title": title, "quantity": quantity}


class SoldOut(UnableToPlaceOrder):
    def __init__(self, stockrecord, quantity: int):
        super().__init__(sold_out_message(title=stockrecord.product.get_title(), quantity=quantity))


class StockRecord(AbstractStockRecord):
    class Meta(AbstractStockRecord.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(num_allocated__isnull=True) | Q(num_allocated__gte=0, num_allocated__lte=F("num_in_stock")),
                name="stockrecord_allocated_within_stock",
            ),
        ]

    def allocate(self, quantity):
        if not self.can_track_allocations:
            return
        self.pre_save_signal()
        allocated = Coalesce(F("num_allocated"), 0)
        updated = (
            self.__class__.objects.filter(pk=self.pk)
            .alias(allocated_now=allocated)
            .filter(num_in_stock__gte=F("allocated_now") + quantity)
            .update(num_allocated=allocated + quantity)
        )
        if not updated:
            raise SoldOut(self, quantity)
        self.refresh_from_db(fields=["num_allocated"])
        self.post_save_signal()

    allocate.alters_data = True


from oscar.apps.partner.models import *  # noqa: E402,F403
