"""A real HTTP server (gunicorn, several processes and threads) on the PostgreSQL test database."""

import os
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import free_port, start_gunicorn


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def live_gunicorn(django_db_serialized_rollback, transactional_db, settings, tmp_path):
    """gunicorn serving the site from the test database: 4 processes x 4 threads, so 16 requests
    run at once on 2 cores (processes for the CPU, threads to overlap database waits).

    Yields its ``base_url`` and ``log_path`` (gunicorn's and Django's log). Serialized
    rollback, like the worker fixture: the migrations' rows are back for the tests that follow.
    """
    import config.settings.test as test_settings

    # Files this test writes (product images) go where the server reads them.
    settings.MEDIA_ROOT = test_settings.MEDIA_ROOT
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = dict(os.environ, DATABASE_URL=_test_database_url(), DJANGO_SETTINGS_MODULE="config.settings.test")
    arguments = ["config.wsgi", "--preload", "--workers", "4", "--worker-class", "gthread", "--threads", "4"]
    arguments += ["--bind", f"127.0.0.1:{port}", "--timeout", "60", "--error-logfile", "-"]
    process = start_gunicorn(arguments, env=env, log_path=log_path)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{base_url}/basket/", timeout=5):
                    break
            except OSError:
                # Not listening yet (URLError, ConnectionError), or a first answer slower than 5 s on a
                # busy machine (TimeoutError): try again until the deadline.
                time.sleep(0.2)
        yield LiveServer(base_url=base_url, log_path=log_path)
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    log_path: Path
