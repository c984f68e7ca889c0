"""gunicorn.conf.py's workers share a crowd's keep-alive connections evenly (config/gunicorn_worker.py).

gunicorn with the repository's settings and two workers serves ``app`` below, which answers with the pid of the
worker that served it. Sixteen connections are opened at once, as wrk or a proxy's pool opens them, then each
asks once: the connections stay with the worker that accepted them, so where they landed is where their
requests would go. Left to the race between the workers, all sixteen sometimes landed on one.
"""

import collections
import http.client
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import free_port, start_gunicorn, stop_process

ROOT = Path(__file__).resolve().parents[2]
CONNECTIONS = 16
ROUNDS = 5


def app(environ, start_response):
    """The worker's pid: which worker holds the connection."""
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture
def two_workers(tmp_path):
    port = free_port()
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2", "GUNICORN_LOG_LEVEL": "warning"}
    log = tmp_path / "gunicorn.log"
    arguments = ["-c", "gunicorn.conf.py", "tests.integration.test_gunicorn_workers:app"]
    process = start_gunicorn(arguments, env=env, log_path=log)
    try:
        pids = set()
        deadline = time.monotonic() + 30
        while len(pids) < 2:  # both workers up and answering
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start two workers:\n{log.read_text()}")
            try:
                pids |= {_ask(_connect(port))}
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        stop_process(process, grace=5)


def _connect(port: int) -> http.client.HTTPConnection:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.connect()
    return connection


def _ask(connection: http.client.HTTPConnection) -> str:
    connection.request("GET", "/")
    response = connection.getresponse()
    assert response.status == 200
    return response.read().decode()


def test_sixteen_connections_opened_at_once_are_shared_between_the_two_workers(two_workers):
    for _round in range(ROUNDS):
        connections = [_connect(two_workers) for _n in range(CONNECTIONS)]
        try:
            with ThreadPoolExecutor(CONNECTIONS) as pool:
                held = collections.Counter(pool.map(_ask, connections))
        finally:
            for connection in connections:
                connection.close()
        assert len(held) == 2, f"every connection went to one worker: {held}"
        assert max(held.values()) <= CONNECTIONS * 3 // 4, f"one worker holds most connections: {held}"
        time.sleep(0.2)  # the workers see the connections closed before the next round opens its own


WARM = """
import gc
import config.wsgi
from django.db import connections
from django.template import base, loader
from django.urls import resolvers, reverse
from django.utils import translation

def refuse(*args, **kwargs):
    raise AssertionError("loaded on a request, not before the fork")

assert all(connection.connection is None for connection in connections.all()), "the master kept a connection"
assert gc.get_freeze_count() > 10 * len(gc.get_objects()), "a full collection in a worker walks what the master loaded"
base.Template.__init__ = refuse
resolvers.URLResolver._populate = refuse
for code in ("zh-hans", "en"):
    with translation.override(code):
        reverse("catalogue:index"), reverse("vendors:directory"), reverse("live:index")
loader.get_template("oscar/catalogue/detail.html"), loader.get_template("oscar/catalogue/partials/product.html")
print("warm")
"""


def test_the_master_loads_urls_and_templates_before_the_fork_and_keeps_no_connection():
    """config.wsgi, which gunicorn loads in its master (preload_app): a worker's first page neither imports the
    URLconf's views nor compiles the templates, no database connection is shared with the workers, and what
    was loaded is out of the garbage collector's reach (frozen)."""
    done = subprocess.run([sys.executable, "-c", WARM], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "warm"
