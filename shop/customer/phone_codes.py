"""SMS codes that prove a mobile number: signing in or up, registering, resetting a password, finding a
guest order.

Rules:
- A code is 6 random digits, sent through the outbox (vendors.notifications) in the transaction that
  writes it; only its keyed hash (HMAC with SECRET_KEY and a salt of its own) is stored.
- It is valid PHONE_CODE_TTL_SECONDS, once, for its number and purpose; only the number's latest code of
  that purpose counts (asking again replaces it); PHONE_CODE_MAX_ATTEMPTS wrong guesses kill it.
- Sending is limited per number (one code per PHONE_CODE_RESEND_SECONDS, PHONE_CODE_DAILY_PER_NUMBER in
  24 hours, whatever the purpose) and per client address (PHONE_CODE_DAILY_PER_IP in 24 hours).
- Whether the number has an account changes nothing here: a code is written and sent alike, so neither
  the answer nor the limits tell a stranger who is registered.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language

from shop.customer.models import PhoneCode
from vendors.notifications.services import notify_verification_code

Purpose = PhoneCode.Purpose


@dataclass(frozen=True)
class CodeRefused(Exception):
    """No code was sent: ``reason`` is "wait" (``seconds`` until the next may be asked) or "daily"."""

    reason: str
    seconds: int = 0


def phone_code_send(*, phone: str, purpose: str, ip_address: str | None, now: datetime | None = None) -> PhoneCode:
    """Write a new code for ``phone`` (+86 and 11 digits) and send it by SMS on commit.

    Raises CodeRefused when a limit is reached (nothing written, nothing sent).
    """
    now = now or timezone.now()
    day_ago = now - timedelta(days=1)
    with transaction.atomic():
        recent = PhoneCode.objects.filter(phone=phone, created_at__gt=day_ago)
        last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
        if last is not None and (wait := settings.PHONE_CODE_RESEND_SECONDS - (now - last).total_seconds()) > 0:
            raise CodeRefused("wait", seconds=int(wait) + (wait % 1 > 0))
        if recent.count() >= settings.PHONE_CODE_DAILY_PER_NUMBER:
            raise CodeRefused("daily")
        if (
            ip_address
            and PhoneCode.objects.filter(ip_address=ip_address, created_at__gt=day_ago).count()
            >= settings.PHONE_CODE_DAILY_PER_IP
        ):
            raise CodeRefused("daily")
        code = f"{secrets.randbelow(10**6):06d}"
        salt = secrets.token_hex(8)
        row = PhoneCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=f"{salt}${_digest(salt, phone, purpose, code)}",
            ip_address=ip_address or None,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.PHONE_CODE_TTL_SECONDS),
        )
        notify_verification_code(phone=phone, code=code, key=f"phonecode-{row.pk}", language=get_language() or "")
    return row


def phone_code_use(*, phone: str, purpose: str, code: str, now: datetime | None = None) -> bool:
    """True, once, when ``code`` is the number's latest unexpired, unused code of ``purpose``.

    A wrong guess counts against the code (PHONE_CODE_MAX_ATTEMPTS); the right one uses it up.
    """
    now = now or timezone.now()
    code = (code or "").strip()
    with transaction.atomic():
        latest = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose)
            .order_by("-created_at", "-pk")
            .first()
        )
        if (
            latest is None
            or latest.used_at is not None
            or latest.expires_at <= now
            or latest.failed_attempts >= settings.PHONE_CODE_MAX_ATTEMPTS
        ):
            return False
        salt, _sep, digest = latest.code_hash.partition("$")
        if not constant_time_compare(digest, _digest(salt, phone, purpose, code)):
            latest.failed_attempts += 1
            latest.save(update_fields=["failed_attempts"])
            return False
        latest.used_at = now
        latest.save(update_fields=["used_at"])
        return True


def _digest(salt: str, phone: str, purpose: str, code: str) -> str:
    return salted_hmac("shop.customer.phone_codes", f"{salt}:{phone}:{purpose}:{code}", algorithm="sha256").hexdigest()
