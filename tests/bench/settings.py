"""Settings of `make bench`: the production-like base (PostgreSQL, Redis cache and broker, a real
Celery worker), with mail that goes nowhere and its own files, cache prefix and task queue.

DATABASE_URL and REDIS_URL come from the environment (tests/bench/__main__.py sets them).
"""

import os
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403

SECRET_KEY = "bench-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Sent messages are dropped (the dummy backend still counts as sent): the figure is the outbox, not SMTP.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

BENCH_RUN_ID = os.environ.setdefault("VM_BENCH_RUN_ID", str(os.getpid()))
BENCH_TMP = Path(tempfile.gettempdir()) / f"vm-bench-{BENCH_RUN_ID}"
BENCH_TMP.mkdir(exist_ok=True)
MEDIA_ROOT = str(BENCH_TMP / "media")
PRIVATE_MEDIA_ROOT = str(BENCH_TMP / "private")
# The bench's database is PostgreSQL: search runs in it (shop.search.postgres), as in production.
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "shop.search.postgres.PostgresSearchEngine"}}
# Product edits are not indexed: the bench measures checkout and notifications, not search.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
CACHES["default"]["KEY_PREFIX"] = f"vm-bench-{BENCH_RUN_ID}"  # noqa: F405
CELERY_TASK_DEFAULT_QUEUE = f"vm-bench-{BENCH_RUN_ID}"
CELERY_BEAT_SCHEDULE = {}
ROOT_URLCONF = "tests.bench.urls"
LIVE_KEY_PREFIX = f"vm-bench-live-{BENCH_RUN_ID}"
LIVE_ORDERS_QUEUE = f"vm-bench-live-orders-{BENCH_RUN_ID}"
CELERY_TASK_ROUTES = {"vendors.live.tasks.place_live_orders_task": {"queue": LIVE_ORDERS_QUEUE}}
