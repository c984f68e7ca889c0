"""`make bench pages`: the pages a live-stream crowd opens, under gunicorn (gunicorn.conf.py) and wrk,
each as a share of /healthz/ in the same run on the same server.

For each county size (BENCH_PAGES_SIZES, default "1000,120000" products; 200 per shop, built with
the bulk seed `seed_catalogue(vendors=..., products_per_vendor=200)`, the larger size growing the
smaller one):
- /healthz/ (the ceiling: no middleware, no session, no database);
- anonymous pages, served from the page cache after their first view: the home page, catalogue, a category, a
  product page (one product, and 1,000 products in rotation), a storefront, the shop directory, a
  live sale's page;
- the same product page signed in, rendered for her before her browser has run static/js/visitor.js
  (the uncached price a cache miss also pays) and the shared page after, her
  basket (two products) and account page (kept for her alone for a few seconds), and the live sale's
  page and the catalogue signed in (rendered for her
  until her browser has run static/js/visitor.js, the shared page after);
- search (红枣, 枣) on PostgreSQL (shop.search.postgres; the index is built after the county);
- a product-page burst: 256 connections for 20 s on one product.
16 connections, BENCH_READ_SECONDS (default 10) per figure after 2 s of the same load not counted (every
server process warm); p99 from wrk's latency distribution. Every request says it accepts gzip, as a phone's
browser does.
Nothing is asserted: the figures go in the issue's closing note (docs/pages.md has the last ones).

`make bench search` (``run_search``): the county of BENCH_SEARCH_SIZE products (default 120,000), its
search index built, then search alone: Chinese words (红枣, 临县红枣), pinyin (hongzao, xiaomi),
initials (hz) and a single character (枣), each anonymous (served from the page cache after its first
view) and signed in (never cached: what a cache miss costs), and anonymous queries in rotation (a few
hundred different searches: mostly cache misses), next to /healthz/ in the same run.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from tests.bench.figures import Row
from tests.bench.live import _buyers, _free_port, _Result, _which

ROTATING_BUYERS = 1000
SIZES = [int(n) for n in os.environ.get("BENCH_PAGES_SIZES", "1000,120000").split(",") if n.strip()]
SECONDS = int(os.environ.get("BENCH_READ_SECONDS", "10"))
WARM_UP_SECONDS = 2
SEARCH_SIZE = int(os.environ.get("BENCH_SEARCH_SIZE", "120000"))
SEARCHES = {
    "Chinese word 红枣": "红枣",
    "Chinese words 临县红枣": "临县红枣",
    "pinyin hongzao": "hongzao",
    "pinyin xiaomi": "xiaomi",
    "pinyin initials hz": "hz",
    "single character 枣": "枣",
}
CONNECTIONS = 16
PER_SHOP = 200
# What every phone's browser says: the cached pages are sent gzipped to it (shop.core.pagecache).
BROWSER = ["-H", "Accept-Encoding: gzip, deflate, br"]

ROTATING = """
local paths = {}
local cookies = {}
for line in io.lines("%(paths)s") do
  local path, cookie = line:match("^([^\t]*)\t?(.*)$")
  table.insert(paths, path)
  table.insert(cookies, cookie)
