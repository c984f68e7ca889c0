"""SMS backends: the interface a provider's adapter implements, and the default that writes to the log.

settings.SMS_BACKEND names the class (dotted path). A backend raises on failure; the outbox
records the error and retries (vendors.notifications.sending.message_send).
"""

import logging
from abc import ABC, abstractmethod

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class BaseSmsBackend(ABC):
    """Send one text to one mainland mobile number (+86 and 11 digits); raise on failure."""

    @abstractmethod
    def send(self, phone: str, text: str) -> None: ...


class LogSmsBackend(BaseSmsBackend):
    """Development and default: the SMS goes to the log instead of a provider."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
