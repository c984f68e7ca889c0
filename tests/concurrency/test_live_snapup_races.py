"""Snap-ups racing in threads on PostgreSQL and Redis: the buyer's limit and the event's cap hold whatever
the timing, and when Redis loses its counters mid-sale the sale goes on from the database's figures.

Each thread is one request's worth of work (vendors.live.services.live_snapup) on its own database
connection; the database's conditional updates are what these tests prove, Redis in front of them.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.models import Sum

from shop.order.models import Line, Order
from shop.partner.models import StockRecord
from tests.factories.live_sales import make_buyer, make_event, make_item
from vendors.live import admission, services
from vendors.live.models import LiveBuyer, LiveItem, LiveOrder, LiveReservation
from vendors.live.placing import live_reservations_place
from vendors.live.redis_client import live_redis
from vendors.live.selectors import live_item_offer
from vendors.live.services import OverLimit, SoldOut, live_snapup

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _tap(item_id: int, user, barrier: threading.Barrier | None = None) -> str:
    try:
        if barrier is not None:
            barrier.wait(timeout=30)
        live_snapup(offer=live_item_offer(item_id=item_id), user=user)
        return "won"
    except SoldOut:
        return "sold out"
    except OverLimit:
        return "over limit"
    finally:
        connection.close()


def _consistent(item: LiveItem) -> dict:
    """The item's figures as the database keeps them, each way it keeps them, once every won tap's order is
    written (each tap's commit ran the writer in-process; this writes what a tap left to the one running)."""
    while live_reservations_place():
        pass
    assert not LiveReservation.objects.filter(item=item, status="pending").exists()
    item.refresh_from_db()
    lines = Line.objects.filter(order__live_order__item=item)
    return {
        "sold": item.sold,
        "live_orders": LiveOrder.objects.filter(item=item).aggregate(n=Sum("quantity"))["n"] or 0,
        "order_lines": lines.aggregate(n=Sum("quantity"))["n"] or 0,
        "buyer_units": LiveBuyer.objects.filter(item=item).aggregate(n=Sum("units"))["n"] or 0,
        "allocated": StockRecord.objects.get(product=item.product).num_allocated or 0,
    }


def test_one_buyer_firing_twenty_parallel_snap_ups_gets_at_most_the_limit(china):
    # given
    item = make_item(make_event(), quantity=100, limit=2)
    buyer = make_buyer(china)
    barrier = threading.Barrier(20)
    # when
    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(lambda _n: _tap(item.pk, buyer, barrier), range(20)))
    connections.close_all()
    # then
    assert outcomes.count("won") == 2
    assert outcomes.count("over limit") == 18
    assert _consistent(item) == dict.fromkeys(("sold", "live_orders", "order_lines", "buyer_units", "allocated"), 2)
    assert Order.objects.filter(user=buyer).count() == 2


def test_redis_flushed_in_the_middle_of_a_sale_rebuilds_and_sells_nothing_twice(china):
    # given: 30 units, 60 buyers; half of them buy, then Redis loses the item's counters
    item = make_item(make_event(), quantity=30, limit=1)
    buyers = [make_buyer(china) for _ in range(60)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        first = list(pool.map(lambda user: _tap(item.pk, user), buyers[:20]))
    client = live_redis()
    deleted = client.delete(*admission._keys(item.pk))
    # when: the rest tap at once while the counters are rebuilt from the database
    barrier = threading.Barrier(40)
    with ThreadPoolExecutor(max_workers=40) as pool:
        second = list(pool.map(lambda user: _tap(item.pk, user, barrier), buyers[20:]))
    connections.close_all()
    # then
    assert deleted == 3
    assert first.count("won") == 20
    assert second.count("won") == 10
    assert second.count("sold out") == 30
    assert _consistent(item) == dict.fromkeys(("sold", "live_orders", "order_lines", "buyer_units", "allocated"), 30)
    assert admission.remaining(item_ids=[item.pk]) == {item.pk: 0}


def test_a_unit_whose_order_could_not_be_written_goes_back_on_sale(china):
    # given: one unit; the shop's own stock is gone when the worker writes the first buyer's order
    item = make_item(make_event(), quantity=1, limit=1)
    StockRecord.objects.filter(product=item.product).update(num_in_stock=0)
    first, second = make_buyer(china), make_buyer(china)
    # when: the first buyer wins the tap, the worker (in-process, on the tap's commit) cannot serve it
    outcome = _tap(item.pk, first)
    StockRecord.objects.filter(product=item.product).update(num_in_stock=5)
    # then: the unit was given back to the sale, in the database and in Redis, and the next buyer gets it
    assert outcome == "won"
    assert LiveReservation.objects.get(user=first).reason == "sold_out"
    assert admission.remaining(item_ids=[item.pk]) == {item.pk: 1}
    assert _tap(item.pk, second) == "won"
    assert _consistent(item)["sold"] == 1
    assert Order.objects.get().user == second
    assert settings.LIVE_REDIS_URL


@pytest.mark.parametrize("statements", ["one statement (PostgreSQL)", "three in a transaction (elsewhere)"])
def test_without_redis_the_database_alone_holds_each_buyers_limit_and_the_cap(china, monkeypatch, statements):
    # given: no Redis in front (everyone admitted), 7 units, 2 per buyer
    monkeypatch.setattr(admission, "live_redis", lambda: None)
    if statements.startswith("three"):
        monkeypatch.setattr(services, "_reserve_in_one_statement", services._reserve_in_three)
    item = make_item(make_event(), quantity=7, limit=2)
    buyers = [make_buyer(china) for _ in range(4)]

    def fire(users: list) -> list[str]:
        barrier = threading.Barrier(len(users))
        with ThreadPoolExecutor(max_workers=len(users)) as pool:
            return list(pool.map(lambda user: _tap(item.pk, user, barrier), users))

    # when: three buyers fire 8 taps each at once, then the fourth
    first = fire(buyers[:3] * 8)
    second = fire([buyers[3]] * 8)
    connections.close_all()
    # then
    assert (first.count("won"), first.count("over limit")) == (6, 18)
    assert (second.count("won"), second.count("sold out")) == (1, 7)
    assert sorted(LiveBuyer.objects.filter(item=item).values_list("units", flat=True)) == [1, 2, 2, 2]
    assert _consistent(item) == dict.fromkeys(("sold", "live_orders", "order_lines", "buyer_units", "allocated"), 7)
