"""The shop keeps selling when Redis fails (README "When Redis fails").

The site runs under gunicorn in its own process with cache, sessions and broker on one
redis-server of the test's own (the worst case: production should give the broker its own
Redis), which is killed (dead) or SIGSTOPped (hung: connections are accepted, nothing answers).
Rules checked: every page a buyer needs to order answers normally within a second (the
alternative is redis-py's 5 s socket timeout, or a 500); the order is placed; a signed-in buyer
stays signed in across a Redis restart (sessions are in the database). The first requests are
made with Redis up, so that the timings below do not include the site's start-up.
"""

import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from webtest import TestApp

from shop.order.models import Order
from tests.factories.live import LiveSite, RedisServer, RemoteSite
from tests.factories.marketplace import make_product, make_vendor
from tests.factories.pages import add_to_basket, checkout_to_preview

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

User = get_user_model()

# Seconds during which the site does not try Redis again after a failure (production: 5).
RETRY_AFTER = 1


@pytest.fixture
def own_redis():
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def site(django_db_serialized_rollback, transactional_db, own_redis, tmp_path):
    """The site under gunicorn on ``own_redis``, against the test database (serialized rollback, as
    for the Celery workers: the migrations' rows are back for the tests that follow)."""
    live = LiveSite(own_redis.url, tmp_path / "gunicorn.log", CACHE_REDIS_RETRY_AFTER=str(RETRY_AFTER))
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def dates(china):
    vendor, _ = make_vendor("临县王家庄村合作社")
    return make_product(vendor, title="临县红枣 特级", stock=100)


def _place_order(app, product):
    """A guest's cash-on-delivery order, from the catalogue to the thank-you page."""
    assert app.get("/catalogue/").status_code == 200
    assert app.get(product.get_absolute_url()).status_code == 200
    add_to_basket(app, product, "2")
    assert app.get(reverse("basket:summary")).status_code == 200
    preview = checkout_to_preview(app)
    return preview.forms["place_order_form"].submit().maybe_follow()


@pytest.mark.parametrize("fault", ["dead", "hung"])
def test_with_redis_dead_or_hung_a_buyer_browses_and_orders_each_page_within_a_second(fault, site, own_redis, dates):
    # given: the site has served a whole order with Redis up
    remote = RemoteSite(site.port)
    app = TestApp(remote)
    _place_order(app, dates)
    # when: Redis fails and a buyer browses and orders
    own_redis.kill() if fault == "dead" else own_redis.freeze()
    remote.timings.clear()
    thank_you = _place_order(TestApp(remote), dates)
    # then: the order is placed and confirmed; no page was an error or waited a second
    assert thank_you.request.path == reverse("checkout:thank-you")
    order = Order.objects.order_by("-pk").first()
    assert Order.objects.count() == 2
    assert order.number in thank_you.text
    assert {timing.status for timing in remote.timings} <= {200, 302}
    assert [t for t in remote.timings if t.seconds >= 1.0] == [], site.log_path.read_text()
    assert len(remote.timings) >= 10


def test_a_signed_in_buyer_stays_signed_in_while_redis_is_down_and_after_it_restarts(site, own_redis):
    # given: a buyer signed in
    User.objects.create_user(username="buyer", email="buyer@example.com", password="s3cret-2026")
    app = TestApp(RemoteSite(site.port))
    form = app.get("/accounts/login/").forms["login_form"]
    form["login-username"], form["login-password"] = "buyer@example.com", "s3cret-2026"
    assert form.submit(name="login_submit").status_code == 302
    assert app.get(reverse("customer:profile-view")).status_code == 200
    # when: Redis dies
    own_redis.kill()
    # then: still signed in (the session is read from the database)
    assert app.get(reverse("customer:profile-view")).status_code == 200
    # when: Redis starts again, empty, and the site uses it again
    own_redis.start()
    time.sleep(RETRY_AFTER + 0.2)
    # then: still signed in, not sent to the login page
    profile = app.get(reverse("customer:profile-view"))
    assert profile.status_code == 200
    assert "buyer@example.com" in profile.text
