"""Notifications survive a dead broker and a killed worker, and are delivered exactly once
(docs/architecture.md, invariant 3). Real PostgreSQL, real Redis, real Celery workers in their own processes;
the workers deliver to files the test reads (tests/faults/backends.py).
"""

import os
import signal
import time
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.urls import reverse
from oscar.test.factories import UserFactory

from config.celery import app
from tests.factories.live import RedisServer
from tests.factories.marketplace import make_order, make_product, make_vendor
from tests.factories.pages import add_to_basket, checkout_to_preview
from tests.faults.backends import delivered
from vendors.notifications.models import Message
from vendors.notifications.tasks import resend_pending_task, send_message_task

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def outbox(tmp_path):
    folder = tmp_path / "outbox"
    folder.mkdir()
    return folder


def _worker_env(outbox, **extra):
    return {
        "VM_TEST_EMAIL_BACKEND": "tests.faults.backends.FolderEmailBackend",
        "SMS_BACKEND": "tests.faults.backends.FolderSmsBackend",
        "VM_TEST_OUTBOX_DIR": str(outbox),
        **extra,
    }


def _wait_until(condition, *, timeout=90, what="", log=None):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; statuses {_statuses()}\n{log.read_text() if log else ''}")
        time.sleep(0.1)


def _statuses():
    return sorted(Message.objects.values_list("status", flat=True))


def _sends_done(worker) -> int:
    """How many send_message_task runs the worker finished (whether it sent or found nothing to send)."""
    return sum(
        "send_message_task[" in line and "succeeded in" in line for line in worker.log_path.read_text().splitlines()
    )


def _recipients(outbox):
    return sorted(
        [mail["to"][0] for mail in delivered(outbox, "mail.jsonl")]
        + [sms["to"] for sms in delivered(outbox, "sms.jsonl")]
    )


@pytest.fixture
def shop_with_two_vendors(transactional_db, china):
    (vendor_a, user_a), (vendor_b, user_b) = make_vendor("临县王家庄村合作社"), make_vendor("沁源县李家沟家庭农场")
    user_a.email, user_b.email = "wang@example.com", "li@example.com"
    user_a.save(), user_b.save()
    return make_product(vendor_a, title="临县红枣 特级"), make_product(vendor_b, title="沁州黄小米", price="25.00")


EXPECTED = sorted(
    ["buyer@example.com", "+8613912345678", "wang@example.com", "li@example.com", "+8613800000001", "+8613800000001"]
)


def _place_order(products, china):
    dates, millet = products
    with transaction.atomic():
        return make_order(UserFactory(email="buyer@example.com"), [(dates, 1), (millet, 2)], china=china)


def test_an_order_s_messages_are_delivered_once_through_redis_and_a_worker_even_when_enqueued_twice(
    celery_workers, outbox, shop_with_two_vendors, china
):
    # given
    worker = celery_workers(**_worker_env(outbox))
    # when: the order commits (its messages are enqueued on commit) ...
    _place_order(shop_with_two_vendors, china)
    # ... and every message is enqueued a second time (a retry, the sweep)
    for pk in Message.objects.values_list("pk", flat=True):
        send_message_task.delay(pk)
    # then
    _wait_until(lambda: _sends_done(worker) == 12, what="12 tasks done", log=worker.log_path)
    assert _statuses() == ["sent"] * 6
    assert _recipients(outbox) == EXPECTED
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}


@contextmanager
def _web_broker(url: str):
    """This process (the web side) publishes tasks to ``url``."""
    previous = app.conf.broker_url

    def reset():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url = url
    reset()
    try:
        yield
    finally:
        app.conf.broker_url = previous
        reset()


@pytest.mark.parametrize("fault", ["dead", "hung"])
def test_with_the_broker_down_the_order_is_placed_and_its_messages_are_delivered_once_when_it_is_back(
    fault, celery_workers, outbox, shop_with_two_vendors, django_app, settings
):
    # given: the web side's broker is a redis-server of its own, which dies or hangs (SIGSTOP:
    # it accepts connections and answers nothing)
    redis = RedisServer().start()
    broker_url = redis.url
    dates, millet = shop_with_two_vendors
    with _web_broker(broker_url):
        if fault == "dead":
            redis.kill()
        else:
            redis.freeze()
        add_to_basket(django_app, dates, "1")
        add_to_basket(django_app, millet, "2")
        preview = checkout_to_preview(django_app)
        # when: a guest places the order
        started = time.monotonic()
        page = preview.forms["place_order_form"].submit().maybe_follow()
        took = time.monotonic() - started
        # then: the confirmation page; the messages wait in the outbox
        assert page.request.path == reverse("checkout:thank-you")
        assert took < 1  # one publish attempt of 0.3 s at most, never a retry
        assert _statuses() == ["pending"] * 6
        # when: Redis is back, a worker runs and the sweep runs
        if fault == "dead":
            redis.start()
        else:
            redis.thaw()
        try:
            worker = celery_workers(CELERY_BROKER_URL=broker_url, **_worker_env(outbox))
            settings.NOTIFICATION_RESEND_AFTER_SECONDS = 0
            swept = resend_pending_task()
            # then: each message is delivered once (a hung broker may still deliver the publish that
            # timed out once it wakes: that task finds its message already sent and sends nothing)
            _wait_until(lambda: _statuses() == ["sent"] * 6, what="all sent")
            _wait_until(lambda: _sends_done(worker) >= 6, what="6 tasks done")
        finally:
            redis.kill()
    assert swept == 6
    assert _recipients(outbox) == sorted(
        [
            "buyer@example.com",
            "+8613812345678",
            "wang@example.com",
            "li@example.com",
            "+8613800000001",
            "+8613800000001",
        ]
    )
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}


def test_a_message_whose_worker_is_killed_while_sending_is_delivered_once_by_a_new_worker(
    celery_workers, outbox, shop_with_two_vendors, china, settings
):
    # given: delivery hangs, and a worker takes the first message
    (outbox / "block").touch()
    first = celery_workers(**_worker_env(outbox))
    _place_order(shop_with_two_vendors, china)
    _wait_until(lambda: Message.objects.filter(status="sending").exists(), what="a message being sent")
    stuck = Message.objects.get(status="sending")
    # when: the worker is killed in the middle of the send, and a new one starts
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    (outbox / "block").unlink()
    second = celery_workers(NOTIFICATION_RESEND_AFTER_SECONDS="2", **_worker_env(outbox))
    _wait_until(lambda: Message.objects.filter(status="sent").count() == 5, what="the other five sent")
    # ... and after the resend delay, the sweep runs
    settings.NOTIFICATION_RESEND_AFTER_SECONDS = 2
    time.sleep(2.1)
    swept = resend_pending_task()
    # then
    _wait_until(lambda: _statuses() == ["sent"] * 6, what="all sent")
    _wait_until(lambda: _sends_done(second) == 6, what="the second worker's 6 tasks done")
    stuck.refresh_from_db()
    assert swept == 1
    assert (stuck.status, stuck.attempts) == ("sent", 2)
    assert _recipients(outbox) == EXPECTED
