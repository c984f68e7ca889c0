"""Enqueueing after commit without ever failing a request whose data is already committed."""

from functools import partial

from django.db import transaction


def enqueue_on_commit(task, *args) -> None:
    """Like ``task.delay_on_commit``, but a failure to enqueue (broker down) or of an in-process
    task is logged by Django (robust on_commit) instead of raised into a request that already
    committed its rows."""
    transaction.on_commit(partial(task.delay, *args), robust=True)
