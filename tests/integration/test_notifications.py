"""The notification outbox (vendors.notifications): written with the order, sent once after commit,
retried, failed and visible to admins, retried from the dashboard; texts in Chinese and English.

Tasks run in-process (eager) here; tests/faults/ runs them through Redis and a real worker.
"""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from oscar.apps.customer.models import ProductAlert
from oscar.test.factories import ShippingEventFactory, UserFactory

from shop.customer.tasks import send_product_alerts_task
from shop.partner.models import StockRecord
from tests.factories.marketplace import make_order, make_product, make_vendor
from tests.faults.backends import RecordingSmsBackend
from vendors.models import OrderPart, Shipment, Vendor
from vendors.notifications.models import Message
from vendors.notifications.sending import message_send, messages_due
from vendors.notifications.services import (
    _enqueue,
    notify_low_stock,
    notify_order_placed,
    notify_parcel_shipped,
)
from vendors.notifications.tasks import resend_pending_task, send_message_task, send_messages_task
from vendors.onboarding.services import vendor_reject

BUYER_EMAIL = "buyer-secret@example.com"
BUYER_MOBILE = "+8613912345678"
VENDOR_MOBILE = "+8613800000001"


@pytest.fixture(autouse=True)
def _recorded_sms(settings):
    settings.SMS_BACKEND = "tests.faults.backends.RecordingSmsBackend"
    RecordingSmsBackend.sent = []


@pytest.fixture
def two_vendors(db):
    (vendor_a, user_a), (vendor_b, user_b) = make_vendor("临县王家庄村合作社"), make_vendor("沁源县李家沟家庭农场")
    user_a.email, user_b.email = "wang@example.com", "li@example.com"
    user_a.save(), user_b.save()
    dates = make_product(vendor_a, title="临县红枣 特级", price="39.90")
    millet = make_product(vendor_b, title="沁州黄小米", price="25.00")
    return vendor_a, vendor_b, dates, millet


@pytest.fixture
def customer(db):
    return UserFactory(email=BUYER_EMAIL)


def _place(customer, two_vendors, china):
    _vendor_a, _vendor_b, dates, millet = two_vendors
    return make_order(customer, [(dates, 2), (millet, 1)], china=china)


def _rows():
    return sorted(
        (m.kind, m.channel, m.recipient, m.language, m.status, m.attempts) for m in Message.objects.order_by("pk")
    )


# Writing ------------------------------------------------------------------------------------


def test_placing_an_order_writes_its_messages_in_the_order_transaction(
    customer, two_vendors, china, django_capture_on_commit_callbacks
):
    # given
    vendor_a, vendor_b, _dates, _millet = two_vendors
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = _place(customer, two_vendors, china)
    # then: nothing is sent before commit, one callback enqueues them all
    assert _rows() == [
        ("order_placed", "email", BUYER_EMAIL, "zh-hans", "pending", 0),
        ("order_placed", "sms", BUYER_MOBILE, "zh-hans", "pending", 0),
        ("vendor_new_order", "email", "li@example.com", "zh-hans", "pending", 0),
        ("vendor_new_order", "email", "wang@example.com", "zh-hans", "pending", 0),
        ("vendor_new_order", "sms", VENDOR_MOBILE, "zh-hans", "pending", 0),
        ("vendor_new_order", "sms", VENDOR_MOBILE, "zh-hans", "pending", 0),
    ]
    parts = {part.vendor_id: part.pk for part in OrderPart.objects.filter(order=order)}
    assert sorted(Message.objects.filter(kind="vendor_new_order").values_list("vendor_id", "part_id")) == sorted(
        [(vendor_a.pk, parts[vendor_a.pk])] * 2 + [(vendor_b.pk, parts[vendor_b.pk])] * 2
    )
    assert set(Message.objects.values_list("order_id", flat=True)) == {order.pk}
    assert len([c for c in callbacks if getattr(c, "func", None) is _enqueue]) == 1
    assert mail.outbox == []
    assert RecordingSmsBackend.sent == []


