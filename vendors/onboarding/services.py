"""Onboarding writes: applications and the admins' decisions, a shop's profile and commission.

Rules:
- Status moves pending -> approved | rejected, rejected -> pending (the applicant resubmits, see
  ``application_can_change``), approved -> suspended -> approved. Every move records who and when
  (VendorEvent) and tells the vendor after commit (the notification outbox).
- Approving creates (or re-links) the vendor's Oscar Partner and makes the applicant one of its users;
  only then does the seller center open.
- Suspending hides the vendor's products from catalogue and search at once (listings.selectors.
  hidden_vendor_products, and a search re-index after commit).
- Vendor-written text is sanitised here, on save (vendors.listings.sanitize).
"""

from decimal import Decimal

from django.db import IntegrityError, transaction

from shop.core.celery_utils import enqueue_on_commit
from shop.core.pagecache import page_cache_hold
from shop.partner.models import Partner
from vendors.listings.sanitize import sanitize_html, sanitize_text
from vendors.listings.tasks import reindex_vendor_products_task
from vendors.models import Vendor, VendorEvent
from vendors.notifications.services import notify_vendor_event
from vendors.onboarding.county import unique_vendor_slugs


class VendorStatusError(Exception):
    """The vendor is not in a status that allows this move (someone else decided first)."""

    def __init__(self, vendor: Vendor, action: str):
        super().__init__(f"{vendor} is {vendor.status}: cannot {action}")
        self.vendor = vendor


class ShopNameTaken(Exception):
    """Another shop got this name first (two applications at the same moment)."""


def _record(vendor: Vendor, action: str, actor, reason: str = "") -> VendorEvent:
    event = VendorEvent.objects.create(vendor=vendor, action=action, actor=actor, reason=reason)
    notify_vendor_event(event=event)
    return event


def _locked(vendor: Vendor) -> Vendor:
    return Vendor.objects.select_for_update().get(pk=vendor.pk)


def application_can_change(vendor: Vendor | None) -> bool:
    """A user may (re)submit its application while it has none, or it is pending or was rejected."""
    return vendor is None or vendor.status in (Vendor.Status.PENDING, Vendor.Status.REJECTED)


@transaction.atomic
def vendor_apply(*, user, data: dict, categories=(), licence=None) -> Vendor:
    """Create a pending application (or resubmit a rejected one) for this user.

    Raises ShopNameTaken when another shop took the name meanwhile (the form checks it first).
    """
    vendor = Vendor.objects.select_for_update().filter(applicant=user).order_by("-created_at").first()
    if not application_can_change(vendor):
        raise VendorStatusError(vendor, "apply again")
    action = VendorEvent.Action.APPLIED if vendor is None else VendorEvent.Action.RESUBMITTED
    vendor = vendor or Vendor(applicant=user)
    _apply_profile_fields(vendor, data)
    vendor.status = Vendor.Status.PENDING
    vendor.decision_reason = ""
    if not vendor.slug:
        vendor.slug = unique_vendor_slugs([vendor.name])[0]
    try:
        with transaction.atomic():
            vendor.save()
    except IntegrityError as clash:
        raise ShopNameTaken(vendor.name) from clash
    if licence is not None:
        vendor.licence.save(licence.name, licence)
    vendor.main_categories.set(categories)
    _record(vendor, action, user)
    return vendor


def _apply_profile_fields(vendor: Vendor, data: dict) -> None:
    for field in ("name", "contact_name", "contact_phone", "province", "county", "village"):
        if field in data:
            setattr(vendor, field, sanitize_text(data[field]))
    if "story" in data:
        vendor.story = sanitize_html(data["story"])


