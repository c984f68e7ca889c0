"""Notification outbox: every message leaving the platform (email, SMS) is first a row here.

Rules:
- Writing (``notify_*``): called inside the caller's transaction; decides the recipients, writes
  one Message row per recipient and channel (one INSERT for all of them) and enqueues their
  sending on commit. If the caller rolls back, no row and no task remain. Writing the same
  notification twice is a no-op (``Message.dedupe_key`` is unique).
- Recipients: the buyer gets e-mail (order.email) and SMS (the shipping address's mobile), in the
  language of the order (given at placement, then read from its order_placed message); a vendor
  gets e-mail to its users (the applicant for decisions on an application) and SMS to its
  contact phone, in settings.LANGUAGE_CODE. A number that is not a mainland mobile gets no SMS.
- Sending is vendors.notifications.sending's (run by the worker, through tasks.send_message_task);
  a failed message is sent again only when an admin retries it (``message_retry``).
"""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shop.core.celery_utils import enqueue_on_commit
from shop.core.phone import normalise_mainland_mobile
from vendors.notifications.models import Message
from vendors.notifications.tasks import send_message_task, send_messages_task

logger = logging.getLogger(__name__)
Kind = Message.Kind
Channel = Message.Channel
Status = Message.Status
VENDOR_DECISIONS = ("approved", "rejected", "suspended", "reinstated")
# Messages whose text holds a secret blanked once sent or given up: never retried.
WITH_SECRET = (Kind.VERIFICATION_CODE, Kind.VENDOR_INVITATION)


# Writing ------------------------------------------------------------------------------------


def notify_order_placed(*, order, parts, language: str) -> None:
    """The buyer's confirmation (email and/or SMS) and to each vendor of ``parts`` a
    "new order" message listing only its own lines. Called inside the order's transaction."""
    notify_orders_placed(placed=[(order, parts)], language=language)


def notify_orders_placed(*, placed: list[tuple], language: str) -> None:
    """notify_order_placed for many (order, parts) at once (a batch of snap-ups).

    Uses the orders' users and shipping addresses and the parts' vendors as already loaded; one
    query for the vendors' users' e-mail addresses, one INSERT for every message.
    """
    language = (language or settings.LANGUAGE_CODE).lower()
    vendor_language = settings.LANGUAGE_CODE
    vendors = {part.vendor.pk: part.vendor for _order, parts in placed for part in parts}
    recipients = _vendor_recipients(list(vendors.values()))
    messages = []
    for order, parts in placed:
        messages += _buyer_messages(Kind.ORDER_PLACED, order, key=order.pk, language=language)
        for part in parts:
            for channel, recipient in recipients[part.vendor.pk]:
                messages.append(
                    _message(
                        Kind.VENDOR_NEW_ORDER,
                        channel,
                        recipient,
                        vendor_language,
                        key=part.pk,
                        order=order,
                        part=part,
                        vendor=part.vendor,
                    )
                )
    _write(messages)


def notify_snapup_orders_placed(*, orders: list[tuple[int, str, object]], stockrecord, language: str) -> None:
    """A batch of snap-up orders of one product (vendors.live.placing), each as (order id, the buyer's e-mail,
    the phone number it is shipped to): each buyer's confirmation as for any order; the shop gets one message
    per channel and minute, not one per order (during a stream a farmer's phone would ring every second). It
    says how many of the shop's orders wait to be shipped when it is sent, so it tells the truth however many
    batches the minute brings."""
    language = (language or settings.LANGUAGE_CODE).lower()
    messages = [
        message
        for order_id, email, phone in orders
        for message in _messages_to_buyer(
            Kind.ORDER_PLACED, email, phone, key=order_id, language=language, order_id=order_id
        )
    ]
    vendor = stockrecord.partner.vendor
    minute = timezone.localtime().strftime("%Y%m%d%H%M")
    for channel, recipient in _vendor_recipients([vendor])[vendor.pk]:
        messages.append(
            _message(
                Kind.VENDOR_SNAPUP_ORDERS,
                channel,
                recipient,
                settings.LANGUAGE_CODE,
                key=f"{vendor.pk}:{minute}",
                stockrecord=stockrecord,
                vendor=vendor,
            )
        )
    _write(messages)


