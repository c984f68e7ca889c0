"""Vendor profiles, their audit trail, invitations and shipments.

A vendor is an Oscar Partner with a Vendor profile (one-to-one). The profile
exists from the application on; the Partner is created when an admin approves.
"""

from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PrivateStorage(LazyObject):
    """Documents no public URL reaches (licences, IDs): admins read them through an authorised view."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_documents = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The licence field's storage, as a callable: a migration names this function, never a folder."""
    return private_documents


def _default_commission_rate() -> Decimal:
    return Decimal(settings.VENDOR_DEFAULT_COMMISSION_RATE)


class Vendor(models.Model):
    # Oscar translates a bare "Approved" / "Rejected" for reviews (同意 / 拒绝): a shop's status has a context.
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("vendor status", "Pending review")
        APPROVED = "approved", pgettext_lazy("vendor status", "Approved")
        REJECTED = "rejected", pgettext_lazy("vendor status", "Rejected")
        SUSPENDED = "suspended", pgettext_lazy("vendor status", "Suspended")

    partner = models.OneToOneField(
        "partner.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="vendor"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vendor_applications",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("Shop name"), max_length=60, unique=True)
    contact_name = models.CharField(_("Contact person"), max_length=30)
    contact_phone = models.CharField(_("Mobile number"), max_length=16)
    province = models.CharField(_("Province"), max_length=20, default="山西省")
    county = models.CharField(_("County"), max_length=30, db_index=True)
    village = models.CharField(_("Village"), max_length=40, blank=True)
    story = models.TextField(_("Our story"), blank=True)
    main_categories = models.ManyToManyField(
        "catalogue.Category", blank=True, related_name="+", verbose_name=_("Main product categories")
    )
    licence = models.ImageField(
        _("Business licence or ID photo"), storage=private_storage, upload_to="licences/%Y/%m/", blank=True
    )
    logo = models.ImageField(_("Logo"), upload_to="vendors/logos/%Y/%m/", blank=True)
    banner = models.ImageField(_("Banner"), upload_to="vendors/banners/%Y/%m/", blank=True)
    commission_rate = models.DecimalField(
        _("Commission rate"), max_digits=5, decimal_places=4, default=_default_commission_rate
    )
    # Each vendor ships its own parcel: a flat fee per order, free from a goods total on.
    # Blank means the platform default (settings.VENDOR_DEFAULT_SHIPPING_FEE / _FREE_SHIPPING_FROM).
    shipping_fee = models.DecimalField(
        _("Shipping fee per order"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    free_shipping_from = models.DecimalField(
        _("Free shipping from (goods total)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    decision_reason = models.TextField(_("Reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Vendor")
        verbose_name_plural = _("Vendors")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_rate__gte=0, commission_rate__lte=1), name="vendor_commission_rate_0_1"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(partner__isnull=False),
                name="vendor_approved_has_partner",
            ),
            models.CheckConstraint(
                condition=models.Q(shipping_fee__isnull=True) | models.Q(shipping_fee__gte=0),
                name="vendor_shipping_fee_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(free_shipping_from__isnull=True) | models.Q(free_shipping_from__gte=0),
                name="vendor_free_shipping_from_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class VendorEvent(models.Model):
    """The audit trail: who decided what about a vendor, and when."""

    class Action(models.TextChoices):
        APPLIED = "applied", _("Applied")
        RESUBMITTED = "resubmitted", _("Resubmitted the application")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")
        REINSTATED = "reinstated", _("Reinstated")
        IMPORTED = "imported", _("Imported and pre-approved")
        INVITATION_ACCEPTED = "invitation_accepted", _("Took over the shop from the invitation")

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.vendor}: {self.get_action_display()}"


class VendorInvitation(models.Model):
    """A one-time link that lets an imported vendor's contact set a password and take over the shop.

    Only the SHA-256 of the token is stored; the link carries the token itself.
    """

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.vendor} invitation"


class Shipment(models.Model):
    """Carrier and tracking number of a vendor's parcel; the lines and quantities live in Oscar's ShippingEvent.

    A parcel the farmer takes to the buyer (自送) or leaves at the village post station (村邮站) has no
    tracking number; any carrier's number is kept as printed (formats differ from carrier to carrier).
    """

    class Carrier(models.TextChoices):
        SF = "sf", "顺丰速运"
        ZTO = "zto", "中通快递"
        YTO = "yto", "圆通速递"
        STO = "sto", "申通快递"
        YUNDA = "yunda", "韵达快递"
        EMS = "ems", "中国邮政 EMS"
        JD = "jd", "京东物流"
        JT = "jt", "极兔速递"
        SELF = "self", pgettext_lazy("carrier", "Delivered by the seller")
        VILLAGE_POST = "village_post", pgettext_lazy("carrier", "Village post station")
        OTHER = "other", pgettext_lazy("carrier", "Other carrier")

        @classmethod
        def without_tracking(cls) -> tuple[str, ...]:
            """Carriers whose parcels have no tracking number."""
            return (cls.SELF, cls.VILLAGE_POST)

    event = models.OneToOneField("order.ShippingEvent", on_delete=models.CASCADE, related_name="shipment")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="shipments")
    carrier = models.CharField(_("Carrier"), max_length=16, choices=Carrier.choices)
    tracking_number = models.CharField(_("Tracking number"), max_length=40, blank=True)
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_carrier_display()} {self.tracking_number}"


