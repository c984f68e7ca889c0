"""Live-stream sales: events, the products they feature at a live price, and what each snap-up sold.

The cap of an item and each buyer's limit are kept here as counters with check constraints, moved only by
conditional UPDATEs inside the tap's transaction (vendors.live.services): PostgreSQL is the final
guarantee, whatever Redis (the admission in front of it, vendors.live.admission) says. A tap that wins
writes a LiveReservation in that transaction; workers turn reservations into ordinary orders in batches
(vendors.live.placing).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LiveEvent(models.Model):
    class Status(models.TextChoices):
        # Stored: a vendor's proposal or an admin's draft, an approved event, a called-off one.
        DRAFT = "draft", pgettext_lazy("live event status", "Draft")
        SCHEDULED = "scheduled", pgettext_lazy("live event status", "Scheduled")
        CANCELLED = "cancelled", pgettext_lazy("live event status", "Cancelled")
        # Derived from a scheduled event's window (``phase``), never stored.
        LIVE = "live", pgettext_lazy("live event status", "Live now")
        ENDED = "ended", pgettext_lazy("live event status", "Ended")

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(_("Title"), max_length=80)
    host_name = models.CharField(_("Host"), max_length=30)
    host_title = models.CharField(_("Host's title"), max_length=40, blank=True)
    county = models.CharField(_("County"), max_length=30)
    starts_at = models.DateTimeField(_("Starts at"), db_index=True)
    ends_at = models.DateTimeField(_("Ends at"))
    cover = models.ImageField(_("Cover image"), upload_to="live/covers/%Y/%m/", blank=True)
    description = models.TextField(_("Description"), blank=True)
    stream_url = models.URLField(_("Stream link"), max_length=500, blank=True)
    replay_url = models.URLField(_("Replay link"), max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    proposed_by = models.ForeignKey(
        "vendors.Vendor", null=True, blank=True, on_delete=models.PROTECT, related_name="proposed_live_events"
    )
    on_stage = models.ForeignKey("LiveItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="live_event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def phase(self, now=None) -> str:
        """The status a visitor sees: a scheduled event is live inside its window and ended after it."""
        if self.status != self.Status.SCHEDULED:
            return self.status
        now = now or timezone.now()
        if now < self.starts_at:
            return self.Status.SCHEDULED
        return self.Status.LIVE if now < self.ends_at else self.Status.ENDED

    def is_on_sale(self, now=None) -> bool:
        return self.phase(now) == self.Status.LIVE


class LiveItem(models.Model):
    """A product featured in an event: its live price, the event's own cap, a limit per buyer."""

    event = models.ForeignKey(LiveEvent, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="live_items")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="live_items")
    live_price = models.DecimalField(_("Live price"), max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField(_("Quantity for the event"))
    per_buyer_limit = models.PositiveIntegerField(_("Limit per buyer"), default=1)
    display_order = models.PositiveIntegerField(_("Display order"), default=0)
    # Units taken by snap-up orders not cancelled; moved only by conditional UPDATEs.
    sold = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["display_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "product"], name="live_item_once_per_event"),
            models.CheckConstraint(
                condition=models.Q(sold__lte=models.F("quantity")), name="live_item_sold_within_cap"
            ),
            models.CheckConstraint(condition=models.Q(live_price__gt=0), name="live_item_price_positive"),
            models.CheckConstraint(condition=models.Q(per_buyer_limit__gte=1), name="live_item_limit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.product_id} @ {self.live_price}"

    @property
    def remaining(self) -> int:
        return self.quantity - self.sold


class LiveBuyer(models.Model):
    """How many units of an item one buyer holds through snap-ups not cancelled (the per-buyer limit)."""

    item = models.ForeignKey(LiveItem, on_delete=models.CASCADE, related_name="buyers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    units = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="live_buyer_once_per_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.user_id} x {self.units}"


class LiveOrderQuerySet(models.QuerySet):
    """A snap-up counts as sold while its shop's part of the order (the item's vendor's) is not cancelled:
    the one definition the counters, the headline figures and the report share."""

    def kept(self) -> "LiveOrderQuerySet":
        return self.exclude(_part_cancelled())

    def cancelled(self) -> "LiveOrderQuerySet":
        return self.filter(_part_cancelled())


def _part_cancelled() -> models.Exists:
    from vendors.models import OrderPart

    return models.Exists(
        OrderPart.objects.filter(
            order_id=models.OuterRef("order_id"),
            vendor_id=models.OuterRef("item__vendor_id"),
            status=OrderPart.Status.CANCELLED,
        )
    )


class LiveOrder(models.Model):
    """One snap-up: the order it placed, of which item, for whom, how many at which price."""

    item = models.ForeignKey(LiveItem, on_delete=models.PROTECT, related_name="orders")
    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="live_order")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = LiveOrderQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.item_id} x {self.quantity}"


RESERVATION_TAKES_UNITS = "live_reservation_takes_units"


class LiveReservation(models.Model):
    """A won tap (抢到了) waiting for its order: the units are already counted in LiveItem.sold and the buyer's
    LiveBuyer.units; a worker places the order (PLACED) or, when the database refuses it (the shop's own
    stock ran out, the shop was suspended, the buyer's address is gone), gives the units back (REFUSED)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("snap-up", "Order being written")
        PLACED = "placed", pgettext_lazy("snap-up", "Order placed")
        REFUSED = "refused", pgettext_lazy("snap-up", "Refused")

    class Reason(models.TextChoices):
        SOLD_OUT = "sold_out", pgettext_lazy("snap-up refused", "The shop's stock ran out")
        NOT_ON_SALE = "not_on_sale", pgettext_lazy("snap-up refused", "No longer on sale")
        NO_ADDRESS = "no_address", pgettext_lazy("snap-up refused", "No default shipping address")

    item = models.ForeignKey(LiveItem, on_delete=models.PROTECT, related_name="reservations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=16, choices=Reason.choices, blank=True)
    order = models.OneToOneField("order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["item"], condition=models.Q(status="pending"), name="live_reservation_pending")]
        # The tap's single statement on PostgreSQL (vendors.live.services) writes a reservation of 0 units
        # when the buyer's limit refuses it: this constraint then undoes the whole statement.
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gte=1), name=RESERVATION_TAKES_UNITS)]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.user_id} x {self.quantity} ({self.status})"


class LiveEventStats(models.Model):
    """An event's viewer counters as last copied from Redis (vendors.live.counters, by beat every minute).

    Redis counts each view (vendors.live.counters.live_view_record); this row is what the report reads and
    what survives a Redis restart: ``viewers`` keeps the HyperLogLog itself, so a restarted Redis is
    seeded with it and unique viewers go on counting from where the last flush left them.
    """

    event = models.OneToOneField(LiveEvent, on_delete=models.CASCADE, primary_key=True, related_name="stats")
    views = models.PositiveBigIntegerField(default=0)
    unique_viewers = models.PositiveIntegerField(default=0)
    # Redis's HyperLogLog of the event's visitors (at most 12 KB of hashed keys, no visitor in clear).
    viewers = models.BinaryField(default=b"")
    flushed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.event_id}: {self.views} / {self.unique_viewers}"


class LiveEventMinute(models.Model):
    """How many distinct visitors opened the event page in one minute (UTC, the minute's start)."""

    event = models.ForeignKey(LiveEvent, on_delete=models.CASCADE, related_name="minutes")
    minute = models.DateTimeField()
    viewers = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["minute"]
        constraints = [models.UniqueConstraint(fields=["event", "minute"], name="live_minute_once_per_event")]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.minute:%H:%M} {self.viewers}"
