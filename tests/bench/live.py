"""`make bench`, live sales: the snap-up, the remaining-quantity endpoint and the event page under wrk,
each next to a bare Django view on the same gunicorn (same settings, same load, same run).

- Snap-up: 64 and 256 connections tapping 抢购 on one item of 5,000 units, each request a signed-in
  buyer (own session and CSRF token, rotating over as many buyers as connections), and one Celery worker
  writing the won taps' orders from the live-orders queue. Orders per second from the first tap to the
  last order written, p50/p99 of a tap's answer, units oversold, errors; the ratio to a bare view doing
  one database write under the same server and load.
- The remaining-quantity JSON under 256 pollers, next to a bare view returning a small JSON.
- The event page under 256 connections.
The bare views are measured first, on a server with nothing queued; after each snap-up run the server is
left to drain what wrk left queued. The notifications' Celery worker is stopped (the orders' messages wait
in their queue): the figures are the web tier and the orders' writer.
"""

import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Max, Sum
from django.utils import timezone

from tests.bench.figures import Row
from tests.factories.live_sales import make_buyer
from tests.workers import spawn_celery_worker
from vendors.live.models import LiveOrder, LiveReservation

UNITS = 5000
SNAPUP_SECONDS = int(os.environ.get("BENCH_SNAPUP_SECONDS", "25"))
READ_SECONDS = int(os.environ.get("BENCH_READ_SECONDS", "10"))
# The site's own server settings (gunicorn.conf.py: gthread, a worker per core, four threads each).
GUNICORN = ["-c", str(settings.BASE_DIR / "gunicorn.conf.py")]

WRK_SCRIPT = """
local buyers = {}
for line in io.lines("%(buyers)s") do
  local session, csrf = line:match("(%%S+) (%%S+)")
  table.insert(buyers, {session, csrf})
end
local n = 0
request = function()
  n = n + 1
  local buyer = buyers[(n %% #buyers) + 1]
  return wrk.format("POST", "%(path)s", {
    ["Cookie"] = "sessionid=" .. buyer[1] .. "; csrftoken=" .. buyer[2],
    ["X-CSRFToken"] = buyer[2],
    ["Referer"] = "%(origin)s/",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "")
end
"""


def run(*, china) -> list[Row]:
    if not _which("wrk"):
        return [Row("Live sales", "skipped: wrk is not installed (apt-get install wrk)")]
    from tests.factories.live_sales import make_event, make_item

    event = make_event()
    _stop_notification_worker()
    server = _Gunicorn()
    writer = spawn_celery_worker(
        log_path=settings.BENCH_TMP / "live-orders-worker.log", queue=settings.LIVE_ORDERS_QUEUE
    )
    rows = []
    try:
        # The anchors first, on a server with nothing queued; every run after a snap-up waits for the
        # server to drain what wrk left queued, so no figure pays for the one before it.
        anchors = {
            connections: _wrk(server, "/bench/bare-write/", connections, READ_SECONDS) for connections in (64, 256)
        }
        bare = _wrk(server, "/bench/bare-json/", 256, READ_SECONDS)
        for connections in (64, 256):
            item = make_item(event, price="39.90", live_price="29.90", stock=UNITS * 2, quantity=UNITS, limit=UNITS)
            buyers = _buyers(connections, china)
            print(f"live: {connections} connections snapping up {UNITS} units ...", flush=True)
            first_tap = timezone.now()
            tap = _wrk_snapup(server, event, item, buyers, connections)
            server.drain()
            _wait_for_orders(item)
            write = anchors[connections]
            last = LiveOrder.objects.filter(item=item).aggregate(last=Max("created_at"))["last"]
            last_won = LiveReservation.objects.filter(item=item).aggregate(last=Max("created_at"))["last"]
            orders = LiveOrder.objects.filter(item=item).count()
            per_second = orders / (last - first_tap).total_seconds() if orders else 0.0
            item.refresh_from_db()
            units = LiveOrder.objects.filter(item=item).aggregate(n=Sum("quantity"))["n"] or 0
            oversold = max(units - item.quantity, 0) + max(item.sold - item.quantity, 0)
            rows += [
                Row(
                    f"Snap-up, {connections} connections: orders/s (first tap to last of {orders} orders written)",
                    f"{per_second:.0f}",
                ),
                Row(
                    f"Snap-up, {connections} connections: last unit won, last order written (s after the first tap)",
                    f"{(last_won - first_tap).total_seconds():.1f}, {(last - first_tap).total_seconds():.1f}"
                    if orders
                    else "-",
                ),
                Row(
                    f"Snap-up, {connections} connections: taps answered per second, tap p50 / p99",
                    f"{tap.rps:.0f}, {tap.p50} / {tap.p99}",
                ),
                Row(
                    f"Snap-up, {connections} connections: oversold, errors (>= 500 or socket)",
                    f"{oversold}, {tap.errors_told()}",
                ),
                Row(f"Bare view with one database write, {connections} connections: req/s", f"{write.rps:.0f}"),
                Row(
                    f"Snap-up orders/s / bare write req/s ({connections} connections)",
                    f"{per_second / write.rps:.0%}" if write.rps else "-",
                ),
            ]
        status = _wrk(server, f"/live/{event.slug}/status.json", 256, READ_SECONDS)
        server.drain()
        # As a phone's browser asks for it: the cached page comes gzipped.
        page = _wrk(server, f"/live/{event.slug}/", 256, READ_SECONDS, headers=("Accept-Encoding: gzip, deflate, br",))
        rows += [
            Row("Remaining-quantity JSON, 256 pollers: req/s, p99", f"{status.rps:.0f}, {status.p99}"),
            Row("Bare JSON view, 256 connections: req/s, p99", f"{bare.rps:.0f}, {bare.p99}"),
            Row("Remaining-quantity JSON / bare JSON view", f"{status.rps / bare.rps:.0%}" if bare.rps else "-"),
            Row("Event page, 256 connections: req/s, p99", f"{page.rps:.0f}, {page.p99} ({page.errors_told()})"),
        ]
        server_errors = [line for line in server.log().splitlines() if "Traceback" in line or "[ERROR]" in line]
        rows.append(Row("Server errors logged during the live runs", str(len(server_errors))))
        if server_errors:
            print("live: the server's log around its first error:\n" + _around(server.log(), server_errors[0]))
    finally:
        writer.terminate()
        writer.wait(timeout=30)
        server.stop()
    return rows