def test_no_message_is_left_when_the_order_transaction_rolls_back(
    customer, two_vendors, china, django_capture_on_commit_callbacks
):
    # given
    class Refused(Exception):
        pass

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Refused):
        with transaction.atomic():
            _place(customer, two_vendors, china)
            raise Refused
    # then
    assert Message.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_notify_order_placed_costs_two_statements(customer, two_vendors, china, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=False):
        order = _place(customer, two_vendors, china)
    Message.objects.all().delete()
    parts = list(OrderPart.objects.filter(order=order).select_related("vendor"))
    order.shipping_address  # noqa: B018  (loaded, as the order creator has it)
    order.user  # noqa: B018
    # when
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=False):
        notify_order_placed(order=order, parts=parts, language="zh-hans")
    # then: the vendors' users' e-mail addresses, one INSERT of the six messages
    assert len(queries) == 2
    assert queries[1]["sql"].startswith('INSERT INTO "notifications_message"')
    assert Message.objects.count() == 6


def test_writing_the_same_notification_twice_is_a_no_op(
    customer, two_vendors, china, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        order = _place(customer, two_vendors, china)
    before = list(Message.objects.order_by("pk").values_list("pk", "status", "attempts", "sent_at"))
    parts = list(OrderPart.objects.filter(order=order).select_related("vendor"))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify_order_placed(order=order, parts=parts, language="en")
    # then: same rows, nothing sent again
    assert list(Message.objects.order_by("pk").values_list("pk", "status", "attempts", "sent_at")) == before
    assert [status for _pk, status, _attempts, _sent in before] == ["sent"] * 6
    assert len(mail.outbox) == 3
    assert len(RecordingSmsBackend.sent) == 3


# Sending and rendering ----------------------------------------------------------------------


def test_after_commit_each_message_is_sent_once_in_chinese(
    customer, two_vendors, china, django_capture_on_commit_callbacks, settings
):
    # given
    settings.SITE_URL = "https://shop.example.com"
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order = _place(customer, two_vendors, china)
    # then
    assert {status for _k, _c, _r, _l, status, _a in _rows()} == {"sent"}
    assert {attempts for _k, _c, _r, _l, _s, attempts in _rows()} == {1}
    mails = {m.to[0]: m for m in mail.outbox}
    assert sorted(mails) == ["buyer-secret@example.com", "li@example.com", "wang@example.com"]
    number = order.number
    assert mails[BUYER_EMAIL].subject == f"您的订单 {number} 已确认"
    assert mails[BUYER_EMAIL].body == (
        f"感谢您的订单 {number}。每家乡村店铺各自发出自己的包裹，每个包裹发出时我们都会通知您。\n\n"
        "- 临县红枣 特级 × 2  ¥79.80\n"
        "- 沁州黄小米 × 1  ¥25.00\n\n"
        f"运费：{_money(order.shipping_incl_tax)}\n"
        f"订单总额：{_money(order.total_incl_tax)}\n"
        "每个包裹分别由送货的快递员收款：\n"
        "- 临县王家庄村合作社: ¥79.80\n"
        "- 沁源县李家沟家庭农场: ¥25.00\n"
        "收货地址：李建国 139 1234 5678, 山西省吕梁市离石区滨河北西路 18 号\n\n"
        f"查看订单：https://shop.example.com/accounts/orders/{number}/\n\n"
        "乡村集市\n"
    )
    assert mails["wang@example.com"].subject == f"新订单 {number} 待发货"
    assert mails["wang@example.com"].body == (
        f"临县王家庄村合作社：您有一个新订单 {number}。请发出以下商品：\n\n"
        "- 临县红枣 特级 × 2  ¥79.80\n\n"
        "商品金额：¥79.80\n"
        f"运费：{_money(OrderPart.objects.get(order=order, vendor=two_vendors[0]).shipping_charge)}\n"
        "收货地址：李建国 139 1234 5678, 山西省吕梁市离石区滨河北西路 18 号\n\n"
        f"在卖家中心标记发货：https://shop.example.com/seller/orders/{number}/\n\n"
        "乡村集市\n"
    )
    assert "临县红枣" not in mails["li@example.com"].body
    assert "- 沁州黄小米 × 1  ¥25.00\n" in mails["li@example.com"].body
    assert sorted(RecordingSmsBackend.sent) == [
        (VENDOR_MOBILE, f"【乡村集市】新订单 {number}（1 种商品）待发货，详情请看卖家中心。"),
        (VENDOR_MOBILE, f"【乡村集市】新订单 {number}（1 种商品）待发货，详情请看卖家中心。"),
        (
            BUYER_MOBILE,
            f"【乡村集市】您的订单 {number}（{_money(order.total_incl_tax)}）已确认。每个包裹发出时我们会短信通知您。"
            "各包裹货到付款：临县王家庄村合作社 ¥79.80；沁源县李家沟家庭农场 ¥25.00",
        ),
    ]


def _money(amount) -> str:
    return f"¥{amount:,.2f}"


def test_a_buyer_who_ordered_in_english_gets_english_messages_and_the_vendor_chinese(
    customer, two_vendors, china, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        order = _place(customer, two_vendors, china)
    # then
    mails = {m.to[0]: m for m in mail.outbox}
    assert mails[BUYER_EMAIL].subject == f"Your order {order.number} is confirmed"
    assert mails[BUYER_EMAIL].body.startswith(
        f"Thank you for your order {order.number}. Each village shop ships its own parcel;"
    )
    assert "Ship to: 李建国 139 1234 5678, 山西省吕梁市离石区滨河北西路 18 号\n" in mails[BUYER_EMAIL].body
    assert mails["wang@example.com"].subject == f"新订单 {order.number} 待发货"


def test_the_parcel_shipped_message_reuses_the_language_of_the_order(
    customer, two_vendors, china, django_capture_on_commit_callbacks
):
    # given
    vendor_a = two_vendors[0]
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        order = _place(customer, two_vendors, china)
    mail.outbox.clear()
    RecordingSmsBackend.sent = []
    shipment = Shipment.objects.create(
        event=ShippingEventFactory(order=order), vendor=vendor_a, carrier="sf", tracking_number="SF1234567890"
    )
    # when (in a Chinese request: the vendor's)
    with django_capture_on_commit_callbacks(execute=True), translation.override("zh-hans"):
        notify_parcel_shipped(shipment=shipment)
    # then
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([BUYER_EMAIL], f"Your parcel from 临县王家庄村合作社 has shipped (order {order.number})")
    ]
    assert "Carrier: 顺丰速运\nTracking number: SF1234567890\n" in mail.outbox[0].body
    assert RecordingSmsBackend.sent == [
        (
            BUYER_MOBILE,
            f"【乡村集市】Your parcel from 临县王家庄村合作社 (order {order.number}) has shipped: "
            "顺丰速运 SF1234567890.",
        )
    ]


def test_running_the_send_task_twice_sends_one_email(customer, two_vendors, china, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=False):
        _place(customer, two_vendors, china)
    message = Message.objects.get(kind="order_placed", channel="email")
    # when
    send_message_task.apply(args=[message.pk])
    send_message_task.apply(args=[message.pk])
    # then
    assert [m.to for m in mail.outbox] == [[BUYER_EMAIL]]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)


