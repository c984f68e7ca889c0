"""A live sale through a real server: 500 signed-in buyers tap 抢购 at once on an item of 100 units.

Each buyer has its own session (signed in) and CSRF cookie; then all 500 post the
snap-up form together through gunicorn. Exactly 100 units sell, every other buyer gets a clean 已抢光,
no answer is a server error; a real Celery worker writes the winners' orders from their reservations, each
winner's page then shows its order number, and stock, allocations, the event's counters and the orders agree.
"""

import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db.models import Sum

from shop.order.models import Line, Order
from shop.partner.models import StockRecord
from tests.concurrency.shopper import Shopper
from tests.factories.live import wait_until
from tests.factories.live_sales import make_buyer, make_event, make_item
from vendors.live import admission
from vendors.live.models import LiveBuyer, LiveItem, LiveOrder, LiveReservation

BUYERS = 500
UNITS = 100
WON = "抢到了"
SOLD_OUT = "已抢光"


def _signed_in(shopper: Shopper, user) -> None:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    shopper.set_cookie("sessionid", session.session_key)


@pytest.fixture
def queued_orders(monkeypatch, celery_worker_process):
    """The server sends its tasks to the broker (not in-process) and a real worker takes them."""
    monkeypatch.setenv("VM_TEST_CELERY_EAGER", "0")


@pytest.mark.postgres
@pytest.mark.redis
def test_five_hundred_buyers_for_a_hundred_units_get_a_hundred_orders_and_clean_sold_out_answers(
    queued_orders, live_gunicorn, china
):
    # given: an event live now, one item of 100 units (one per buyer), 500 signed-in buyers on its page
    event = make_event()
    item = make_item(event, stock=300, quantity=UNITS, limit=1)
    shoppers = []
    for _n in range(BUYERS):
        shopper = Shopper(base_url=live_gunicorn.base_url)
        _signed_in(shopper, make_buyer(china))
        shoppers.append(shopper)
    # One buyer opens the page (its thumbnails exist before the crowd arrives: sorl-thumbnail logs an error
    # when processes race to make the first one); the others hold the CSRF cookie a page view would give.
    shoppers[0].get(f"/live/{event.slug}/")
    for shopper in shoppers[1:]:
        shopper.set_cookie("csrftoken", secrets.token_hex(16))
    start = threading.Barrier(BUYERS)

    won_pages = []

    def tap(shopper: Shopper) -> str:
        start.wait(timeout=60)
        page = shopper.post(f"/live/{event.slug}/items/{item.pk}/snap/", {"csrfmiddlewaretoken": shopper.csrf_token()})
        text = page.text()
        if WON in text:
            won_pages.append((shopper, page.path))
            return "won"
        return "sold out" if SOLD_OUT in text else f"{page.status} {page.path}: {text[:300]}"

    # when: all 500 tap at once
    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        outcomes = list(pool.map(tap, shoppers))
    # then: 100 winners told at once, their orders written by the worker moments later
    assert sorted(set(outcomes)) == ["sold out", "won"], [o for o in outcomes if o not in ("won", "sold out")][:5]
    assert outcomes.count("won") == UNITS
    wait_until(
        lambda: not LiveReservation.objects.filter(item=item, status="pending").exists(),
        timeout=60,
        what="the worker to write the winners' orders",
    )
    numbers = set(Order.objects.values_list("number", flat=True))
    for shopper, path in won_pages:
        assert re.search(r"订单号：(\d+)", shopper.get(path).text())[1] in numbers
    assert [status for shopper in shoppers for status in shopper.statuses if status >= 500] == []
    item.refresh_from_db()
    assert item.sold == UNITS
    assert LiveOrder.objects.filter(item=item).count() == UNITS == Order.objects.count()
    assert Line.objects.filter(product=item.product).aggregate(units=Sum("quantity")) == {"units": UNITS}
    assert LiveBuyer.objects.filter(item=item).aggregate(units=Sum("units")) == {"units": UNITS}
    assert StockRecord.objects.filter(product=item.product).values_list("num_in_stock", "num_allocated").get() == (
        300,
        UNITS,
    )
    assert admission.remaining(item_ids=[item.pk]) == {item.pk: 0}
    assert LiveItem.objects.get(pk=item.pk).remaining == 0
    log = live_gunicorn.log_path.read_text()
    assert [line for line in log.splitlines() if "Traceback" in line or "[ERROR]" in line] == [], log[
        max(log.find("Traceback") - 500, 0) : log.find("Traceback") + 2500
    ]
