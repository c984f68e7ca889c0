"""Delivery backends for tests whose Celery worker runs in another process.

Each message is appended as one JSON line to <VM_TEST_OUTBOX_DIR>/mail.jsonl or sms.jsonl, so
the test process counts exactly what was delivered. While <VM_TEST_OUTBOX_DIR>/block exists,
delivery waits (a test kills the worker in the middle of a send).
"""

import json
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

from vendors.notifications.sms import BaseSmsBackend


def _outbox() -> Path:
    return Path(os.environ["VM_TEST_OUTBOX_DIR"])


def _deliver(name: str, records: list[dict]) -> None:
    folder = _outbox()
    deadline = time.monotonic() + 120
    while (folder / "block").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    with (folder / name).open("a", encoding="utf-8") as out:
        out.write("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records))


def delivered(folder: Path, name: str) -> list[dict]:
    path = folder / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class FolderEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        _deliver("mail.jsonl", [{"to": m.to, "subject": m.subject, "body": m.body} for m in email_messages])
        return len(email_messages)


class FolderSmsBackend(BaseSmsBackend):
    def send(self, phone: str, text: str) -> None:
        _deliver("sms.jsonl", [{"to": phone, "text": text}])


class RecordingSmsBackend(BaseSmsBackend):
    """In-process: what was sent, in ``RecordingSmsBackend.sent``."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        RecordingSmsBackend.sent.append((phone, text))


class DownEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server down")


class DownSmsBackend(BaseSmsBackend):
    def send(self, phone: str, text: str) -> None:
        raise ConnectionRefusedError("SMS gateway down")