def notify_parcel_shipped(*, shipment) -> None:
    """To the buyer: a vendor's parcel left, with carrier and tracking number (vendors.models.Shipment)."""
    order = shipment.event.order
    messages = _buyer_messages(
        Kind.PARCEL_SHIPPED,
        order,
        key=shipment.pk,
        language=_order_language(order),
        shipment=shipment,
        vendor_id=shipment.vendor_id,
    )
    _write(messages)


def notify_part_cancelled(*, part) -> None:
    """To the vendor: the buyer cancelled its part of an order (vendors.models.OrderPart)."""
    recipients = _vendor_recipients([part.vendor])[part.vendor.pk]
    _write(
        [
            _message(
                Kind.PART_CANCELLED,
                channel,
                recipient,
                settings.LANGUAGE_CODE,
                key=part.pk,
                order_id=part.order_id,
                part=part,
                vendor=part.vendor,
            )
            for channel, recipient in recipients
        ]
    )


def notify_vendor_event(*, event) -> None:
    """To the vendor's contact: approved / rejected / suspended / reinstated (vendors.models.VendorEvent).

    E-mail to the applicant (a rejected application has no partner users yet), SMS to the
    contact phone. Other events (applied, imported ...) tell nobody.
    """
    if event.action not in VENDOR_DECISIONS:
        return
    vendor = event.vendor
    recipients = []
    applicant = vendor.applicant
    if applicant is not None and applicant.email:
        recipients.append((Channel.EMAIL, applicant.email))
    if mobile := _mobile(vendor.contact_phone):
        recipients.append((Channel.SMS, mobile))
    _write(
        [
            _message(
                Kind.VENDOR_DECISION,
                channel,
                recipient,
                settings.LANGUAGE_CODE,
                key=event.pk,
                vendor_event=event,
                vendor=vendor,
            )
            for channel, recipient in recipients
        ]
    )


def notify_low_stock(*, stockrecord) -> None:
    """To the vendor: a product's stock left for sale fell to or below its low-stock threshold.

    At most one message per stock record, recipient and day (Asia/Shanghai): a busy product
    does not page its farmer at every sale.
    """
    vendor = getattr(stockrecord.partner, "vendor", None)
    if vendor is None:
        return
    day = timezone.localdate().isoformat()
    _write(
        [
            _message(
                Kind.LOW_STOCK,
                channel,
                recipient,
                settings.LANGUAGE_CODE,
                key=f"{stockrecord.pk}:{day}",
                stockrecord=stockrecord,
                vendor=vendor,
            )
            for channel, recipient in _vendor_recipients([vendor])[vendor.pk]
        ]
    )


def notify_verification_code(*, phone: str, code: str, key: str, language: str) -> None:
    """An SMS code to one mainland number (+86 and 11 digits), written in the caller's transaction and
    sent on commit; ``key`` names the code (its row), so writing it twice sends once."""
    _write([_message(Kind.VERIFICATION_CODE, Channel.SMS, phone, language, key=key, secret=code)])


def notify_vendor_invitations(*, invitations: list[tuple]) -> None:
    """An SMS to each invited shop's contact phone with its invitation link, for [(VendorInvitation, token)].

    Written in the caller's transaction (the import, a re-sent invitation), one INSERT for all; the token
    is kept in clear only until the SMS is sent. A contact phone that is no mainland mobile gets none.
    """
    _write(
        [
            _message(
                Kind.VENDOR_INVITATION,
                Channel.SMS,
                mobile,
                settings.LANGUAGE_CODE,
                key=invitation.pk,
                vendor=invitation.vendor,
                secret=token,
            )
            for invitation, token in invitations
            if (mobile := _mobile(invitation.vendor.contact_phone))
        ]
    )


def _message(kind: str, channel: str, recipient: str, language: str, *, key, **about) -> Message:
    return Message(
        kind=kind,
        channel=channel,
        recipient=recipient,
        language=language,
        dedupe_key=f"{kind}:{key}:{channel}:{recipient}",
        **about,
    )


def _buyer_messages(kind: str, order, *, key, language: str, **about) -> list[Message]:
    address = order.shipping_address
    phone = address.phone_number if address is not None else ""
    return _messages_to_buyer(kind, order.email, phone, key=key, language=language, order=order, **about)


