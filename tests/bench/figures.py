"""The bench's measurements; Django is set up with tests.bench.settings on a fresh database.

Counted warm: a first checkout fills the caches (content types, site, thumbnails) that every
later buyer finds filled. Orders of the notification figures go through our OrderCreator
(oscar.test.factories.create_order resolves it with get_class) and the per-vendor shipping
method, as the checkout places them.
"""

import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass

from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from tests.concurrency.shopper import ADDRESS, CASH_ON_DELIVERY, form_inputs
from tests.workers import spawn_celery_worker

VANILLA_CHECKOUT = "~210 (1 line, 12 requests)"
VANILLA_PLACE_ORDER = "~40"
WORKER_TIMEOUT = 120
_worker: subprocess.Popen | None = None


@dataclass
class Row:
    figure: str
    ours: str
    vanilla: str = ""


def migrate() -> None:
    print("migrating the bench database ...", flush=True)
    call_command("migrate", verbosity=0, interactive=False)


def run(*, orders: int) -> list[Row]:
    products, china = _seed()
    rows = []

    print("SQL statements of a guest checkout ...", flush=True)
    _guest_checkout(products, email="warm-up@example.com")
    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db"):
        one_line = _guest_checkout(products[:1], email="guest-one@example.com")
        in_db = _guest_checkout(products, email="guest-db@example.com")
    in_redis = _guest_checkout(products, email="guest-redis@example.com")
    print("\nthe two vendors' checkout, sessions in PostgreSQL, request by request (statements):")
    for request, _requests, statements in in_db.log:
        print(f"  {statements:4d}  {request}")
    rows += [
        Row(
            f"SQL: guest checkout, 1 product ({one_line.requests} requests), sessions in PostgreSQL",
            str(one_line.checkout),
            VANILLA_CHECKOUT,
        ),
        Row(
            "SQL: place-order POST alone, 1 product, sessions in PostgreSQL",
            str(one_line.place_order),
            VANILLA_PLACE_ORDER,
        ),
        Row(
            f"SQL: guest checkout, 2 vendors' products ({in_db.requests} requests), sessions in PostgreSQL",
            str(in_db.checkout),
        ),
        Row("SQL: place-order POST alone, 2 vendors, sessions in PostgreSQL", str(in_db.place_order)),
        Row(
            f"SQL: guest checkout, 2 vendors' products ({in_redis.requests} requests), sessions in Redis",
            str(in_redis.checkout),
        ),
        Row("SQL: place-order POST alone, 2 vendors, sessions in Redis", str(in_redis.place_order)),
    ]

    print(f"notifications: {orders} orders queued, then one worker drains them ...", flush=True)
    _place_orders(products, china, count=orders, prefix="backlog")
    _start_worker()
    sent = _wait_until_sent()
    first, last = min(m.sent_at for m in sent), max(m.sent_at for m in sent)
    rate = (len(sent) - 1) / max((last - first).total_seconds(), 1e-6)
    rows.append(Row(f"Notifications: throughput, 1 worker (solo pool), {len(sent)} messages", f"{rate:.0f} msg/s"))

    paced = max(orders // 2, 20)
    print(f"notifications: {paced} orders at 10/s with the worker running ...", flush=True)
    commits = _place_orders(products, china, count=paced, prefix="paced", pause=0.1)
    latencies = sorted(
        (message.sent_at.timestamp() - commits[message.order_id]) * 1000
        for message in _wait_until_sent()
        if message.order_id in commits
    )
    p50 = statistics.median(latencies)
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    rows += [
        Row(f"Notifications: latency commit -> sent, p50 ({len(latencies)} messages)", f"{p50:.0f} ms"),
        Row("Notifications: latency commit -> sent, p95", f"{p95:.0f} ms"),
    ]
    return rows


def table(rows: list[Row]) -> str:
    width = max(len(row.figure) for row in rows)
    ours = max(len(row.ours) for row in rows + [Row("", "ours")])
    lines = [f"{'figure':<{width}}  {'ours':>{ours}}  vanilla Oscar 4.2.1", "-" * (width + ours + 24)]
    lines += [f"{row.figure:<{width}}  {row.ours:>{ours}}  {row.vanilla}".rstrip() for row in rows]
    return "\n".join(lines)


def cleanup() -> None:
    """Stop the worker, remove this run's queue, cache keys and files."""
    import redis

    if _worker is not None and _worker.poll() is None:
        _worker.terminate()
        _worker.wait(timeout=30)
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = [
        settings.CELERY_TASK_DEFAULT_QUEUE,
        *client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"),
    ]
    client.delete(*keys)
    shutil.rmtree(settings.BENCH_TMP, ignore_errors=True)


# Data ---------------------------------------------------------------------------------------


def _seed():
    from tests.factories import ChinaFactory
    from tests.factories.marketplace import make_product, make_vendor

    china = ChinaFactory()
    products = [
        make_product(make_vendor("临县王家庄村农民专业合作社")[0], title="临县红枣 特级", stock=100_000),
        make_product(make_vendor("沁源县李家沟村家庭农场")[0], title="沁州黄小米", price="28.00", stock=100_000),
    ]
    return products, china


def _place_orders(products, china, *, count: int, prefix: str, pause: float = 0.0) -> dict[int, float]:
    """Orders of one unit of each product, by registered buyers; {order pk: commit time}."""
    from oscar.test.factories import UserFactory, create_order

    from shop.basket.models import Basket
    from shop.partner.strategy import Selector
    from shop.shipping.repository import Repository
    from tests.factories import LvliangAddressFactory

    commits = {}
    for index in range(count):
        customer = UserFactory(email=f"{prefix}-{index}@example.com")
        basket = Basket.objects.create(owner=customer)
        basket.strategy = Selector().strategy()
        for product in products:
            basket.add_product(product, 1)
        address = LvliangAddressFactory(country=china)
        method = Repository().get_default_shipping_method(basket=basket, shipping_addr=address)
        stamp = []
        with transaction.atomic():
            # Registered first, so it runs at commit before the enqueueing callbacks.
            transaction.on_commit(lambda stamp=stamp: stamp.append(time.time()))
            order = create_order(basket=basket, user=customer, shipping_address=address, shipping_method=method)
        commits[order.pk] = stamp[0]
        if pause:
            time.sleep(pause)
    return commits


# SQL statements of a checkout ---------------------------------------------------------------


@dataclass
class Checkout:
    requests: int
    checkout: int
    place_order: int
    log: list[tuple[str, int, int]]


class _Browser:
    """A Django test Client that counts requests and SQL statements, redirects followed."""

    def __init__(self):
        self.client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
        self.requests = 0
        self.queries = 0
        self.log: list[tuple[str, int, int]] = []  # (request and its redirects, requests, statements)

    def request(self, method: str, path: str, data=None, *, follow: bool = True):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(self.client, method)(path, data, follow=follow)
        chain = [url for url, _status in getattr(response, "redirect_chain", [])]
        self.requests += 1 + len(chain)
        self.queries += len(queries)
        self.log.append((" -> ".join([f"{method.upper()} {path}", *chain]), 1 + len(chain), len(queries)))
        if response.status_code >= 400:
            raise RuntimeError(f"{method.upper()} {path}: {response.status_code}")
        response.html = BeautifulSoup(response.content.decode(), "html.parser")
        return response, len(queries)


def _guest_checkout(products, *, email: str) -> Checkout:
    from shop.order.models import Order

    browser = _Browser()
    orders_before = Order.objects.count()
    for product in products:
        browser.request("post", f"/basket/add/{product.pk}/", {"quantity": "1"})
    browser.request("get", "/basket/")
    page, _count = browser.request("get", "/checkout/")
    for _step in range(8):
        if form := page.html.select_one("#place_order_form"):
            break
        if form := page.html.select_one("#new_shipping_address"):
            page, _count = browser.request("post", form.get("action"), {**form_inputs(form), **ADDRESS})
        elif form := page.html.select_one("#payment_method_form"):
            label = next(lab for lab in form.select("label") if CASH_ON_DELIVERY in lab.get_text())
            method = form.find(id=label["for"])["value"]
            page, _count = browser.request("post", page.wsgi_request.path, {**form_inputs(form), "method": method})
        elif page.html.select_one("input[name=username]"):
            form = page.html.find("input", attrs={"name": "username"}).find_parent("form")
            data = {**form_inputs(form), "username": email, "options": "anonymous"}
            page, _count = browser.request("post", page.wsgi_request.path, data)
        else:
            raise RuntimeError(
                f"checkout stuck at {page.wsgi_request.path}: {page.html.get_text(' ', strip=True)[:500]}"
            )
    else:
        raise RuntimeError("no order preview")
    placed, place_order = browser.request("post", "/checkout/preview/", form_inputs(form), follow=False)
    if placed.status_code != 302:
        raise RuntimeError(f"the order was not placed: {placed.html.get_text(' ', strip=True)[:500]}")
    browser.request("get", placed["Location"])
    if Order.objects.count() != orders_before + 1:
        raise RuntimeError("the checkout placed no order")
    return Checkout(requests=browser.requests, checkout=browser.queries, place_order=place_order, log=browser.log)


# The worker ---------------------------------------------------------------------------------


def _start_worker() -> None:
    global _worker
    _worker = spawn_celery_worker(log_path=settings.BENCH_TMP / "worker.log", queue=settings.CELERY_TASK_DEFAULT_QUEUE)


def _wait_until_sent():
    """Every message once none is pending or sending any more (a failed one is an error)."""
    from vendors.notifications.models import Message

    deadline = time.monotonic() + WORKER_TIMEOUT
    while Message.objects.filter(status__in=[Message.Status.PENDING, Message.Status.SENDING]).exists():
        if time.monotonic() > deadline or _worker.poll() is not None:
            log = (settings.BENCH_TMP / "worker.log").read_text()
            raise RuntimeError(f"messages still unsent after {WORKER_TIMEOUT} s; worker log:\n{log[-3000:]}")
        time.sleep(0.05)
    failed = Message.objects.filter(status=Message.Status.FAILED).count()
    if failed:
        raise RuntimeError(f"{failed} messages failed")
    return list(Message.objects.all())
