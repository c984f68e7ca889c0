"""SMS codes that prove a mobile number (shop.customer.phone_codes): expiry, single use, hashing, limits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shop.customer.models import PhoneCode
from shop.customer.phone_codes import CodeRefused, phone_code_send, phone_code_use
from tests.faults.backends import RecordingSmsBackend
from vendors.notifications.models import Message
from vendors.notifications.sending import message_send
from vendors.notifications.services import message_retry

PHONE = "+8613912345678"
SIGN_IN = PhoneCode.Purpose.SIGN_IN


@pytest.fixture(autouse=True)
def _recorded_sms(settings):
    settings.SMS_BACKEND = "tests.faults.backends.RecordingSmsBackend"
    RecordingSmsBackend.sent = []


def _sent_code(phone: str = PHONE) -> str:
    """The clear code of the number's latest SMS, as the outbox holds it until it is sent."""
    return Message.objects.filter(kind="verification_code", recipient=phone).latest("pk").secret


def test_a_code_is_six_digits_sent_by_sms_and_stored_only_hashed(db):
    # when
    row = phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address="10.0.0.1")
    # then
    code = _sent_code()
    assert len(code) == 6 and code.isascii() and code.isdigit()
    assert code not in row.code_hash
    salt, digest = row.code_hash.split("$")
    assert (len(salt), len(digest)) == (16, 64)
    assert (row.expires_at - row.created_at) == timedelta(minutes=5)
    message = Message.objects.get(kind="verification_code")
    assert (message.channel, message.recipient, message.status) == ("sms", PHONE, "pending")


def test_the_sms_carries_the_code_which_is_then_forgotten(db):
    # given
    phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address="10.0.0.1")
    message = Message.objects.get(kind="verification_code")
    code = message.secret
    # when
    message_send(message_pk=message.pk)
    # then
    assert RecordingSmsBackend.sent == [(PHONE, f"【乡村集市】您的验证码是{code}，5分钟内有效。请勿告诉他人。")]
    message.refresh_from_db()
    assert (message.status, message.secret) == ("sent", "")


def test_a_code_sms_is_never_sent_late_nor_retried(db):
    # given
    phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address="10.0.0.1")
    message = Message.objects.get(kind="verification_code")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    # when
    message_send(message_pk=message.pk)
    retried = message_retry(message_pk=message.pk)
    # then
    assert RecordingSmsBackend.sent == []
    message.refresh_from_db()
    assert (message.status, message.secret, retried) == ("failed", "", False)


def test_the_right_code_works_once(db):
    # given
    phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address="10.0.0.1")
    code = _sent_code()
    # when
    first = phone_code_use(phone=PHONE, purpose=SIGN_IN, code=code)
    second = phone_code_use(phone=PHONE, purpose=SIGN_IN, code=code)
    # then
    assert (first, second) == (True, False)


def test_a_code_expires_after_five_minutes(db):
    # given
    row = phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address="10.0.0.1")
    code = _sent_code()
    # when
    late = phone_code_use(phone=PHONE, purpose=SIGN_IN, code=code, now=row.created_at + timedelta(seconds=300))
    # then
    assert late is False
    assert phone_code_use(phone=PHONE, purpose=SIGN_IN, code=code, now=row.created_at + timedelta(seconds=299))


def test_a_code_proves_only_its_own_number_and_purpose(db):
    # given
    phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address="10.0.0.1")
    code = _sent_code()
    # then
    assert phone_code_use(phone="+8613900000000", purpose=SIGN_IN, code=code) is False
    assert phone_code_use(phone=PHONE, purpose=PhoneCode.Purpose.RESET, code=code) is False
    assert phone_code_use(phone=PHONE, purpose=SIGN_IN, code=code) is True


def test_a_new_code_replaces_the_old_one(db):
    # given
    now = timezone.now()
    phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address="10.0.0.1", now=now - timedelta(seconds=61))
    old = _sent_code()
    phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address="10.0.0.1", now=now)
    new = _sent_code()
    # then
    assert PhoneCode.objects.filter(phone=PHONE).count() == 2
    # the old code is no use (unless both are the same six digits, one chance in a million); the new one works
    assert phone_code_use(phone=PHONE, purpose=SIGN_IN, code=old, now=now) is (old == new)
    assert phone_code_use(phone=PHONE, purpose=SIGN_IN, code=new, now=now) is (old != new)


def test_five_wrong_guesses_kill_the_code(db):
    # given
    phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address="10.0.0.1")
    code = _sent_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    # when
    guesses = [phone_code_use(phone=PHONE, purpose=SIGN_IN, code=wrong) for _ in range(5)]
    # then
    assert guesses == [False] * 5
    assert phone_code_use(phone=PHONE, purpose=SIGN_IN, code=code) is False
    assert PhoneCode.objects.get().failed_attempts == 5


def test_a_number_waits_60_seconds_between_codes(db):
    # given
    now = timezone.now()
    phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address="10.0.0.1", now=now)
    # when
    with pytest.raises(CodeRefused) as refused:
        phone_code_send(
            phone=PHONE, purpose=PhoneCode.Purpose.RESET, ip_address="10.0.0.2", now=now + timedelta(seconds=15)
        )
    # then
    assert (refused.value.reason, refused.value.seconds) == ("wait", 45)
    assert PhoneCode.objects.count() == 1
    assert Message.objects.filter(kind="verification_code").count() == 1
    phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address="10.0.0.1", now=now + timedelta(seconds=60))
    assert PhoneCode.objects.count() == 2


def test_a_number_gets_at_most_ten_codes_a_day(db):
    # given
    start = timezone.now() - timedelta(hours=20)
    for n in range(10):
        phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address=f"10.0.0.{n}", now=start + timedelta(minutes=n))
    # when
    with pytest.raises(CodeRefused) as refused:
        phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address="10.0.1.1")
    # then
    assert refused.value.reason == "daily"
    assert PhoneCode.objects.count() == 10
    phone_code_send(phone=PHONE, purpose=SIGN_IN, ip_address="10.0.1.1", now=start + timedelta(days=1, minutes=1))
    assert PhoneCode.objects.count() == 11


def test_an_address_gets_at_most_thirty_codes_a_day(db, settings):
    # given
    for n in range(30):
        phone_code_send(phone=f"+86139000000{n:02d}", purpose=SIGN_IN, ip_address="10.0.0.1")
    # when
    with pytest.raises(CodeRefused) as refused:
        phone_code_send(phone="+8613900000099", purpose=SIGN_IN, ip_address="10.0.0.1")
    # then
    assert refused.value.reason == "daily"
    assert not PhoneCode.objects.filter(phone="+8613900000099").exists()
    phone_code_send(phone="+8613900000099", purpose=SIGN_IN, ip_address="10.0.0.2")
    assert PhoneCode.objects.filter(phone="+8613900000099").count() == 1