def test_a_failing_backend_is_retried_then_failed_and_an_admin_retries_it_from_the_dashboard(
    customer, two_vendors, china, django_capture_on_commit_callbacks, settings, django_app
):
    # given: SMTP and the SMS gateway are down
    settings.EMAIL_BACKEND = "tests.faults.backends.DownEmailBackend"
    settings.SMS_BACKEND = "tests.faults.backends.DownSmsBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    admin = UserFactory(is_staff=True)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order = _place(customer, two_vendors, china)
    # then: three attempts each, then failed with the error
    assert {(m.status, m.attempts, m.last_error) for m in Message.objects.all()} == {
        ("failed", 3, "ConnectionRefusedError: SMTP server down"),
        ("failed", 3, "ConnectionRefusedError: SMS gateway down"),
    }
    page = django_app.get(reverse("notifications_dashboard:list"), user=admin)
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.html.select("#message_table tbody tr")
    ]
    assert len(rows) == 6
    buyer = Message.objects.get(kind="order_placed", channel="email")
    assert page.html.select_one(f"#message_{buyer.pk}") is not None
    assert rows[[r[1] for r in rows].index(f"电子邮件: {BUYER_EMAIL}")][:4] == [
        f"订单确认（买家） ({order.number})",
        f"电子邮件: {BUYER_EMAIL}",
        "3",
        "ConnectionRefusedError: SMTP server down",
    ]
    # when: SMTP is back and the admin retries the buyer's e-mail
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        answer = page.forms[f"retry_form_{buyer.pk}"].submit().follow()
    # then: sent once; the others stay failed
    assert [m.to for m in mail.outbox] == [[BUYER_EMAIL]]
    buyer.refresh_from_db()
    assert (buyer.status, buyer.attempts) == ("sent", 1)
    assert Message.objects.filter(status="failed").count() == 5
    assert len(answer.html.select("#message_table tbody tr")) == 5
    # when: a second retry of the same message (a double click)
    with django_capture_on_commit_callbacks(execute=True):
        page.forms[f"retry_form_{buyer.pk}"].submit().follow()
    # then: nothing more is sent
    assert len(mail.outbox) == 1
    # when: retry all failed
    settings.SMS_BACKEND = "tests.faults.backends.RecordingSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        answer.forms["retry_all_form"].submit().follow()
    # then
    assert Message.objects.filter(status="sent").count() == 6
    assert len(mail.outbox) == 3
    assert len(RecordingSmsBackend.sent) == 3


