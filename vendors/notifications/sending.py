"""Sending the outbox's messages (run by the worker) and rendering their texts.

Rules:
- ``message_send``: one conditional UPDATE claims the row (pending, or "sending" with a claim older
  than NOTIFICATION_RESEND_AFTER_SECONDS: its worker died); no row claimed means another worker sent
  or is sending it, so nothing is sent. A send error puts it back to pending with a backoff; after
  NOTIFICATION_MAX_ATTEMPTS it is failed, for an admin to retry (vendors.notifications.services).
- An SMS code (kind verification_code) is sent only within PHONE_CODE_TTL_SECONDS of its writing; its
  clear text (``secret``, also an invitation link's token) is blanked as soon as the message is sent or
  given up.
- Texts are rendered at send time from the templates in notifications/<kind>/, in the message's
  language; every link starts with settings.SITE_URL.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from vendors.notifications.models import Message
from vendors.notifications.sms import get_sms_backend

logger = logging.getLogger(__name__)
Channel = Message.Channel
Status = Message.Status


def message_send(*, message_pk: int) -> int | None:
    """Claim the message, send it, record the outcome.

    Returns the seconds to wait before the next attempt when sending failed and attempts
    remain; None otherwise (sent, failed for good, or not ours to send).
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATION_RESEND_AFTER_SECONDS)
    claimed = (
        Message.objects.filter(pk=message_pk)
        .filter(Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_at__lt=stale))
        .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    ours = Message.objects.filter(pk=message_pk, status=Status.SENDING, claimed_at=now)
    message = Message.objects.get(pk=message_pk)
    if message.kind == Message.Kind.VERIFICATION_CODE and message.created_at < now - timedelta(
        seconds=settings.PHONE_CODE_TTL_SECONDS
    ):
        # A code that arrives after it expired only confuses: never send it late.
        ours.update(status=Status.FAILED, secret="", last_error="expired before sending", next_attempt_at=None)
        return None
    try:
        _deliver(message)
    except Exception as error:  # any backend's error: recorded on the row, retried, then failed
        logger.warning("sending message %s failed (attempt %s)", message_pk, message.attempts, exc_info=True)
        last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            ours.update(status=Status.FAILED, secret="", last_error=last_error, next_attempt_at=None)
            return None
        delay = retry_delay(attempts=message.attempts)
        ours.update(status=Status.PENDING, last_error=last_error, next_attempt_at=now + timedelta(seconds=delay))
        return delay
    ours.update(status=Status.SENT, secret="", sent_at=timezone.now(), next_attempt_at=None)
    return None


def retry_delay(*, attempts: int) -> int:
    """Exponential backoff after the n-th failed attempt: 30 s, 60 s, 2 min ... at most an hour."""
    return min(30 * 2 ** (attempts - 1), 3600)


def messages_due(*, limit: int = 1000) -> list[int]:
    """Pending messages whose send (or retry) is NOTIFICATION_RESEND_AFTER_SECONDS overdue (their
    task was lost: broker down, worker killed) and "sending" ones whose claim is that old."""
    stale = timezone.now() - timedelta(seconds=settings.NOTIFICATION_RESEND_AFTER_SECONDS)
    due = Message.objects.alias(due_at=Coalesce("next_attempt_at", "created_at")).filter(
        Q(status=Status.PENDING, due_at__lt=stale) | Q(status=Status.SENDING, claimed_at__lt=stale)
    )
    return list(due.order_by("pk").values_list("pk", flat=True)[:limit])


def _deliver(message: Message) -> None:
    texts = message_render(message=message)
    if message.channel == Channel.EMAIL:
        EmailMessage(texts["subject"], texts["body"], settings.DEFAULT_FROM_EMAIL, [message.recipient]).send()
    else:
        get_sms_backend().send(message.recipient, texts["text"])


def message_render(*, message: Message) -> dict[str, str]:
    """The texts the recipient gets: {"subject", "body"} for e-mail, {"text"} for SMS (tests, previews)."""
    with translation.override(message.language):
        context = _context(message)
        folder = f"notifications/{message.kind}"
        if message.channel == Channel.EMAIL:
            return {
                "subject": " ".join(render_to_string(f"{folder}/subject.txt", context).split()),
                "body": render_to_string(f"{folder}/body.txt", context).strip() + "\n",
            }
        return {"text": render_to_string(f"{folder}/sms.txt", context).strip()}


def _context(message: Message) -> dict:
    base = settings.SITE_URL.rstrip("/")
    context = {"message": message, "shop_name": settings.OSCAR_SHOP_NAME, "site_url": base, "code": message.secret}
    context["code_minutes"] = settings.PHONE_CODE_TTL_SECONDS // 60
    order = message.order
    if order is not None:
        lines = order.lines.select_related("partner").order_by("pk")
        if message.part_id:
            lines = lines.filter(partner_id=message.part.vendor.partner_id)
        context.update(order=order, lines=list(lines), address=_address_text(order.shipping_address))
        # Each shop's parcel comes by its own courier, who collects that parcel's goods and shipping.
        context["parcels"] = [
            (part.vendor.name, part.total)
            for part in order.vendor_parts.select_related("vendor").order_by("pk")
            if part.status != part.Status.CANCELLED
        ]
        if order.user_id:
            path = reverse("customer:order", kwargs={"order_number": order.number})
        else:
            kwargs = {"order_number": order.number, "hash": order.verification_hash()}
            path = reverse("customer:anon-order", kwargs=kwargs)
        context["order_url"] = base + path
        context["seller_order_url"] = base + reverse("seller:order-detail", kwargs={"number": order.number})
    for name in ("part", "shipment", "vendor_event", "stockrecord", "vendor"):
        context[name] = getattr(message, name)
    if message.vendor_event is not None:
        context["event"] = message.vendor_event
        context["seller_url"] = base + reverse("seller:home")
    if message.kind == Message.Kind.VENDOR_INVITATION:
        context["invitation_url"] = base + reverse("vendors:invitation", args=[message.secret])
        context["invitation_days"] = settings.VENDOR_INVITATION_DAYS
    if message.kind == Message.Kind.VENDOR_SNAPUP_ORDERS:
        parts = message.vendor.order_parts
        context["to_ship"] = parts.filter(status=parts.model.Status.WAITING).count()
        context["seller_orders_url"] = base + reverse("seller:order-list")
    if message.stockrecord is not None:
        context["product"] = message.stockrecord.product
        context["stock_url"] = base + reverse("seller:product-stock", kwargs={"pk": message.stockrecord.product_id})
    return context


def _address_text(address) -> str:
    """One line, the Chinese way round: name, mobile, province city county street."""
    if address is None:
        return ""
    phone = address.phone_number.as_national if address.phone_number else ""
    place = "".join(part for part in (address.state, address.line4, address.line3, address.line1) if part)
    return f"{address.first_name} {phone}, {place}".replace("  ", " ")
