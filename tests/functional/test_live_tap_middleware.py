"""A tap of 抢购 answered before the session and authentication middleware (vendors.web.live.middleware,
shop.core.sessions): the buyer read from her session in Redis with Django's own checks, Django's CSRF check,
and the view's answers; a loser costs no database query."""

import psycopg
import pytest
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import close_old_connections, connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.test.factories import UserFactory

from tests.factories.live_sales import make_buyer, make_event, make_item
from vendors.live.models import LiveReservation
from vendors.live.selectors import live_item_offer

pytestmark = [pytest.mark.redis]


@pytest.fixture
def item(china):
    return make_item(make_event(), title="临县红枣 特级", price="39.90", live_price="29.90", quantity=1, limit=1)


def tap_url(item) -> str:
    return f"/live/{item.event.slug}/items/{item.pk}/snap/"


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def told(response) -> list[str]:
    """The messages the answer left in the messages cookie."""
    request = type("Request", (), {"COOKIES": {name: m.value for name, m in response.cookies.items()}})()
    return [str(message) for message in CookieStorage(request)]


def test_a_winners_tap_is_answered_before_the_session_and_user_middleware(china, item):
    # given
    buyer = make_buyer(china)
    client = signed_in(buyer)
    # when
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(tap_url(item))
    # then: her won page, no session or user loaded by the chain: the item's offer (then kept), her password's
    # hash (then kept), the item's counters for Redis (the sale's first tap), the tap's statement
    reservation = LiveReservation.objects.get(item=item)
    assert answer.status_code == 302 and answer.url == f"/live/{item.event.slug}/snapped/{reservation.pk}/"
    assert reservation.user == buyer
    assert not hasattr(answer.wsgi_request, "session") and not hasattr(answer.wsgi_request, "user")
    # (in tests the worker writes the order in the same request, after the tap's statement)
    statements = [q["sql"].lstrip() for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    tap = next(n for n, sql in enumerate(statements) if sql.startswith("WITH took AS"))
    assert [sql.split(" FROM ", 1)[1].split()[0] for sql in statements[:tap]] == [
        '"live_liveitem"',
        '"auth_user"',
        '"live_liveitem"',
        '"live_livebuyer"',
    ]


def test_the_losers_of_a_crowd_cost_no_database_query(china, item):
    # given: the only unit is gone; three more buyers have tapped something else before (their sessions checked)
    signed_in(make_buyer(china)).post(tap_url(item))
    late = [signed_in(make_buyer(china)) for _ in range(3)]
    other = make_item(item.event, quantity=5, limit=5)
    for client in late:
        client.post(tap_url(other))
    # when
    with CaptureQueriesContext(connection) as queries:
        answers = [client.post(tap_url(item)) for client in late]
    # then: the event page with the view's message, in Chinese (Redis said so for the first, this process's
    # memory of it for the others)
    assert queries.captured_queries == []
    for answer in answers:
        assert answer.status_code == 302 and answer.url == f"/live/{item.event.slug}/"
        assert told(answer) == ["已抢光！这件商品已被抢购一空。"]
    assert LiveReservation.objects.filter(item=item).count() == 1


def test_over_the_limit_is_told_in_her_language_with_what_she_holds(china):
    # given: she holds the one unit she may have, and reads the site in English
    item = make_item(make_event(), quantity=5, limit=1)
    client = signed_in(make_buyer(china))
    client.post(tap_url(item))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(tap_url(item))
    # then
    assert queries.captured_queries == []
    assert told(answer) == ["Limit of 1 per buyer: you have snapped up 1 already."]


def test_a_tap_without_the_csrf_token_is_refused_by_the_chain(china, item):
    # given
    client = signed_in(make_buyer(china), enforce_csrf_checks=True)
    # when
    answer = client.post(tap_url(item))
    # then
    assert answer.status_code == 403
    assert not LiveReservation.objects.exists()


def test_a_tap_with_the_token_of_her_page_wins(china, item):
    # given: the token her event page gave her
    client = signed_in(make_buyer(china), enforce_csrf_checks=True)
    client.get(f"/live/{item.event.slug}/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    # when
    answer = client.post(tap_url(item), {"csrfmiddlewaretoken": token})
    # then
    assert answer.status_code == 302 and "/snapped/" in answer.url


@pytest.mark.parametrize("change", ["password", "deactivated"])
def test_a_session_whose_password_changed_elsewhere_or_whose_account_is_off_is_signed_out(
    china, item, change, django_capture_on_commit_callbacks
):
    # given: she tapped once (her hash is kept), then her password changes on another phone, or an admin
    # deactivates her account
    buyer = make_buyer(china)
    client = signed_in(buyer)
    other = make_item(item.event, quantity=5, limit=5)
    client.post(tap_url(other))
    if change == "password":
        buyer.set_password("a-new-password-2026")
    else:
        buyer.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        buyer.save()
    # when
    answer = client.post(tap_url(item))
    # then: the chain signs her out and sends her to sign in; nothing is taken
    assert answer.status_code == 302 and answer.url.startswith("/accounts/login/")
    assert not LiveReservation.objects.filter(item=item).exists()


def test_a_buyer_without_an_address_is_sent_by_the_view_to_add_one(china, item):
    # given
    client = signed_in(make_buyer(china))
    buyer_without = signed_in(UserFactory())
    # when
    answer = buyer_without.post(tap_url(item))
    # then: the view's answer, which remembers where she was (her session)
    assert answer.status_code == 302 and answer.url == "/accounts/addresses/add/"
    assert hasattr(answer.wsgi_request, "session")
    assert client.post(tap_url(item)).url.startswith(f"/live/{item.event.slug}/snapped/")


def test_a_tap_skips_the_connection_health_check(china, item, monkeypatch):
    # given: a request's first query would ask PostgreSQL whether the connection still works
    client = signed_in(make_buyer(china))
    client.post(tap_url(make_item(item.event, quantity=5, limit=5)))  # her hash and the counters kept
    live_item_offer(item_id=item.pk)  # the item's offer kept, as during a sale
    checked = []
    monkeypatch.setattr(type(connections["default"]), "is_usable", lambda self: checked.append(True) or True)
    connection.health_check_enabled, connection.health_check_done = True, False
    # when
    answer = client.post(tap_url(item))
    # then: won, without the check's round trip
    assert "/snapped/" in answer.url
    assert checked == []


def test_a_tap_on_a_connection_that_died_while_idle_is_asked_to_tap_again(
    transactional_db, django_db_serialized_rollback, china, item
):
    # given: PostgreSQL ended her thread's connection while it waited for the next request
    client = signed_in(make_buyer(china))
    client.post(tap_url(make_item(item.event, quantity=5, limit=5)))
    live_item_offer(item_id=item.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    # when
    answer = client.post(tap_url(item))
    # then: a clean answer in Chinese, nothing taken; the connection is closed when the request ends (as
    # gunicorn's request does) and her next tap wins the unit that Redis was given back
    assert answer.status_code == 302 and answer.url == f"/live/{item.event.slug}/"
    assert told(answer) == ["抢购的人太多，这次没挤进去，也没有下单，请再点一次。"]
    close_old_connections()
    assert not LiveReservation.objects.filter(item=item).exists()
    assert "/snapped/" in client.post(tap_url(item)).url
