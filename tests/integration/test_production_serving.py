"""gunicorn alone, under the production settings, serves a complete site: pages, hashed and compressed
static files (WhiteNoise), and /healthz/ without a database or a session.

One server for the module: `collectstatic` as a deployment runs it (gzip and brotli copies of every
file, about half a minute), then `gunicorn -c gunicorn.conf.py config.wsgi` on a free port, against
the test database.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port, start_gunicorn, stop_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[2]
HTTPS_PROXY = {"X-Forwarded-Proto": "https"}  # what the TLS proxy in front of gunicorn adds


@pytest.fixture(scope="module")
def production_server(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    static_root = tmp_path_factory.mktemp("static")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "serving-test-" + "q7Zr9xW2pL5mN8vB4cT6yH1jF0dS3aGk" * 2,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://shop.example.com",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "STATIC_ROOT": str(static_root),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_LOG_LEVEL": "warning",
        "LOG_LEVEL": "ERROR",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    process = start_gunicorn(["-c", "gunicorn.conf.py", "config.wsgi"], env=env, log_path=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/healthz/", timeout=5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop_process(process, grace=5)
                pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.2)
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    yield url, manifest
    stop_process(process, grace=10)


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        return urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error


def test_healthz_answers_over_plain_http_without_a_session(production_server):
    # given
    url, _ = production_server
    # when
    response = _get(url + "/healthz/")
    # then
    assert (response.status, response.read()) == (200, b"ok")
    assert response.headers["Content-Type"] == "text/plain"
    assert response.headers.get_all("Set-Cookie") is None


def test_a_page_links_hashed_static_files_that_gunicorn_serves_compressed(production_server):
    # given
    url, manifest = production_server
    page = _get(url + "/catalogue/", HTTPS_PROXY)
    html = page.read().decode()
    stylesheet = f"/static/{manifest['css/village.css']}"
    # when
    plain = _get(url + stylesheet, HTTPS_PROXY)
    brotli = _get(url + stylesheet, {**HTTPS_PROXY, "Accept-Encoding": "br, gzip"})
    gzip = _get(url + stylesheet, {**HTTPS_PROXY, "Accept-Encoding": "gzip"})
    # then
    assert page.status == 200
    assert f'href="{stylesheet}"' in html
    assert manifest["css/village.css"] != "css/village.css"
    assert (plain.status, brotli.status, gzip.status) == (200, 200, 200)
    assert plain.headers["Content-Type"].startswith("text/css")
    assert plain.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert (brotli.headers["Content-Encoding"], gzip.headers["Content-Encoding"]) == ("br", "gzip")


def test_oscar_s_own_javascript_is_served_the_guest_checkout_needs_it(production_server):
    # given: Oscar's script makes the guest checkout's password field optional
    url, manifest = production_server
    script = f"/static/{manifest['oscar/js/oscar/ui.js']}"
    # when
    response = _get(url + script, HTTPS_PROXY)
    # then
    assert response.status == 200
    assert b"oscar" in response.read()
