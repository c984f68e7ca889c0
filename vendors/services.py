"""Vendor writes: applications and decisions, listings, stock, shipping, profiles.

Rules:
- Status moves pending -> approved | rejected, rejected -> pending (the
  applicant resubmits), approved -> suspended -> approved. Every move records
  who and when (VendorEvent) and tells the vendor after commit.
- Approving creates (or re-links) the vendor's Oscar Partner and makes the
  applicant one of its users; only then does the seller center open.
- Suspending hides the vendor's products from catalogue and search at once
  (selectors.hidden_vendor_products, search re-index after commit).
- Vendor-written text is sanitised here, on save (sanitize.py).
- Stock edits change num_in_stock relative to allocations in one UPDATE and
  never write num_allocated (OSCAR_PITFALLS 5).
- One product, one vendor: products are created with exactly one stock record,
  of the vendor's partner.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from oscar.apps.order.exceptions import InvalidShippingEvent
from oscar.core.loading import get_class, get_model

from shop.catalogue.services import farm_produce_class
from shop.celery_utils import enqueue_on_commit
from shop.notifications.services import notify_vendor_event
from vendors import orders, tasks
from vendors.models import OrderPart, Shipment, Vendor, VendorEvent
from vendors.onboarding import unique_vendor_slugs
from vendors.sanitize import sanitize_html, sanitize_text

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
ShippingEventType = get_model("order", "ShippingEventType")
EventHandler = get_class("order.processing", "EventHandler")

MAX_PRODUCT_IMAGES = 6


class VendorStatusError(Exception):
    """The vendor is not in a status that allows this move (someone else decided first)."""

    def __init__(self, vendor: Vendor, action: str):
        super().__init__(f"{vendor} is {vendor.status}: cannot {action}")
        self.vendor = vendor


class ShopNameTaken(Exception):
    """Another shop got this name first (two applications at the same moment)."""


class TooManyImages(Exception):
    pass


class ShipmentRefused(Exception):
    """A line is not the vendor's or more would be shipped than was ordered."""


def _record(vendor: Vendor, action: str, actor, reason: str = "") -> VendorEvent:
    event = VendorEvent.objects.create(vendor=vendor, action=action, actor=actor, reason=reason)
    notify_vendor_event(event=event)
    return event


def _locked(vendor: Vendor) -> Vendor:
    return Vendor.objects.select_for_update().get(pk=vendor.pk)


@transaction.atomic
def vendor_apply(*, user, data: dict, categories=(), licence=None) -> Vendor:
    """Create a pending application (or resubmit a rejected one) for this user.

    Raises ShopNameTaken when another shop took the name meanwhile (the form checks it first).
    """
    vendor = Vendor.objects.select_for_update().filter(applicant=user).order_by("-created_at").first()
    if vendor is not None and vendor.status not in (Vendor.Status.PENDING, Vendor.Status.REJECTED):
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


@transaction.atomic
def vendor_reject(*, vendor: Vendor, rejected_by, reason: str) -> Vendor:
    vendor = _locked(vendor)
    if vendor.status != Vendor.Status.PENDING:
        raise VendorStatusError(vendor, "reject")
    vendor.status = Vendor.Status.REJECTED
    vendor.decision_reason = sanitize_text(reason)
    vendor.save(update_fields=["status", "decision_reason", "updated_at"])
    _record(vendor, VendorEvent.Action.REJECTED, rejected_by, vendor.decision_reason)
    return vendor


@transaction.atomic
def vendor_suspend(*, vendor: Vendor, suspended_by, reason: str) -> Vendor:
    """Suspend an approved vendor: its products disappear from catalogue, search and storefronts."""
    vendor = _locked(vendor)
    if vendor.status != Vendor.Status.APPROVED:
        raise VendorStatusError(vendor, "suspend")
    vendor.status = Vendor.Status.SUSPENDED
    vendor.decision_reason = sanitize_text(reason)
    vendor.save(update_fields=["status", "decision_reason", "updated_at"])
    _record(vendor, VendorEvent.Action.SUSPENDED, suspended_by, vendor.decision_reason)
    enqueue_on_commit(tasks.reindex_vendor_products_task, vendor.pk)
    return vendor


@transaction.atomic
def vendor_reinstate(*, vendor: Vendor, reinstated_by) -> Vendor:
    vendor = _locked(vendor)
    if vendor.status != Vendor.Status.SUSPENDED:
        raise VendorStatusError(vendor, "reinstate")
    vendor.status = Vendor.Status.APPROVED
    vendor.decision_reason = ""
    vendor.save(update_fields=["status", "decision_reason", "updated_at"])
    _record(vendor, VendorEvent.Action.REINSTATED, reinstated_by)
    enqueue_on_commit(tasks.reindex_vendor_products_task, vendor.pk)
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


@dataclass
class ProductData:
    title: str
    category: object
    description: str
    price: Decimal
    available: int
    low_stock_threshold: int | None
    attributes: dict


@transaction.atomic
def vendor_product_create(*, vendor: Vendor, data: ProductData, images=()) -> Product:
    """A new public product of this vendor, with its one stock record."""
    if len(images) > MAX_PRODUCT_IMAGES:
        raise TooManyImages
    product = Product(
        title=sanitize_text(data.title),
        description=sanitize_html(data.description),
        product_class=farm_produce_class(),
        structure=Product.STANDALONE,
        is_public=True,
    )
    _set_attributes(product, data.attributes)
    product.save()
    ProductCategory.objects.create(product=product, category=data.category)
    StockRecord.objects.create(
        product=product,
        partner=vendor.partner,
        partner_sku=f"{vendor.partner.code}-{product.pk}",
        price=data.price,
        price_currency=settings.OSCAR_DEFAULT_CURRENCY,
        num_in_stock=data.available,
        low_stock_threshold=data.low_stock_threshold,
    )
    _add_images(product, images)
    return product