def test_the_notifications_dashboard_refuses_vendors_and_consumers(customer, django_app_factory, two_vendors, china):
    # given
    _vendor, vendor_user = make_vendor("临县张家沟合作社")
    with transaction.atomic():
        _place(customer, two_vendors, china)
    message = Message.objects.first()
    Message.objects.update(status="failed")
    django_app = django_app_factory(csrf_checks=False)
    # when
    answers = []
    for user in (vendor_user, customer):
        answers.append(
            django_app.get(reverse("notifications_dashboard:list"), user=user, expect_errors=True).status_code
        )
        for url in (
            reverse("notifications_dashboard:retry", args=[message.pk]),
            reverse("notifications_dashboard:retry-all"),
        ):
            answers.append(django_app.post(url, user=user, expect_errors=True).status_code)
    anonymous = django_app_factory().get(reverse("notifications_dashboard:list"), expect_errors=True)
    # then
    assert answers == [403] * 6
    assert anonymous.status_code == 302
    assert set(Message.objects.values_list("status", flat=True)) == {"failed"}


def test_the_sweep_enqueues_overdue_pending_and_stale_sending_messages_only(
    customer, two_vendors, china, settings, django_capture_on_commit_callbacks
):
    # given
    settings.NOTIFICATION_RESEND_AFTER_SECONDS = 120
    with django_capture_on_commit_callbacks(execute=False):
        _place(customer, two_vendors, china)
    long_ago = timezone.now() - timedelta(seconds=300)
    pks = list(Message.objects.order_by("pk").values_list("pk", flat=True))
    Message.objects.filter(pk=pks[0]).update(created_at=long_ago)  # its task was lost
    Message.objects.filter(pk=pks[1]).update(status="sending", claimed_at=long_ago)  # its worker died
    Message.objects.filter(pk=pks[2]).update(status="sending", claimed_at=timezone.now())  # being sent now
    Message.objects.filter(pk=pks[3]).update(created_at=long_ago, next_attempt_at=timezone.now())  # retry due later
    # when
    due = messages_due()
    sent = resend_pending_task.apply().get()
    # then
    assert due == [pks[0], pks[1]]
    assert sent == 2
    assert list(Message.objects.order_by("pk").values_list("status", flat=True)) == [
        "sent",
        "sent",
        "sending",
        "pending",
        "pending",
        "pending",
    ]


# Vendors' messages ---------------------------------------------------------------------------


def test_a_vendor_decision_is_still_mailed_to_the_applicant(db, django_capture_on_commit_callbacks):
    # given
    applicant = UserFactory(email="farmer@example.com")
    vendor = Vendor.objects.create(
        applicant=applicant,
        slug="wang",
        name="临县王家庄村合作社",
        contact_name="王秀英",
        contact_phone="13800000001",
        county="临县",
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        vendor_reject(vendor=vendor, rejected_by=UserFactory(is_staff=True), reason="营业执照不清晰")
    # then
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["farmer@example.com"], "【乡村集市】您的店铺申请未通过：临县王家庄村合作社")
    ]
    assert mail.outbox[0].body == (
        "王秀英，您好：\n\n"
        "很抱歉，您申请的店铺“临县王家庄村合作社”未通过审核。\n"
        "原因：营业执照不清晰\n"
        "您可以修改资料后重新提交申请。\n\n"
        "乡村集市\n"
    )
    assert RecordingSmsBackend.sent == [(VENDOR_MOBILE, "【乡村集市】您的店铺申请未通过：临县王家庄村合作社")]
    assert list(Message.objects.values_list("kind", "status")) == [("vendor_decision", "sent")] * 2


