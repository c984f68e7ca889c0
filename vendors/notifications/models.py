"""The outbox: one row per message (one recipient, one channel) that must leave the platform.

Rows are written in the transaction of the event they announce (the order, the shipment ...)
and sent by Celery after commit (vendors.notifications.tasks). The row's status is the truth
about delivery: pending -> sending (claimed by one worker) -> sent, or back to pending with
the error (retried with backoff), or failed after NOTIFICATION_MAX_ATTEMPTS (admins retry it
in the dashboard). ``dedupe_key`` is unique: writing the same notification twice is a no-op.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Message(models.Model):
    class Kind(models.TextChoices):
        ORDER_PLACED = "order_placed", _("Order confirmation (buyer)")
        VENDOR_NEW_ORDER = "vendor_new_order", _("New order (vendor)")
        VENDOR_SNAPUP_ORDERS = "vendor_snapup_orders", _("New snap-up orders (vendor)")
        PARCEL_SHIPPED = "parcel_shipped", _("Parcel shipped (buyer)")
        PART_CANCELLED = "part_cancelled", _("Order cancelled (vendor)")
        VENDOR_DECISION = "vendor_decision", _("Shop decision (vendor)")
        LOW_STOCK = "low_stock", _("Low stock (vendor)")
        VERIFICATION_CODE = "verification_code", _("SMS code")
        VENDOR_INVITATION = "vendor_invitation", _("Shop invitation (vendor)")

    class Channel(models.TextChoices):
        EMAIL = "email", pgettext_lazy("notification", "E-mail")
        SMS = "sms", pgettext_lazy("notification", "SMS")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("notification", "Pending")
        SENDING = "sending", pgettext_lazy("notification", "Sending")
        SENT = "sent", pgettext_lazy("notification", "Sent")
        FAILED = "failed", pgettext_lazy("notification", "Failed")

    kind = models.CharField(max_length=24, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    language = models.CharField(max_length=16)
    # What the message is about; the worker renders the text from these at send time.
    order = models.ForeignKey("order.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    part = models.ForeignKey("vendors.OrderPart", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    shipment = models.ForeignKey("vendors.Shipment", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    vendor_event = models.ForeignKey(
        "vendors.VendorEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    stockrecord = models.ForeignKey(
        "partner.StockRecord", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    vendor = models.ForeignKey("vendors.Vendor", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # An SMS code or an invitation link's token in clear, kept only until the message is sent or given up
    # (blanked then); never retried by an admin (a new code, a new invitation instead); a code is never sent
    # once PHONE_CODE_TTL_SECONDS are over (shop.customer.phone_codes).
    secret = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    dedupe_key = models.CharField(max_length=400, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Notification")
        verbose_name_plural = _("Notifications")

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} -> {self.recipient}: {self.status}"