class OrderStatus(models.TextChoices):
    """The codes written to Oscar's ``order.status``, derived from the order's parts
    (vendors.fulfilment.services.order_status_derive); a new order starts waiting."""

    WAITING = "waiting", pgettext_lazy("order status", "Waiting to ship")
    PARTLY_SHIPPED = "partly_shipped", pgettext_lazy("order status", "Partly shipped")
    SHIPPED = "shipped", pgettext_lazy("order status", "Shipped")
    DELIVERED = "delivered", pgettext_lazy("order status", "Completed")
    PARTLY_CANCELLED = "partly_cancelled", pgettext_lazy("order status", "Partly cancelled")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")


class CancelReason(models.TextChoices):
    """Why a buyer cancels a shop's part of an order: the short list the buyer picks from."""

    CHANGED_MIND = "changed_mind", _("I changed my mind")
    WRONG_ITEMS = "wrong_items", _("I ordered the wrong items or quantity")
    WRONG_ADDRESS = "wrong_address", _("The address or phone number is wrong")
    TOO_SLOW = "too_slow", _("It has not shipped for too long")
    OTHER = "other", _("Another reason")


class OrderPart(models.Model):
    """One vendor's part of an order: its lines (order lines of its partner), its parcel's
    shipping charge and its own status. Written with the order, in the same transaction.

    Money is recorded at placement: goods_total is the vendor's lines incl. tax after
    discounts, shipping_charge what the buyer was charged for this vendor's parcel, and
    commission_rate the vendor's rate at that moment (a later change does not rewrite it).
    """

    # Oscar translates a bare "Cancelled" as 取消的: a part's status reads like an order's.
    class Status(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("order status", "Waiting to ship")
        SHIPPED = "shipped", pgettext_lazy("order status", "Shipped")
        DELIVERED = "delivered", pgettext_lazy("order part status", "Delivered")
        CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="vendor_parts")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="order_parts")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING, db_index=True)
    goods_total = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_charge = models.DecimalField(max_digits=10, decimal_places=2)
    commission_rate = models.DecimalField(max_digits=5, decimal_places=4)
    created_at = models.DateTimeField(auto_now_add=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Why the buyer cancelled (asked before cancelling; the shop sees it).
    cancel_reason = models.CharField(max_length=16, choices=CancelReason.choices, blank=True)
    cancel_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "vendor"], name="orderpart_one_per_vendor"),
            models.CheckConstraint(
                condition=models.Q(goods_total__gte=0, shipping_charge__gte=0), name="orderpart_money_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} / {self.vendor_id}: {self.status}"

    @property
    def total(self) -> Decimal:
        return self.goods_total + self.shipping_charge


class Payout(models.Model):
    """The platform paid a vendor its net earnings of one calendar month (Asia/Shanghai)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="payouts")
    month = models.DateField(help_text="First day of the month paid")
    goods_total = models.DecimalField(max_digits=14, decimal_places=2)
    shipping_total = models.DecimalField(max_digits=14, decimal_places=2)
    commission = models.DecimalField(max_digits=14, decimal_places=2)
    net = models.DecimalField(max_digits=14, decimal_places=2)
    reference = models.CharField(_("Transfer reference"), max_length=64, blank=True)
    paid_at = models.DateTimeField(auto_now_add=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-month", "vendor_id"]
        constraints = [models.UniqueConstraint(fields=["vendor", "month"], name="payout_one_per_vendor_month")]

    def __str__(self) -> str:
        return f"{self.vendor} {self.month:%Y-%m}"


class EarningsEntry(models.Model):
    """The vendor's ledger: one entry per delivered order part.

    net = goods_total + shipping_charge - commission; commission is on goods only,
    rounded half-up to 0.01. booked_at decides the month it counts in.
    """

    part = models.OneToOneField(OrderPart, on_delete=models.PROTECT, related_name="earnings")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="earnings")
    goods_total = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_charge = models.DecimalField(max_digits=10, decimal_places=2)
    commission_rate = models.DecimalField(max_digits=5, decimal_places=4)
    commission = models.DecimalField(max_digits=12, decimal_places=2)
    net = models.DecimalField(max_digits=12, decimal_places=2)
    booked_at = models.DateTimeField(db_index=True)
    payout = models.ForeignKey(Payout, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")

    class Meta:
        ordering = ["-booked_at", "-pk"]
        verbose_name_plural = "earnings entries"

    def __str__(self) -> str:
        return f"{self.vendor}: {self.net}"


class ReviewPhoto(models.Model):
    """A photo of what the buyer received, with a purchase review (at most REVIEW_PHOTOS_MAX per review).

    Re-encoded on upload like a product photo (vendors.listings.uploads); a side model, so Oscar's
    review model keeps its own columns.
    """

    review = models.ForeignKey("reviews.ProductReview", on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("Photo"), upload_to="reviews/%Y/%m/")
    display_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_order", "pk"]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.image.name}"
