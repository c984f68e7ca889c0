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


class PrivateStorage(LazyObject):
    """Documents no public URL reaches (licences, IDs): admins read them through an authorised view."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


def _default_commission_rate() -> Decimal:
    return Decimal(settings.VENDOR_DEFAULT_COMMISSION_RATE)


class Vendor(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

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
    """Carrier and tracking number of a vendor's parcel; the lines and quantities live in Oscar's ShippingEvent."""

    class Carrier(models.TextChoices):
        SF = "sf", "顺丰速运"
        ZTO = "zto", "中通快递"
        YTO = "yto", "圆通速递"
        STO = "sto", "申通快递"
        YUNDA = "yunda", "韵达快递"
        EMS = "ems", "中国邮政 EMS"
        JD = "jd", "京东物流"
        JT = "jt", "极兔速递"
        OTHER = "other", _("Other")

    event = models.OneToOneField("order.ShippingEvent", on_delete=models.CASCADE, related_name="shipment")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="shipments")
    carrier = models.CharField(_("Carrier"), max_length=16, choices=Carrier.choices)
    tracking_number = models.CharField(_("Tracking number"), max_length=40)
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_carrier_display()} {self.tracking_number}"