end
local n = 0
request = function()
  n = n + 1
  local i = (n %% #paths) + 1
  if cookies[i] ~= "" then return wrk.format("GET", paths[i], {["Cookie"] = cookies[i]}) end
  return wrk.format("GET", paths[i])
end
"""


def run(*, china) -> list[Row]:
    if not _which("wrk"):
        return [Row("Pages", "skipped: wrk is not installed (apt-get install wrk)")]
    from tests.factories.live_sales import make_event, make_item
    from vendors.demo import analyze_after_bulk_load, seed_catalogue

    event = make_event()
    rows = []
    for size in SIZES:
        started = time.monotonic()
        print(f"pages: building the county of {size:,} products ...", flush=True)
        seed_catalogue(vendors=max(size // PER_SHOP, 1), products_per_vendor=min(size, PER_SHOP), live_events=False)
        analyze_after_bulk_load()
        if not event.items.exists():
            make_item(event)
        rows.append(Row(f"[{size:,} products] county built in", f"{time.monotonic() - started:.0f} s"))
        built = _build_search_index()
        rows.append(Row(f"[{size:,} products] search index built, database vacuumed, in", f"{built:.0f} s"))
        rows += _measure(size, china=china, event=event)
    return rows


def _build_search_index() -> float:
    from django.db import connection

    started = time.monotonic()
    call_command("update_index", batchsize=2000, verbosity=0)
    with connection.cursor() as cursor:
        # The whole database, not only the index: after a bulk load PostgreSQL's autovacuum would otherwise
        # run in the middle of the first figures, on the same two cores (tests/bench/vanilla.py, which builds
        # its shop after vanilla Oscar's, measured our first pages while it ran).
        cursor.execute("VACUUM ANALYZE")
    return time.monotonic() - started


def run_search(*, china) -> list[Row]:
    """`make bench search`: search alone at SEARCH_SIZE products (see the module's docstring)."""
    if not _which("wrk"):
        return [Row("Search", "skipped: wrk is not installed (apt-get install wrk)")]
    from vendors.demo import analyze_after_bulk_load, seed_catalogue

    started = time.monotonic()
    print(f"search: building the county of {SEARCH_SIZE:,} products ...", flush=True)
    seed_catalogue(
        vendors=max(SEARCH_SIZE // PER_SHOP, 1), products_per_vendor=min(SEARCH_SIZE, PER_SHOP), live_events=False
    )
    analyze_after_bulk_load()
    label = f"[{SEARCH_SIZE:,} products]"
    rows = [Row(f"{label} county built in", f"{time.monotonic() - started:.0f} s")]
    print("search: building the search index ...", flush=True)
    rows.append(Row(f"{label} search index built, database vacuumed, in", f"{_build_search_index():.0f} s"))
    server = _Server()
    try:
        ceiling = server.wrk("/healthz/")
        rows.append(Row(f"{label} /healthz/ (ceiling): req/s, p99", f"{ceiling.rps:.0f}, {ceiling.p99}"))
        rows += _measure_search(server, label, ceiling, china=china)
        after = server.wrk("/healthz/")
        rows.append(Row(f"{label} /healthz/ again at the end: req/s, p99", f"{after.rps:.0f}, {after.p99}"))
    finally:
        server.stop()
    return rows


def _figure(result: _Result, ceiling: _Result) -> str:
    share = f"{result.rps / ceiling.rps:.0%}" if ceiling.rps else "-"
    errors = f", {result.errors} errors" if result.errors else ""
    return f"{result.rps:.0f}, {result.p99}, {share}{errors}"


def _measure_search(server: "_Server", label: str, ceiling: _Result, *, china) -> list[Row]:
    from shop.catalogue.models import Category
    from vendors.models import Vendor

    rows = []
    name = f"{label} search {{}}: req/s, p99, share of /healthz/"
    for title, words in SEARCHES.items():
        path = f"/search/?q={urllib.request.quote(words)}"
        rows.append(Row(name.format(f"{title}, anonymous"), _figure(server.wrk(path), ceiling)))
    session, _csrf = _buyers(1, china)[0]
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    for title, words in SEARCHES.items():
        path = f"/search/?q={urllib.request.quote(words)}"
        rows.append(
            Row(name.format(f"{title}, signed in (not cached)"), _figure(server.wrk(path, cookie=cookie), ceiling))
        )
    # Many different searches: produce, counties, shops' names, pinyin, with and without a sort.
    words = list(Category.objects.filter(depth=2).values_list("name", flat=True))
    words += list(Vendor.objects.order_by("pk").values_list("name", flat=True)[:200])
    words += ["hongzao", "xiaomi", "dangshen", "hetao", "pingguo", "huangqi", "hz", "xm", "枣", "米", "参"]
    sorts = ["", "&sort_by=sales", "&sort_by=price-asc"]
    paths = [f"/search/?q={urllib.request.quote(w)}{sorts[i % 3]}" for i, w in enumerate(words)]
    rotating = server.wrk_rotating(paths)
    rows.append(
        Row(name.format(f"{len(paths)} queries in rotation, anonymous (mostly misses)"), _figure(rotating, ceiling))
    )
    return rows


def _paths(event) -> dict[str, str]:
    from shop.catalogue.models import Category, Product
    from vendors.models import Vendor

    return {
        "home page": "/",
        "catalogue, page 1": "/catalogue/",
        "category (红枣)": Category.objects.get(name="红枣").get_absolute_url(),
        "product page (one)": Product.objects.get(upc="VM-VENDOR-0001-000").get_absolute_url(),
        "storefront": f"/vendors/{Vendor.objects.get(slug='vendor-0001').slug}/",
        "shop directory": "/vendors/",
        "live sale page": f"/live/{event.slug}/",
    }


def _measure(size: int, *, china, event) -> list[Row]:
    from shop.catalogue.models import Product

    server = _Server()
    label = f"[{size:,} products]"
    rows = []
    try:
        ceiling = server.wrk("/healthz/")
        rows.append(Row(f"{label} /healthz/ (ceiling): req/s, p99", f"{ceiling.rps:.0f}, {ceiling.p99}"))

        def row(name: str, result: _Result) -> Row:
            share = f"{result.rps / ceiling.rps:.0%}" if ceiling.rps else "-"
            errors = f", {result.errors} errors" if result.errors else ""
            figure = f"{result.rps:.0f}, {result.p99}, {share}{errors}"
            return Row(f"{label} {name}: req/s, p99, share of /healthz/", figure)

        for name, path in _paths(event).items():
            rows.append(row(f"anonymous {name}", server.wrk(path)))
        rotating = [p.get_absolute_url() for p in Product.objects.filter(is_public=True).order_by("pk")[:1000]]
        rows.append(row(f"anonymous product pages ({len(rotating):,} rotating)", server.wrk_rotating(rotating)))
        for words in ("红枣", "枣"):
            rows.append(row(f"search {words}", server.wrk(f"/search/?q={urllib.request.quote(words)}")))
        session, csrf = _buyers(1, china)[0]
        # Her phone carries the session and CSRF cookies, and her basket holds two products.
        cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
        _fill_basket(session, Product.objects.filter(is_public=True).order_by("pk")[:2])
        product = _paths(event)["product page (one)"]
        rows.append(row("signed-in product page (not cached)", server.wrk(product, cookie=cookie)))
        rows.append(row("signed-in basket", server.wrk("/basket/", cookie=cookie)))
        rows.append(row("signed-in account page", server.wrk("/accounts/profile/", cookie=cookie)))
        # What a buyer's first look at her basket costs: so many buyers in turn that none is seen twice in
        # PAGE_CACHE_SECONDS, each page rendered for her.
        many = _buyers(ROTATING_BUYERS, china)
        for session_key, _csrf in many:
            _fill_basket(session_key, Product.objects.filter(is_public=True).order_by("pk")[:2])
        cookies = [f"{settings.SESSION_COOKIE_NAME}={s}; {settings.CSRF_COOKIE_NAME}={c}" for s, c in many]
        rotating_baskets = server.wrk_rotating(["/basket/"] * len(cookies), cookies)
        rows.append(row(f"signed-in baskets, {len(many):,} buyers in turn (rendered)", rotating_baskets))
        live = _paths(event)["live sale page"]
        rows.append(row("signed-in live sale page, no script yet (rendered)", server.wrk(live, cookie=cookie)))
        # A phone that has run static/js/visitor.js says so (its cookie): it is sent the shared page.
        scripted = f"{cookie}; {settings.PAGE_CACHE_SCRIPT_COOKIE}=1"
        rows.append(row("signed-in live sale page (shared page)", server.wrk(live, cookie=scripted)))
        rows.append(row("signed-in catalogue (shared page)", server.wrk("/catalogue/", cookie=scripted)))
        rows.append(row("signed-in product page (shared page)", server.wrk(product, cookie=scripted)))
        burst = server.wrk(product, connections=256, seconds=20)
        rows.append(row("product page burst, 256 connections, 20 s", burst))
    finally:
        server.stop()
    return rows


def _fill_basket(session_key: str, products) -> None:
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    from shop.basket.models import Basket
    from shop.partner.strategy import Selector

    basket = Basket.objects.create(owner_id=SessionStore(session_key).load()[SESSION_KEY])
    basket.strategy = Selector().strategy()
    for product in products:
        basket.add_product(product, 1)


class _Server:
    """gunicorn with the repository's gunicorn.conf.py on a free port, the bench's settings.

    Another site is served the same way with its WSGI ``app``, ``env`` added to the environment (its
    settings), a ``probe`` path that answers once it is up and its own log file (tests/bench/vanilla.py).
    """

    def __init__(
        self,
        *,
        app: str = "config.wsgi",
        env: dict[str, str] | None = None,
        probe: str = "/healthz/",
        log_name: str = "gunicorn-pages.log",
    ) -> None:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = Path(settings.BENCH_TMP) / log_name
        env = dict(os.environ, **(env or {}), GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_LOG_LEVEL="warning")
        root = Path(__file__).resolve().parents[2]
        command = [sys.executable, "-m", "gunicorn", "-c", str(root / "gunicorn.conf.py"), app]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + probe, timeout=5).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{self.log_path.read_text()}") from None
                time.sleep(0.2)

    def wrk(self, path: str, *, cookie: str = "", connections: int = CONNECTIONS, seconds: int = SECONDS) -> _Result:
        # One request first: the page's first view renders it (and its thumbnails) and fills the cache.
        request = urllib.request.Request(self.url + path, headers={"Cookie": cookie} if cookie else {})
        urllib.request.urlopen(request, timeout=60).close()
        command = ["wrk", "-t2", f"-c{connections}", "--latency", "--timeout", "10s", *BROWSER]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        # Then WARM_UP_SECONDS of the same load, not counted: every server process has loaded its templates and
        # opened its connections, so the figure is the page's steady state, not one process's first render.
        subprocess.run([*command, f"-d{WARM_UP_SECONDS}s", self.url + path], capture_output=True, timeout=60)
        done = subprocess.run(
            [*command, f"-d{seconds}s", self.url + path], capture_output=True, text=True, timeout=seconds + 60
        )
        return _Result(done.stdout + done.stderr)

    def wrk_rotating(self, paths: list[str], cookies: list[str] | None = None) -> _Result:
        """wrk over ``paths`` in turn, each request with the cookie of the same rank if ``cookies`` is given."""
        folder = Path(settings.BENCH_TMP)
        cookies = cookies or [""] * len(paths)
        (folder / "paths.txt").write_text("".join(f"{p}\t{c}\n" for p, c in zip(paths, cookies, strict=True)))
        script = folder / "rotating.lua"
        script.write_text(ROTATING % {"paths": folder / "paths.txt"})
        command = ["wrk", "-t2", f"-c{CONNECTIONS}", "--latency", "--timeout", "10s", *BROWSER, "-s", str(script)]
        subprocess.run([*command, f"-d{WARM_UP_SECONDS}s", self.url + "/"], capture_output=True, timeout=60)
        done = subprocess.run(
            [*command, f"-d{SECONDS}s", self.url + "/"], capture_output=True, text=True, timeout=SECONDS + 60
        )
        return _Result(done.stdout + done.stderr)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
