"""Overrides Oscar's OrderCreator: the vendors' parts and the notifications are written with the order.

Oscar's place_order writes the order, its lines and the stock allocations in one
transaction and sends ``order_placed`` after it (docs/oscar-pitfalls.md #14), so nothing
can be written atomically with the order from a receiver. Here one outer
transaction also holds, after Oscar's work:

- one OrderPart per vendor (vendors.fulfilment.services.order_parts_create), which refuses
  the order when the per-vendor charges no longer add up to its shipping;
- the outbox rows of the order confirmation and the vendors' "new order"
  messages (vendors.notifications.services.notify_order_placed);
- a low-stock message for each stock record this order took from at or above
  its low-stock threshold to below it.

Any failure rolls all of it back, the stock allocations included. Nothing here
leaves the database: the messages are sent by Celery after commit.
"""

from django.db import transaction
from django.utils import translation
from oscar.apps.order import utils

from vendors.fulfilment.services import order_parts_create
from vendors.notifications import services as notifications


class OrderCreator(utils.OrderCreator):
    def place_order(self, basket, *args, **kwargs):
        self._allocations = {}
        # No savepoint of its own: any failure here is meant to undo the caller's whole transaction too.
        with transaction.atomic(savepoint=False):
            order = super().place_order(basket, *args, **kwargs)
            parts = order_parts_create(order=order, basket=basket)
            notifications.notify_order_placed(order=order, parts=parts, language=translation.get_language())
            for stockrecord in self._records_fallen_below_threshold():
                notifications.notify_low_stock(stockrecord=stockrecord)
        return order

    def create_line_models(self, order, basket_line, extra_line_fields=None):
        # The strategy loaded the line's stock record with its partner, vendor and product: use that
        # instance (Oscar's line.stockrecord would cost queries per line for partner and product).
        stockrecord = basket_line.purchase_info.stockrecord
        if stockrecord is not None and stockrecord.pk == basket_line.stockrecord_id:
            basket_line.stockrecord = stockrecord
        return super().create_line_models(order, basket_line, extra_line_fields)

    def update_stock_records(self, line):
        super().update_stock_records(line)
        record = line.stockrecord
        if line.product.get_product_class().track_stock and record.low_stock_threshold is not None:
            # allocate() re-read num_allocated: the record now shows what is left after this order.
            _record, taken = self._allocations.get(record.pk, (record, 0))
            self._allocations[record.pk] = (record, taken + line.quantity)

    def _records_fallen_below_threshold(self):
        for record, taken in self._allocations.values():
            left = record.net_stock_level
            if left < record.low_stock_threshold <= left + taken:
                yield record