def _around(log: str, line: str, *, lines: int = 30) -> str:
    at = log.index(line)
    return "\n".join(log[at:].splitlines()[:lines])


def _wait_for_orders(item, *, seconds: float = 300) -> None:
    """Until the worker has written the order of every won tap (or given its units back)."""
    deadline = time.monotonic() + seconds
    while LiveReservation.objects.filter(item=item, status=LiveReservation.Status.PENDING).exists():
        if time.monotonic() > deadline:
            log = (settings.BENCH_TMP / "live-orders-worker.log").read_text()[-3000:]
            raise RuntimeError(f"the live-orders worker did not write the won taps' orders in time:\n{log}")
        time.sleep(0.2)


class _Result:
    def __init__(self, output: str):
        self.output = output
        match = re.search(r"Requests/sec:\s+([\d.]+)", output)
        self.rps = float(match[1]) if match else 0.0
        self.p50 = _percentile(output, "50%")
        self.p99 = _percentile(output, "99%")
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
        self.non_2xx = int(non_2xx[1]) if non_2xx else 0
        kinds = ("connect", "read", "write", "timeout")
        self.socket = dict(zip(kinds, map(int, socket.groups()), strict=True)) if socket else {}
        self.errors = self.non_2xx + sum(self.socket.values())

    def errors_told(self) -> str:
        """How many errors, and of which kind (wrk's words)."""
        kinds = [f"{self.non_2xx} non-2xx"] if self.non_2xx else []
        kinds += [f"{n} socket {kind}" for kind, n in self.socket.items() if n]
        return f"{self.errors} errors" + (f": {', '.join(kinds)}" if kinds else "")


def _percentile(output: str, label: str) -> str:
    match = re.search(rf"^\s+{re.escape(label)}\s+(\S+)", output, re.M)
    return match[1] if match else "-"


def _wrk(
    server, path: str, connections: int, seconds: int, script: Path | None = None, headers: tuple[str, ...] = ()
) -> _Result:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    command += [value for header in headers for value in ("-H", header)]
    if script is not None:
        command += ["-s", str(script)]
    done = subprocess.run([*command, server.url + path], capture_output=True, text=True, timeout=seconds + 60)
    return _Result(done.stdout + done.stderr)


def _wrk_snapup(server, event, item, buyers: list[tuple[str, str]], connections: int) -> _Result:
    folder = Path(tempfile.mkdtemp(prefix="live-", dir=settings.BENCH_TMP))
    (folder / "buyers.txt").write_text("".join(f"{session} {csrf}\n" for session, csrf in buyers))
    script = folder / "snapup.lua"
    path = f"/live/{event.slug}/items/{item.pk}/snap/"
    script.write_text(WRK_SCRIPT % {"buyers": folder / "buyers.txt", "path": path, "origin": server.url})
    return _wrk(server, "", connections, SNAPUP_SECONDS, script)


def _buyers(count: int, china) -> list[tuple[str, str]]:
    """``count`` signed-in buyers with a default address: (session key, CSRF token) each."""
    from django.contrib.sessions.backends.cached_db import SessionStore

    buyers = []
    for _n in range(count):
        user = make_buyer(china)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        buyers.append((session.session_key, secrets.token_hex(16)))
    return buyers


class _Gunicorn:
    def __init__(self) -> None:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = Path(settings.BENCH_TMP) / "gunicorn-live.log"
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", *GUNICORN]
        command += ["--timeout", "60", "--log-level", "warning", "--error-logfile", "-"]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(command, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "/bench/bare-json/", timeout=5):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{self.log()}") from None
                time.sleep(0.2)

    def drain(self, *, seconds: float = 60) -> None:
        """Wait until the server answers a bare view at once again (what was queued has been served)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.url + "/bench/bare-json/", timeout=10):
                    pass
            except OSError:
                pass
            if time.monotonic() - started < 0.05:
                return
            time.sleep(0.5)

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # requests wrk left queued: nobody waits for their answers now
            self.process.kill()
            self.process.wait(timeout=10)


def _stop_notification_worker() -> None:
    """The notifications' figures started a Celery worker; the web tier is measured without it."""
    from tests.bench import figures

    if figures._worker is not None and figures._worker.poll() is None:
        figures._worker.terminate()
        figures._worker.wait(timeout=30)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _which(name: str) -> bool:
    import shutil

    return shutil.which(name) is not None
