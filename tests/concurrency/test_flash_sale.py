"""A flash sale through a real server: 50 guests in parallel for the last 10 units of one product.

Each buyer has its own cookie session and goes through the real pages up to the order
preview; then all 50 post "place order" at the same moment. Vanilla Oscar oversells here
(docs/oscar-pitfalls.md #1, 17): its only check is a read before an unconditional allocation.
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db.models import Sum

from shop.basket.models import Basket
from shop.order.models import Line, Order
from shop.partner.models import StockRecord
from tests.concurrency.shopper import Shopper, add_to_basket, checkout_to_preview, place_order
from tests.factories.marketplace import make_product, make_vendor

BUYERS = 50
UNITS = 10
TITLE = "临县红枣 直播特价"
SOLD_OUT = f"抱歉，“{TITLE}”库存不够了"
UNAVAILABLE = f"“{TITLE}”已无法购买"


SERVER_ERROR_MARKS = ("[ERROR]", "[CRITICAL]", "Internal Server Error")


def _server_errors(log: str) -> list[str]:
    """Tracebacks, errors and "Internal Server Error" lines of the server's log (a sold-out buyer is not one)."""
    return [
        line
        for line in log.splitlines()
        if line.startswith("Traceback")
        or any(mark in line for mark in ("[ERROR]", "[CRITICAL]", "Internal Server Error"))
    ]


def _outcome(page) -> str:
    text = page.text()
    if page.path == "/checkout/thank-you/":
        return "ordered"
    if SOLD_OUT in text or UNAVAILABLE in text:
        return "sold out"
    return f"unexpected {page.status} {page.path}: {text[:500]}"


@pytest.mark.postgres
@pytest.mark.redis
def test_fifty_buyers_for_ten_units_get_ten_orders_and_forty_clean_sold_out_answers(live_gunicorn, china):
    # given: one product with exactly 10 units; 50 guests each at the order preview with it in the basket
    vendor, _user = make_vendor("王家庄红枣合作社")
    product = make_product(vendor, title=TITLE, stock=UNITS)
    shoppers = [Shopper(base_url=live_gunicorn.base_url) for _ in range(BUYERS)]

    def prepare(index: int):
        add_to_basket(shoppers[index], product_pk=product.pk)
        return checkout_to_preview(shoppers[index], email=f"buyer{index}@example.com")

    # The first buyer alone: the product's thumbnails exist before a sale opens (sorl-thumbnail
    # logs an error when processes race to make the first thumbnail of a fresh image).
    previews = [prepare(0)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        previews += pool.map(prepare, range(1, BUYERS))
    start = threading.Barrier(BUYERS)

    def buy(index: int):
        start.wait(timeout=30)
        return _outcome(place_order(shoppers[index], previews[index]))

    # when: all 50 place their order at once
    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        outcomes = list(pool.map(buy, range(BUYERS)))
    # then
    assert sorted(outcomes) == ["ordered"] * UNITS + ["sold out"] * (BUYERS - UNITS)
    assert [status for shopper in shoppers for status in shopper.statuses if status >= 500] == []
    assert Order.objects.count() == UNITS
    assert Line.objects.filter(product=product).aggregate(units=Sum("quantity")) == {"units": UNITS}
    record = StockRecord.objects.get(product=product)
    assert (record.num_in_stock, record.num_allocated) == (UNITS, UNITS)
    baskets = Counter(Basket.objects.values_list("status", flat=True))
    assert baskets == {"Open": BUYERS - UNITS, "Submitted": UNITS}  # the losers keep their basket
    assert _server_errors(live_gunicorn.log_path.read_text()) == []


@pytest.mark.postgres
@pytest.mark.redis
def test_a_place_order_form_posted_twice_at_once_gives_one_order(live_gunicorn, china):
    """A double click (or a retried request): two parallel POSTs of one buyer's preview (docs/oscar-pitfalls.md #7)."""
    # given
    vendor, _user = make_vendor("王家庄红枣合作社")
    product = make_product(vendor, title=TITLE, stock=UNITS)
    shopper = Shopper(base_url=live_gunicorn.base_url)
    add_to_basket(shopper, product_pk=product.pk)
    preview = checkout_to_preview(shopper, email="buyer@example.com")
    start = threading.Barrier(2)

    def click(_index: int):
        start.wait(timeout=30)
        return place_order(shopper, preview)

    # when
    with ThreadPoolExecutor(max_workers=2) as pool:
        pages = list(pool.map(click, range(2)))
    # then
    assert [status for status in shopper.statuses if status >= 500] == []
    assert "/checkout/thank-you/" in [page.path for page in pages]
    assert Order.objects.count() == 1
    assert StockRecord.objects.filter(product=product).values_list("num_in_stock", "num_allocated").get() == (
        UNITS,
        1,
    )
    assert _server_errors(live_gunicorn.log_path.read_text()) == []
