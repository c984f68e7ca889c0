"""Onboarding reads: who works for which shop, and the admins' view of every application.

Rules:
- A user reaches the seller center only through an approved vendor whose partner lists the user
  (``seller_vendor_for_user``); a suspended vendor only for the orders it still has to ship.
- Admins see every vendor, whatever its status (``vendor_admin_*``), and the invitation SMSes sent to
  its contact; someone else's id is a 404.
"""

import functools

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from shop.partner.models import Partner
from vendors.models import Vendor, VendorEvent, VendorInvitation
from vendors.notifications.models import Message


def seller_vendor_for_user(user, *, include_suspended: bool = False) -> Vendor | None:
    """The approved vendor this user works for, if any.

    ``include_suspended``: a suspended vendor still ships the orders it already
    has, so its order pages (only those) admit it.
    """
    if not user.is_authenticated:
        return None
    statuses = [Vendor.Status.APPROVED] + ([Vendor.Status.SUSPENDED] if include_suspended else [])
    return Vendor.objects.select_related("partner").filter(status__in=statuses, partner__users=user).first()


def vendor_application_for_user(user) -> Vendor | None:
    """The vendor profile this user applied for or works for, whatever its status.

    Asked on every signed-in page (the header's seller link) and by /visitor.json, so the query is written out:
    the ORM's compiling of the OR across the partner's users cost several times the database's work."""
    if not user.is_authenticated:
        return None
    return next(iter(Vendor.objects.raw(_application_sql(), [user.pk, user.pk])), None)


@functools.cache
def _application_sql() -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT * FROM {quote(Vendor._meta.db_table)} WHERE applicant_id = %s"
        f" OR partner_id IN (SELECT partner_id FROM {quote(Partner.users.through._meta.db_table)} WHERE user_id = %s)"
        " ORDER BY created_at DESC LIMIT 1"
    )


def vendor_admin_list(*, status: str | None = None, county: str | None = None) -> QuerySet:
    """Every vendor (any status) for the admins' dashboard, newest first, optionally filtered."""
    vendors = Vendor.objects.select_related("applicant", "partner")
    if status:
        vendors = vendors.filter(status=status)
    if county:
        vendors = vendors.filter(county=county)
    return vendors.order_by("-created_at", "-pk")


def vendor_admin_counties() -> list[str]:
    """The counties of all vendors, whatever their status, for the dashboard's filter."""
    return list(Vendor.objects.order_by("county").values_list("county", flat=True).distinct())


def vendor_admin_get(*, pk: int) -> Vendor:
    """One vendor with what the dashboard shows: applicant, categories, audit trail, invitations; Http404."""
    vendors = Vendor.objects.select_related("applicant", "partner").prefetch_related(
        "main_categories",
        "partner__users",
        Prefetch("events", queryset=VendorEvent.objects.select_related("actor")),
        Prefetch(
            "invitations",
            queryset=VendorInvitation.objects.select_related("accepted_by").order_by("-created_at", "-pk"),
        ),
    )
    return get_object_or_404(vendors, pk=pk)


def vendor_admin_invitation_messages(*, vendor: Vendor) -> list[Message]:
    """The invitation SMSes sent (or being sent) to the vendor's contact, newest first, for its dashboard page."""
    return list(
        Message.objects.filter(vendor=vendor, kind=Message.Kind.VENDOR_INVITATION).order_by("-created_at", "-pk")
    )
