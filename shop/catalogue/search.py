"""Haystack signal processor that re-indexes products through Celery after commit.

Haystack's own RealtimeSignalProcessor writes the index inside the request
(and inside the transaction, so a rollback leaves a ghost in the index).
"""

from django.db import models
from haystack.signals import BaseSignalProcessor
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


def _product_pk(instance) -> int | None:
    if isinstance(instance, Product):
        return instance.parent_id or instance.pk
    if isinstance(instance, StockRecord):
        # product_id only: during a cascading delete the product row is gone.
        return instance.product_id
    return None


class CelerySignalProcessor(BaseSignalProcessor):
    def setup(self):
        for model in (Product, StockRecord):
            models.signals.post_save.connect(self.enqueue, sender=model)
            models.signals.post_delete.connect(self.enqueue, sender=model)

    def teardown(self):
        for model in (Product, StockRecord):
            models.signals.post_save.disconnect(self.enqueue, sender=model)
            models.signals.post_delete.disconnect(self.enqueue, sender=model)

    def enqueue(self, sender, instance, **kwargs):
        from shop.catalogue.tasks import update_product_index_task

        product_pk = _product_pk(instance)
        if product_pk is not None:
            update_product_index_task.delay_on_commit(product_pk)