def test_low_stock_tells_the_vendor_once_a_day(two_vendors, django_capture_on_commit_callbacks):
    # given
    vendor_a, _vendor_b, dates, _millet = two_vendors
    record = StockRecord.objects.get(product=dates)
    StockRecord.objects.filter(pk=record.pk).update(num_in_stock=3, low_stock_threshold=5)
    record.refresh_from_db()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify_low_stock(stockrecord=record)
        notify_low_stock(stockrecord=record)
    # then
    assert [(m.to, m.subject) for m in mail.outbox] == [(["wang@example.com"], "库存不足：临县红枣 特级")]
    assert mail.outbox[0].body.startswith("“临县红枣 特级”可售库存仅剩 3 件（您设置的提醒值为 5）。\n")
    assert RecordingSmsBackend.sent == [(VENDOR_MOBILE, "【乡村集市】“临县红枣 特级”可售库存仅剩 3 件，请及时补货。")]


def test_back_in_stock_alerts_are_sent_by_the_task_not_inside_the_order_transaction(
    customer, two_vendors, china, django_capture_on_commit_callbacks
):
    # given: a customer waits for the red dates, which come back in stock
    _vendor_a, _vendor_b, dates, _millet = two_vendors
    waiting = UserFactory(email="waiting@example.com")
    ProductAlert.objects.create(product=dates, user=waiting, status=ProductAlert.ACTIVE)
    # when: an order allocates stock of them
    with django_capture_on_commit_callbacks(execute=True):
        _place(customer, two_vendors, china)
    # then: no alert went out with the order
    assert "waiting@example.com" not in [m.to[0] for m in mail.outbox]
    # when
    mail.outbox.clear()
    send_product_alerts_task.apply()
    # then
    assert [m.to for m in mail.outbox] == [["waiting@example.com"]]
    assert ProductAlert.objects.get(user=waiting).status == ProductAlert.CLOSED


# PostgreSQL: two workers claim at the same moment -------------------------------------------


@pytest.mark.postgres
def test_two_concurrent_sends_of_one_message_send_one_email(
    django_db_serialized_rollback, transactional_db, customer, two_vendors, china
):
    # given
    with transaction.atomic():
        _place(customer, two_vendors, china)
    message = Message.objects.get(kind="order_placed", channel="email")
    Message.objects.filter(pk=message.pk).update(status="pending", attempts=0, sent_at=None)
    mail.outbox.clear()
    start = threading.Barrier(8)

    def send():
        try:
            start.wait()
            message_send(message_pk=message.pk)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert [m.to for m in mail.outbox] == [[BUYER_EMAIL]]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)


def test_a_large_batch_of_messages_is_enqueued_in_tasks_of_fifty_and_each_is_sent_once(
    customer, two_vendors, china, django_capture_on_commit_callbacks, monkeypatch
):
    # given: 30 orders' messages written at once (six each: the buyer's and two shops'), as a live sale's writer
    # writes them
    with django_capture_on_commit_callbacks(execute=False):
        for _n in range(30):
            _place(customer, two_vendors, china)
    pks = sorted(Message.objects.values_list("pk", flat=True))
    batches, singles = [], []
    monkeypatch.setattr(send_messages_task, "delay", batches.append)
    monkeypatch.setattr(send_message_task, "delay", singles.append)
    # when
    _enqueue(pks)
    # then: tasks of at most 50, none of one
    assert len(pks) == 180
    assert [len(batch) for batch in batches] == [50, 50, 50, 30]
    assert sorted(pk for batch in batches for pk in batch) == pks and singles == []
    # when: a batch task runs, twice (a redelivery)
    send_messages_task.apply(args=[batches[0]])
    send_messages_task.apply(args=[batches[0]])
    # then: its 50 messages were sent, once each
    assert Message.objects.filter(pk__in=batches[0], status="sent", attempts=1).count() == 50
    assert Message.objects.filter(status="sent").count() == 50


def test_an_orders_few_messages_get_a_task_each(
    customer, two_vendors, china, django_capture_on_commit_callbacks, monkeypatch
):
    # given
    with django_capture_on_commit_callbacks(execute=False):
        _place(customer, two_vendors, china)
    pks = sorted(Message.objects.values_list("pk", flat=True))
    singles = []
    monkeypatch.setattr(send_message_task, "delay", singles.append)
    # when
    _enqueue(pks)
    # then
    assert sorted(singles) == pks
