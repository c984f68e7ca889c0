"""The Celery app.

With REDIS_URL set, tasks go through Redis to a worker; without it the settings
make every task run in-process (``task_always_eager``), after the transaction
commits because callers use ``delay_on_commit``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("village_market")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