def _messages_to_buyer(kind: str, email: str, phone, *, key, language: str, **about) -> list[Message]:
    messages = []
    if email:
        messages.append(_message(kind, Channel.EMAIL, email, language, key=key, **about))
    if mobile := _mobile(phone):
        messages.append(_message(kind, Channel.SMS, mobile, language, key=key, **about))
    return messages


def _order_language(order) -> str:
    """The language the buyer placed the order in (recorded on its confirmation)."""
    language = Message.objects.filter(order=order, kind=Kind.ORDER_PLACED).values_list("language", flat=True).first()
    return language or settings.LANGUAGE_CODE


def _vendor_recipients(vendors) -> dict[int, list[tuple[str, str]]]:
    """{vendor pk: [(channel, recipient)]}: its active users' e-mails (one query for all), its mobile."""
    recipients = {vendor.pk: [] for vendor in vendors}
    by_partner = {vendor.partner_id: vendor.pk for vendor in vendors if vendor.partner_id}
    if by_partner:
        emails = (
            get_user_model()
            .objects.filter(partners__in=list(by_partner), is_active=True)
            .exclude(email="")
            .order_by("pk")
            .values_list("partners", "email")
        )
        for partner_id, email in emails:
            recipients[by_partner[partner_id]].append((Channel.EMAIL, email))
    for vendor in vendors:
        if mobile := _mobile(vendor.contact_phone):
            recipients[vendor.pk].append((Channel.SMS, mobile))
    return recipients


def _mobile(value) -> str:
    """The number as +86 and 11 digits, or "" when it is no mainland mobile (no SMS then)."""
    if not value:
        return ""
    try:
        return normalise_mainland_mobile(str(value))
    except ValidationError:
        return ""


def _write(messages: list[Message]) -> None:
    """One INSERT for all; a row whose dedupe_key exists is left as it is (the no-op update
    only makes the database return its id). All are enqueued after commit."""
    if not messages:
        return
    Message.objects.bulk_create(
        messages, update_conflicts=True, unique_fields=["dedupe_key"], update_fields=["dedupe_key"]
    )
    transaction.on_commit(partial(_enqueue, [message.pk for message in messages]), robust=True)


# An order's few messages get a task each (each its own retries, spread over the workers); a batch of
# thousands (a live sale's orders, written hundreds at a time) goes in tasks of this many, or publishing
# them would cost its writer more than writing the orders.
ONE_TASK_EACH_UP_TO = 10
MESSAGES_PER_TASK = 50


def _enqueue(message_pks: list[int]) -> None:
    """Enqueue the messages; at the first failure (broker down) stop: the request has paid for
    one timeout, and the rows stay pending for the sweep."""
    if len(message_pks) <= ONE_TASK_EACH_UP_TO:
        tasks = [(send_message_task, pk, [pk]) for pk in message_pks]
    else:
        chunks = [message_pks[n : n + MESSAGES_PER_TASK] for n in range(0, len(message_pks), MESSAGES_PER_TASK)]
        tasks = [(send_messages_task, chunk, chunk) for chunk in chunks]
    for done, (task, argument, _pks) in enumerate(tasks):
        try:
            task.delay(argument)
        except Exception:  # kombu's OperationalError, a socket timeout ...
            left = [pk for _task, _argument, pks in tasks[done:] for pk in pks]
            logger.warning("could not enqueue messages %s: left pending for the sweep", left, exc_info=True)
            return


def message_retry(*, message_pk: int) -> bool:
    """An admin's retry of a failed message: pending again with fresh attempts, enqueued on commit.

    Returns False (nothing changed) when the message is not failed (any more), or carries a secret: an SMS
    code (its clear text is gone and it would be late: the buyer asks for a new one) or an invitation link
    (its token is gone: the admin re-sends the invitation from the shop's page)."""
    retried = (
        Message.objects.filter(pk=message_pk, status=Status.FAILED)
        .exclude(kind__in=WITH_SECRET)
        .update(status=Status.PENDING, attempts=0, next_attempt_at=None, claimed_at=None)
    )
    if retried:
        enqueue_on_commit(send_message_task, message_pk)
    return bool(retried)


def messages_retry_failed() -> int:
    """Retry every failed message; returns how many."""
    pks = list(Message.objects.filter(status=Status.FAILED).exclude(kind__in=WITH_SECRET).values_list("pk", flat=True))
    return sum(message_retry(message_pk=pk) for pk in pks)
