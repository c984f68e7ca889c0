"""Celery tasks of the notification outbox: thin, idempotent, take primary keys.

send_message_task may run any number of times for one message (a retry, the periodic sweep,
a redelivery after a worker died): the claim in message_send lets only one send it.
"""

from celery import shared_task

from vendors.notifications.sending import message_send, messages_due


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_message_task(self, message_pk: int) -> None:
    """Send one outbox message; on a send error retry after the backoff the service chose
    (the row counts the attempts and ends as failed after NOTIFICATION_MAX_ATTEMPTS)."""
    retry_in = message_send(message_pk=message_pk)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(acks_late=True)
def send_messages_task(message_pks: list[int]) -> None:
    """Send a batch of outbox messages written together (a live sale's orders), one after the other; one that
    must be tried again gets a send_message_task of its own after the backoff. Run twice (a redelivery), the
    claim skips what was sent."""
    for message_pk in message_pks:
        retry_in = message_send(message_pk=message_pk)
        if retry_in is not None:
            send_message_task.apply_async((message_pk,), countdown=retry_in)


@shared_task(acks_late=True)
def resend_pending_task() -> int:
    """Beat, every minute: enqueue again what is overdue (its task was lost with the broker or a worker)."""
    pks = messages_due()
    for pk in pks:
        send_message_task.delay(pk)
    return len(pks)