@transaction.atomic
def vendor_approve(*, vendor: Vendor, approved_by) -> Vendor:
    """Approve a pending application: create or re-link its partner and open the seller center."""
    vendor = _locked(vendor)
    if vendor.status != Vendor.Status.PENDING:
        raise VendorStatusError(vendor, "approve")
    if vendor.partner is None:
        vendor.partner = Partner.objects.create(name=vendor.name, code=f"v-{vendor.slug}"[:128])
    if vendor.applicant is not None:
        vendor.partner.users.add(vendor.applicant)
    vendor.status = Vendor.Status.APPROVED
    vendor.decision_reason = ""
    vendor.save(update_fields=["partner", "status", "decision_reason", "updated_at"])
    _record(vendor, VendorEvent.Action.APPROVED, approved_by)
    return vendor


def _decide(vendor: Vendor, *, expected: str, status: str, action: str, actor, reason: str = "") -> Vendor:
    """One status move under the vendor's row lock; VendorStatusError when someone else moved it first."""
    vendor = _locked(vendor)
    if vendor.status != expected:
        raise VendorStatusError(vendor, action)
    vendor.status = status
    vendor.decision_reason = sanitize_text(reason)
    vendor.save(update_fields=["status", "decision_reason", "updated_at"])
    _record(vendor, action, actor, vendor.decision_reason)
    return vendor


@transaction.atomic
def vendor_reject(*, vendor: Vendor, rejected_by, reason: str) -> Vendor:
    return _decide(
        vendor,
        expected=Vendor.Status.PENDING,
        status=Vendor.Status.REJECTED,
        action=VendorEvent.Action.REJECTED,
        actor=rejected_by,
        reason=reason,
    )


@transaction.atomic
def vendor_suspend(*, vendor: Vendor, suspended_by, reason: str) -> Vendor:
    """Suspend an approved vendor: its products disappear from catalogue, search and storefronts.

    No cached page is served from the moment it commits (shop.core.pagecache)."""
    page_cache_hold()
    vendor = _decide(
        vendor,
        expected=Vendor.Status.APPROVED,
        status=Vendor.Status.SUSPENDED,
        action=VendorEvent.Action.SUSPENDED,
        actor=suspended_by,
        reason=reason,
    )
    enqueue_on_commit(reindex_vendor_products_task, vendor.pk)
    return vendor


@transaction.atomic
def vendor_reinstate(*, vendor: Vendor, reinstated_by) -> Vendor:
    page_cache_hold()
    vendor = _decide(
        vendor,
        expected=Vendor.Status.SUSPENDED,
        status=Vendor.Status.APPROVED,
        action=VendorEvent.Action.REINSTATED,
        actor=reinstated_by,
    )
    enqueue_on_commit(reindex_vendor_products_task, vendor.pk)
    return vendor


@transaction.atomic
def vendor_profile_update(*, vendor: Vendor, data: dict, logo=None, banner=None) -> Vendor:
    """Change the storefront profile (story, contact, logo, banner) and the shipping terms.

    shipping_fee / free_shipping_from: None = the platform default; amounts must not be negative
    (ValueError; the form refuses them first, the database's check constraint is the backstop).
    """
    vendor = _locked(vendor)
    _apply_profile_fields(vendor, {k: v for k, v in data.items() if k != "name"})
    for field in ("shipping_fee", "free_shipping_from"):
        if field in data:
            if data[field] is not None and data[field] < 0:
                raise ValueError(f"{field} must not be negative")
            setattr(vendor, field, data[field])
    if logo is not None:
        vendor.logo.save(logo.name, logo, save=False)
    if banner is not None:
        vendor.banner.save(banner.name, banner, save=False)
    vendor.save()
    return vendor


@transaction.atomic
def vendor_commission_rate_set(*, vendor: Vendor, rate: Decimal) -> Vendor:
    """Set the share of each sale the platform keeps, from 0 to 1 (admins only: the caller checks).

    Raises ValueError outside 0..1 (the database refuses it too).
    """
    if not Decimal(0) <= rate <= Decimal(1):
        raise ValueError(f"commission rate {rate} is not between 0 and 1")
    vendor = _locked(vendor)
    vendor.commission_rate = rate
    vendor.save(update_fields=["commission_rate", "updated_at"])
    return vendor