@transaction.atomic
def vendor_product_update(*, vendor: Vendor, product: Product, data: ProductData, images=(), remove_image_ids=()):
    """Change a product's listing; stock changes only by what the vendor typed (see vendor_stock_set)."""
    product = Product.objects.select_for_update().get(pk=product.pk, stockrecords__partner=vendor.partner)
    remaining = product.images.exclude(pk__in=remove_image_ids).count()
    if remaining + len(images) > MAX_PRODUCT_IMAGES:
        raise TooManyImages
    product.title = sanitize_text(data.title)
    product.description = sanitize_html(data.description)
    _set_attributes(product, data.attributes)
    product.save()
    ProductCategory.objects.filter(product=product).exclude(category=data.category).delete()
    ProductCategory.objects.get_or_create(product=product, category=data.category)
    StockRecord.objects.filter(product=product, partner=vendor.partner).update(
        price=data.price, low_stock_threshold=data.low_stock_threshold
    )
    vendor_stock_set(vendor=vendor, product=product, available=data.available)
    for image in product.images.filter(pk__in=remove_image_ids):
        image.delete()
    _add_images(product, images)
    return product


def vendor_stock_set(*, vendor: Vendor, product: Product, available: int) -> None:
    """Set the quantity still for sale: num_in_stock = num_allocated + available, in one UPDATE.

    Allocations that orders made since the form was loaded are kept. No re-index:
    search results are rendered from the database, so stock shown is always current.
    """
    # Oscar leaves num_allocated NULL until the first allocation: NULL + n would be NULL.
    StockRecord.objects.filter(product=product, partner=vendor.partner).update(
        num_in_stock=Coalesce(F("num_allocated"), 0) + available
    )


def _set_attributes(product: Product, attributes: dict) -> None:
    for code, value in attributes.items():
        setattr(product.attr, code, sanitize_text(value) if isinstance(value, str) else value)


def _add_images(product: Product, images) -> None:
    start = product.images.count()
    for offset, content in enumerate(images):
        image = ProductImage(product=product, display_order=start + offset, caption="")
        image.original.save(content.name, content, save=False)
        image.save()
        enqueue_on_commit(tasks.generate_thumbnails_task, image.pk)


@transaction.atomic
def vendor_product_image_delete(*, vendor: Vendor, image: ProductImage) -> None:
    """Delete one photo of one of the vendor's products.

    Raises Product.DoesNotExist when the photo's product is not the vendor's.
    """
    product = Product.objects.select_for_update().get(pk=image.product_id, stockrecords__partner=vendor.partner)
    product.images.filter(pk=image.pk).get().delete()


@transaction.atomic
def vendor_product_set_listed(*, vendor: Vendor, product: Product, listed: bool) -> None:
    """Delist (hide) or relist one of the vendor's products."""
    product = Product.objects.select_for_update().get(pk=product.pk, stockrecords__partner=vendor.partner)
    product.is_public = listed
    product.save(update_fields=["is_public", "date_updated"])


@transaction.atomic
def vendor_lines_ship(*, vendor: Vendor, order, quantities: dict, carrier: str, tracking_number: str, shipped_by):
    """Record a parcel of the vendor's lines (partial shipment allowed) and consume their stock allocations.

    The buyer is told (with the tracking number) and the vendor's part of the order becomes shipped
    once all its lines are (vendors.orders). ``quantities`` maps line ids to quantities. Raises
    ShipmentRefused for a line that is not the vendor's, a quantity beyond what is left to ship,
    or a part that is cancelled (or already shipped in full).
    """
    tracking_number = sanitize_text(tracking_number)
    wanted = {int(pk): int(qty) for pk, qty in quantities.items() if int(qty) > 0}
    # The part's lock orders this shipment against a cancellation or another parcel of the same part.
    part = orders.order_part_locked(order=order, vendor=vendor)
    if part is not None and part.status != OrderPart.Status.WAITING:
        raise ShipmentRefused
    lines = list(order.lines.select_for_update().filter(pk__in=wanted, partner=vendor.partner))
    if not wanted or len(lines) != len(wanted):
        raise ShipmentRefused
    event_type, _ = ShippingEventType.objects.get_or_create(code="shipped", defaults={"name": "已发货"})
    handler = EventHandler(user=shipped_by)
    line_quantities = [wanted[line.pk] for line in lines]
    try:
        handler.validate_shipping_event(order, event_type, lines, line_quantities)
        event = handler.create_shipping_event(
            order, event_type, lines, line_quantities, reference=f"{carrier} {tracking_number}"
        )
    except InvalidShippingEvent as refused:
        raise ShipmentRefused from refused
    handler.consume_stock_allocations(order, lines, line_quantities)
    shipment = Shipment.objects.create(
        event=event,
        vendor=vendor,
        carrier=carrier,
        tracking_number=tracking_number,
        shipped_by=shipped_by,
    )
    orders.order_part_shipment_recorded(part=part, shipment=shipment)
    return shipment


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
