"""`make bench` (python -m tests.bench): figures for orders and notifications, printed, not asserted.

- SQL statements of one complete guest checkout of two vendors' products (every request from
  the first add-to-basket to the thank-you page, redirects followed) and of the place-order POST
  alone, next to vanilla Oscar 4.2.1's (docs/oscar-pitfalls.md #17: ~210 and ~40 for a one-line checkout).
- Notification throughput through one Celery worker (solo pool) and latency from the order's
  commit to its messages being sent (p50/p95), against the local Redis.
- Live sales under gunicorn and wrk (tests/bench/live.py): snap-up orders per second, the
  remaining-quantity endpoint and the event page, each next to a bare Django view in the same run.

`make bench pages` (python -m tests.bench pages) runs only the pages' figures instead (tests/bench/pages.py):
anonymous and signed-in pages, search and a product-page burst at 1,000 and 120,000 products, each as a
share of /healthz/ in the same run. `make bench search` measures search alone at 120,000 products
(BENCH_SEARCH_SIZE): Chinese words, pinyin, initials and a single character, anonymous (page cache),
rotating queries (mostly cache misses) and signed in (never cached). `make bench vanilla` sets our uncached
pages (signed in, PAGE_CACHE_SECONDS=0) against a vanilla django-oscar 4.2 shop's with as many products
(BENCH_VANILLA_SIZE, default 1,000) in the same run (tests/bench/vanilla.py): catalogue, category, product
page, search and basket, req/s, p99 and SQL queries on both.

Needs PostgreSQL and Redis: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/village_market_bench)
and REDIS_URL (default redis://127.0.0.1:6379/0). The bench creates its own database (the URL's
name, with "_bench" appended unless it already ends so, so a developer's database is never
touched) and drops it at the end (BENCH_KEEP_DB=1 keeps it). BENCH_ORDERS sets the number of
orders of the throughput run (default 100, six messages each). Arguments choose the parts (`make bench live`,
`make bench pages`, `make bench search`, `make bench vanilla`, `make bench figures`); without any, the checkout
and notification figures and the live sales. The vanilla part's shop has a database of its own, the bench
database's name with "_vanilla" appended, dropped the same way.
"""

import os
import sys
import time
import urllib.parse

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/village_market_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
VANILLA = {"checkout": "~210 (1 line, 12 requests)", "place": "~40"}


def fail(message: str) -> None:
    print(f"make bench: {message}", file=sys.stderr)
    sys.exit(2)


def bench_database_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        fail(f"DATABASE_URL must point at PostgreSQL, not {parts.scheme or url!r}")
    name = parts.path.lstrip("/") or "village_market"
    if not name.endswith("_bench"):
        name = f"{name}_bench"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def check_services(database_url: str, redis_url: str) -> None:
    import psycopg
    import redis

    try:
        psycopg.connect(_maintenance_dsn(database_url), connect_timeout=3).close()
    except psycopg.Error as error:
        fail(f"PostgreSQL is not reachable at {database_url}: {error}".strip())
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        fail(f"Redis is not reachable at {redis_url}: {error}")


def _maintenance_dsn(database_url: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(database_url)._replace(path="/postgres"))


def recreate_database(database_url: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(_maintenance_dsn(database_url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> None:
    database_url = bench_database_url(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    orders = int(os.environ.get("BENCH_ORDERS", "100"))
    check_services(database_url, redis_url)
    print(f"PostgreSQL {database_url} (created for this run), Redis {redis_url}, {os.cpu_count()} CPUs")
    recreate_database(database_url)
    os.environ.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="tests.bench.settings",
        VM_BENCH_RUN_ID=os.environ.get("VM_BENCH_RUN_ID", str(os.getpid())),
    )
    try:
        import django

        django.setup()

        from tests.bench import figures, live, pages
        from tests.factories import ChinaFactory

        started = time.monotonic()
        parts = sys.argv[1:] or ["figures", "live"]
        figures.migrate()
        rows = figures.run(orders=orders) if "figures" in parts else []
        if "live" in parts:
            rows += live.run(china=ChinaFactory())
        if "pages" in parts:
            rows += pages.run(china=ChinaFactory())
        if "search" in parts:
            rows += pages.run_search(china=ChinaFactory())
        if "vanilla" in parts:
            from tests.bench import vanilla

            rows += vanilla.run(china=ChinaFactory())
        print()
        print(figures.table(rows))
        print(f"\n({time.monotonic() - started:.0f} s)")
    finally:
        _cleanup(database_url)


def _cleanup(database_url: str) -> None:
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
        from tests.bench import figures

        figures.cleanup()
    if os.environ.get("BENCH_KEEP_DB"):
        print(f"kept {database_url}")
    else:
        recreate_database(database_url, drop_only=True)


if __name__ == "__main__":
    main()
