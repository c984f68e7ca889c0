"""How far the periodic search re-index has got.

One row per kind of object kept in the index ("products"): ``reached`` is when the last
successful catch-up run started; the next run re-indexes what changed since then. It is kept
in the database because it must survive a Redis restart (the cache is no place for it).
"""

from django.db import models


class IndexWatermark(models.Model):
    name = models.CharField(max_length=40, primary_key=True)
    reached = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.reached:%Y-%m-%d %H:%M:%S}"
