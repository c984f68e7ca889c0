"""Test settings: base plus what tests need (fast hashing, private media and index, captured mail)."""

import os
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403

SECRET_KEY = "test-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A test's Celery worker (another process) delivers to a backend the test can read (tests/notification_backends.py).
EMAIL_BACKEND = os.environ.get("VM_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

# One id per test run, inherited by the Celery worker a test starts, so both
# share the search index folder, the cache prefix and the task queue. pytest-xdist's
# workers inherit the run's id; each adds its own name (gw0, gw1 ...), so parallel
# workers never read each other's cache keys or take each other's tasks.
TEST_RUN_ID = os.environ.setdefault("VM_TEST_RUN_ID", str(os.getpid()))
TEST_WORKER_ID = f"{TEST_RUN_ID}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
_TMP = Path(tempfile.gettempdir()) / f"vm-test-{TEST_WORKER_ID}"
_TMP.mkdir(exist_ok=True)
MEDIA_ROOT = str(_TMP / "media")
PRIVATE_MEDIA_ROOT = str(_TMP / "private")
if HAYSTACK_CONNECTIONS["default"]["ENGINE"] == "shop.search.backends.ChineseWhooshEngine":
    HAYSTACK_CONNECTIONS["default"]["PATH"] = str(_TMP / "whoosh")
if REDIS_URL:
    # Keep test keys and tasks apart from a developer's running site.
    CACHES["default"]["KEY_PREFIX"] = f"vm-test-{TEST_WORKER_ID}"
    CELERY_TASK_DEFAULT_QUEUE = f"vm-test-{TEST_WORKER_ID}"
    LIVE_KEY_PREFIX = f"vm-test-live-{TEST_WORKER_ID}"
    # A test's one worker takes every task, live orders included.
    CELERY_TASK_ROUTES = {}
# Tasks run in-process unless a test starts a real worker (tests/conftest.py), or a site process a
# test starts publishes them to its broker (VM_TEST_CELERY_EAGER=0, tests/faults/live.py).
CELERY_TASK_ALWAYS_EAGER = os.environ.get("VM_TEST_CELERY_EAGER", "1") == "1"
# Parallel runs on one PostgreSQL server (several developers' sessions) each name their test database;
# under pytest-xdist, pytest-django adds the worker's name to it (test_vm_ci_gw0, test_vm_ci_gw1 ...).
if os.environ.get("VM_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["VM_TEST_DB_NAME"]}
# Pages are rendered for every request: tests change prices and stock and look again at once. The
# page cache's own tests turn it on (tests/integration/test_page_cache.py).
PAGE_CACHE_SECONDS = 0
