"""Real processes for outage tests: a redis-server of the test's own, and the site under gunicorn.

Rules: a test never stops, freezes or flushes the shared Redis (REDIS_URL); it starts its own
redis-server on a free port and kills it ("dead") or SIGSTOPs it ("hung"). The site runs in its
own process (gunicorn, one worker with threads, as in production) against the test database, with
its cache, sessions and broker on that redis-server, and publishes its tasks there (not eager).
WebTest drives it through ``RemoteSite`` (a WSGI app that forwards each request over HTTP), so
forms and cookies work as in any functional test, and every request's duration is recorded.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from config.settings.base import BASE_DIR


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A redis-server of the test's own (no persistence): ``kill`` (dead), ``freeze`` (hung: it
    accepts connections but answers nothing), ``thaw``, ``start`` again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _redis_answers(self.port), timeout=10, what="redis-server")
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)


def test_database_url() -> str:
    from tests.conftest import _test_database_url

    return _test_database_url()


test_database_url.__test__ = False  # a helper, not a test


class LiveSite:
    """The site under gunicorn (config.settings.test, one worker, four threads)."""

    def __init__(self, redis_url: str, log_path: Path, **env: str) -> None:
        self.port = free_port()
        environ = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="config.settings.test",
            DATABASE_URL=test_database_url(),
            REDIS_URL=redis_url,
            VM_TEST_CELERY_EAGER="0",
            **env,
        )
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", "1", "--threads", "4", "--timeout", "60", "--log-level", "warning"]
        self.log_path = log_path
        with log_path.open("w") as log:
            self.process = subprocess.Popen(command, env=environ, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT)
        wait_until(self._answers, timeout=60, what=f"gunicorn:\n{log_path.read_text()}")

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{self.log_path.read_text()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            conn.request("GET", "/catalogue/")
            return conn.getresponse().status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@dataclass
class Timing:
    method: str
    path: str
    status: int
    seconds: float


@dataclass
class RemoteSite:
    """A WSGI app forwarding each request to a live site; ``timings`` records every request."""

    port: int
    timings: list[Timing] = field(default_factory=list)

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else None
        path = quote(environ.get("PATH_INFO", "")) + (
            f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else ""
        )
        headers = {
            key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        started = time.monotonic()
        conn.request(environ["REQUEST_METHOD"], path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        self.timings.append(Timing(environ["REQUEST_METHOD"], path, response.status, time.monotonic() - started))
        conn.close()
        hop_by_hop = {"connection", "transfer-encoding", "keep-alive"}
        start_response(
            f"{response.status} {response.reason}",
            [(name, value) for name, value in response.getheaders() if name.lower() not in hop_by_hop],
        )
        return [data]
