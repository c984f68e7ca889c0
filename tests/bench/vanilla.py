"""`make bench vanilla`: our uncached pages next to a vanilla django-oscar 4.2 shop's, in one run on one machine.

The issue says "Uncached pages at least as fast as vanilla Oscar's, every page (signed-in visitors and cache
misses pay this price)". Both sites hold BENCH_VANILLA_SIZE products (default 1,000):
- ours, the bench county (`seed_catalogue`, 200 products per shop) with its search index built;
- vanilla Oscar (tests.bench.vanilla_settings: Oscar's stock apps and templates, no forks), seeded in the
  same shape by tests/bench/vanilla_site.py in a subprocess of its own, in its own database: the bench
  database's name with "_vanilla" appended, created here and dropped at the end (BENCH_KEEP_DB=1 keeps it).
Each site is served by one gunicorn with the repository's gunicorn.conf.py, both started once. Page by
page, wrk measures ours, then vanilla's, never both at once: 16 connections, BENCH_READ_SECONDS (default
10) per figure, every request accepting gzip as a phone's browser does. The pages are those a signed-in
buyer with two products in her basket opens: catalogue page 1, the 红枣 category, one product page, a search
for 红枣 and her basket. Our gunicorn runs with PAGE_CACHE_SECONDS=0, so nothing of ours comes from a cache:
no shared page (her browser never sends the `vm_js` cookie either), no basket kept for her alone
(PRIVATE_PAGE_CACHE_PATHS), no product card fragment; every figure is the uncached render. Each row gives
req/s and p99 on both sites and ours/vanilla req/s.

SQL queries per page, both sites: counted with Django's test client on each page's second view (the first
makes the thumbnails), ours in this process with PAGE_CACHE_SECONDS=0, vanilla's in its seeding subprocess.
Nothing is asserted.
"""

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.parse

from django.conf import settings
from django.test.utils import override_settings

from tests.bench.figures import Row
from tests.bench.live import _buyers, _Result, _which
from tests.bench.pages import PER_SHOP, _build_search_index, _fill_basket, _Server
from tests.bench.vanilla_site import SETTINGS, count_queries, pages

SIZE = int(os.environ.get("BENCH_VANILLA_SIZE", "1000"))
LABEL = f"[{SIZE:,} products, signed in]"
# Django's own WSGI entry, called by gunicorn: the vanilla shop has no module of ours to start from.
VANILLA_APP = "django.core.wsgi:get_wsgi_application()"
UNCACHED = {"PAGE_CACHE_SECONDS": "0"}


def run(*, china) -> list[Row]:
    if not _which("wrk"):
        return [Row("Vanilla Oscar", "skipped: wrk is not installed (apt-get install wrk)")]
    from tests.bench.__main__ import recreate_database

    vanilla_env = {"DJANGO_SETTINGS_MODULE": SETTINGS, "DATABASE_URL": _vanilla_database_url()}
    recreate_database(vanilla_env["DATABASE_URL"])
    try:
        started = time.monotonic()
        print(f"vanilla: migrating and seeding vanilla Oscar with {SIZE:,} products ...", flush=True)
        vanilla = _seed_vanilla(vanilla_env)
        vanilla_seconds = time.monotonic() - started
        started = time.monotonic()
        print(f"vanilla: building our county of {SIZE:,} products ...", flush=True)
        ours = _seed_ours(china)
        rows = [
            Row(
                f"{LABEL} shop built in (seed, search index, buyer; vanilla: its migrations too)",
                f"{time.monotonic() - started:.0f} s",
                f"{vanilla_seconds:.0f} s",
            )
        ]
        rows += _measure(ours, vanilla, vanilla_env)
        rows += [
            Row(f"{LABEL} SQL queries: {name}", str(ours["queries"][name]), str(vanilla["queries"][name]))
            for name in ours["paths"]
        ]
        return rows
    finally:
        if os.environ.get("BENCH_KEEP_DB"):
            print(f"kept {vanilla_env['DATABASE_URL']}")
        else:
            recreate_database(vanilla_env["DATABASE_URL"], drop_only=True)


def _vanilla_database_url() -> str:
    """The bench database's URL with "_vanilla" appended to its name: same server, a database of its own."""
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path=f"{parts.path}_vanilla"))


def _seed_vanilla(env: dict[str, str]) -> dict:
    """Migrate and seed the vanilla shop under its own settings, each in a subprocess; its pages, cookies, queries."""
    _in_vanilla(env, "manage.py", "migrate", "--verbosity", "0")
    output = _in_vanilla(env, "-W", "ignore", "-m", "tests.bench.vanilla_site", "seed", str(SIZE))
    return json.loads(output.splitlines()[-1])


def _in_vanilla(env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, *arguments], cwd=settings.BASE_DIR, env=dict(os.environ, **env), capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"{' '.join(arguments)} failed in the vanilla shop:\n{done.stdout}{done.stderr}")
    return done.stdout


def _seed_ours(china) -> dict:
    """The bench county and its search index, a signed-in buyer with two products in her basket; as the
    vanilla seed answers: the pages' paths, her cookies and each page's queries."""
    from shop.catalogue.models import Category, Product
    from vendors.demo import analyze_after_bulk_load, seed_catalogue

    seed_catalogue(vendors=max(SIZE // PER_SHOP, 1), products_per_vendor=min(SIZE, PER_SHOP), live_events=False)
    analyze_after_bulk_load()
    _build_search_index()
    session, csrf = _buyers(1, china)[0]
    _fill_basket(session, Product.objects.filter(is_public=True).order_by("pk")[:2])
    paths = pages(
        Category.objects.get(name="红枣").get_absolute_url(),
        Product.objects.get(upc="VM-VENDOR-0001-000").get_absolute_url(),
    )
    cookies = {settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: csrf}
    with override_settings(PAGE_CACHE_SECONDS=0):
        queries = count_queries(paths, cookies)
    return {"paths": paths, "cookies": cookies, "queries": queries}


def _measure(ours: dict, vanilla: dict, vanilla_env: dict[str, str]) -> list[Row]:
    """Both servers up, then each page on ours and on vanilla in turn."""
    rows = []
    with contextlib.ExitStack() as servers:
        our_server = _Server(env=UNCACHED, log_name="gunicorn-vanilla-ours.log")
        servers.callback(our_server.stop)
        vanilla_server = _Server(app=VANILLA_APP, env=vanilla_env, probe="/catalogue/", log_name="gunicorn-vanilla.log")
        servers.callback(vanilla_server.stop)
        for name, path in ours["paths"].items():
            print(f"vanilla: {name} ...", flush=True)
            mine = our_server.wrk(path, cookie=_cookie(ours["cookies"]))
            theirs = vanilla_server.wrk(vanilla["paths"][name], cookie=_cookie(vanilla["cookies"]))
            ratio = f"{mine.rps / theirs.rps:.2f}x" if theirs.rps else "-"
            rows.append(
                Row(f"{LABEL} {name}: req/s, p99 (ours/vanilla req/s)", f"{_figure(mine)} ({ratio})", _figure(theirs))
            )
    return rows


def _cookie(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _figure(result: _Result) -> str:
    errors = f", {result.errors_told()}" if result.errors else ""
    return f"{result.rps:.0f}, {result.p99}{errors}"
