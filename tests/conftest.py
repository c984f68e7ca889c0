"""Shared fixtures.

Services: tests marked ``postgres`` / ``redis`` need DATABASE_URL / REDIS_URL.
On a developer machine without them they are skipped with the reason; under CI
(CI=true) a missing service is a failure, never a skip. The same holds for the
``browser`` tests and /usr/bin/chromium.
"""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# Factories' fixtures (china, ...) for every test.
pytest_plugins = ["tests.factories"]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


LOCALE = Path(__file__).resolve().parents[1] / "shop" / "locale"


def pytest_configure(config):
    """Compile our translations (git-ignored .mo files) however pytest is started, not only by `make test`."""
    compile_translations()
    _restore_migration_rows_after_serialized_rollback()


def _restore_migration_rows_after_serialized_rollback() -> None:
    """A test with serialized rollback (browser, worker and server tests) ends by emptying every table
    and, unlike other transactional tests, does not recreate the default site: Django puts the
    migrations' rows back only when the next such test starts. pytest-django runs transactional
    tests after the others for that reason; under pytest-xdist a worker may run a plain test after
    one of them. So the rows (site, product class, attributes ...) are put back at once, at the end
    of every such test.
    """
    from django.db import connections
    from django.test import TransactionTestCase

    flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        flush(self)
        if self.serialized_rollback:
            for alias in self._databases_names(include_mirrors=False):
                connection = connections[alias]
                if hasattr(connection, "_test_serialized_contents"):
                    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)

    TransactionTestCase._fixture_teardown = _fixture_teardown


def compile_translations() -> None:
    """Each .po to its .mo when the .mo is missing or older, like `pybabel compile` (fuzzy entries left out).

    Written to a temporary file and renamed: parallel workers (pytest-xdist) never read half a file.
    Django may have loaded the catalogues already (pytest-django sets Django up first): those are
    dropped, as Django's own setting_changed handler does, so the new .mo is read.
    """
    import gettext as gettext_module

    from asgiref.local import Local
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from django.utils.translation import trans_real

    compiled = False
    for po in LOCALE.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parts[-3])
        partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
        with partial.open("wb") as target:
            write_mo(target, catalog)
        os.replace(partial, mo)
        compiled = True
    if compiled:
        # Python's gettext keeps each .mo it read (by path): without this the old one would be served again.
        gettext_module._translations.clear()
        trans_real._translations = {}
        trans_real._default = None
        trans_real._active = Local()


def _missing(marker: str) -> str | None:
    if marker == "postgres" and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs DATABASE_URL pointing at PostgreSQL"
    if marker == "redis" and not settings.REDIS_URL:
        return "needs REDIS_URL pointing at Redis"
    if marker == "browser" and not shutil.which(CHROMIUM):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) and (reason := _missing(marker)):
            if IN_CI:
                pytest.fail(f"CI: {reason}", pytrace=False)
            pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Each test gets its own media folder and an empty cache."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    clear_cache()
    yield


def clear_cache() -> None:
    """Empty this test process's caches without FLUSHDB (Redis may hold a broker queue too)."""
    from django.core.cache import cache, caches

    from shop.core import pagecache

    caches["thumbnails"].clear()
    caches["live-status"].clear()
    pagecache.LOCAL.clear()

    if settings.REDIS_URL:
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
        keys += list(client.scan_iter(match=f"{settings.LIVE_KEY_PREFIX}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


def pytest_sessionfinish(session, exitstatus):
    import config.settings.test as test_settings

    shutil.rmtree(test_settings._TMP, ignore_errors=True)


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def start_celery_worker(log_path, **env):
    """Start a Celery worker process (solo pool, this run's queue) against the test database; wait
    until it is ready. ``env`` adds environment variables (e.g. CELERY_BROKER_URL, an e-mail
    backend, NOTIFICATION_RESEND_AFTER_SECONDS)."""
    from tests.workers import WorkerDidNotStart, spawn_celery_worker

    environ = dict(os.environ, DATABASE_URL=_test_database_url(), DJANGO_SETTINGS_MODULE="config.settings.test", **env)
    try:
        return spawn_celery_worker(log_path=log_path, queue=settings.CELERY_TASK_DEFAULT_QUEUE, env=environ)
    except WorkerDidNotStart as failed:
        pytest.fail(str(failed))


@pytest.fixture
def celery_workers(django_db_serialized_rollback, transactional_db, tmp_path):
    """Start real Celery workers (``celery_workers(**env)``), each in its own process, on Redis,
    against the test database; all stopped at the end.

    Tasks sent meanwhile go through the broker (eager mode is switched off). Needs PostgreSQL
    (a worker cannot share SQLite's in-memory test database). Serialized rollback, like the
    browser tests: the migrations' rows (site, product class) are back for the tests that follow.
    """
    from config.celery import app

    processes = []

    def start(**env):
        processes.append(start_celery_worker(tmp_path / f"worker-{len(processes)}.log", **env))
        return processes[-1]

    app.conf.task_always_eager = False
    try:
        yield start
    finally:
        app.conf.task_always_eager = True
        for process in processes:
            stop_process(process)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for a server a test starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(arguments: list[str], *, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """``python -m gunicorn *arguments`` from the repository's root, its output in ``log_path``; stop it with
    ``stop_process``."""
    with log_path.open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *arguments],
            cwd=Path(__file__).resolve().parents[1],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def stop_process(process, *, grace: float = 30) -> None:
    """SIGTERM (a worker's warm shutdown), then SIGKILL if it is still running after ``grace`` seconds:
    a worker that cannot finish (e.g. its broker is gone) must not turn the test into an error."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def celery_worker_process(celery_workers):
    """One real Celery worker on REDIS_URL (see celery_workers)."""
    return celery_workers()


@pytest.fixture
def db_sessions(settings):
    """Pinned query budgets count the session read: keep sessions in the database even when
    REDIS_URL puts them in Redis (where the read is not an SQL statement)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
