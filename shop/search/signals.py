"""Haystack signal processor that re-indexes products through Celery after commit.

Haystack's own RealtimeSignalProcessor writes the index inside the request
(and inside the transaction, so a rollback leaves a ghost in the index).
Only product saves trigger it: stock records change on every order (the
allocation), and re-indexing then would slow every checkout; a vendor's
suspension re-indexes its products explicitly (vendors.listings.tasks).

Where the index is a table of the shop's database (shop.search.postgres), a product
that stops being browsable (delisted, hidden) also leaves the index at once, in the
transaction that hides it: search never shows it once that commits, and nothing is
removed if it rolls back.
"""

from django.db import models
from haystack import connections
from haystack.signals import BaseSignalProcessor
from oscar.core.loading import get_model

from shop.core.celery_utils import enqueue_on_commit
from shop.search.tasks import update_product_index_task

Product = get_model("catalogue", "Product")


class CelerySignalProcessor(BaseSignalProcessor):
    def setup(self):
        models.signals.post_save.connect(self.enqueue, sender=Product)
        models.signals.post_delete.connect(self.enqueue, sender=Product)

    def teardown(self):
        models.signals.post_save.disconnect(self.enqueue, sender=Product)
        models.signals.post_delete.disconnect(self.enqueue, sender=Product)

    def enqueue(self, sender, instance, **kwargs):
        if not (instance.is_public and instance.parent_id is None):
            for alias in connections.connections_info:
                backend = connections[alias].get_backend()
                if getattr(backend, "in_database", False):
                    backend.remove(instance)
        enqueue_on_commit(update_product_index_task, instance.parent_id or instance.pk)
