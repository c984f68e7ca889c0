"""Oscar's customer models, plus PhoneCode: a code sent by SMS to prove a mobile number
(shop.customer.phone_codes holds its rules)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer.models import *  # noqa: F403


class PhoneCode(models.Model):
    """One code sent to one number for one purpose. Only its keyed hash is kept; only the number's
    latest code of a purpose counts, once, before ``expires_at``."""

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", _("Sign in or sign up")
        REGISTER = "register", _("Register")
        RESET = "reset", _("Reset the password")
        ORDER = "order", _("Find an order")

    phone = models.CharField(max_length=16)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    code_hash = models.CharField(max_length=128)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        app_label = "customer"
        indexes = [
            models.Index(fields=["phone", "created_at"], name="phonecode_phone_created"),
            models.Index(fields=["ip_address", "created_at"], name="phonecode_ip_created"),
        ]
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")

    def __str__(self) -> str:
        return f"{self.purpose} {self.phone} {self.created_at:%Y-%m-%d %H:%M}"
