"""Listings writes: a vendor's products, their stock and photos, and the farm-produce product class.

Rules:
- One product, one vendor: a product is created with exactly one stock record, of the vendor's partner,
  and only that vendor changes it (every write looks the product up through the vendor's partner).
- Stock edits change num_in_stock relative to allocations in one UPDATE and never write num_allocated
  (docs/oscar-pitfalls.md #5).
- Vendor-written text is sanitised on save (vendors.listings.sanitize); photos were re-encoded by the
  form (vendors.listings.uploads) and get their thumbnails from a task after commit.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce

from shop.catalogue.models import (
    AttributeOption,
    AttributeOptionGroup,
    Product,
    ProductAttribute,
    ProductCategory,
    ProductClass,
    ProductImage,
)
from shop.core.celery_utils import enqueue_on_commit
from shop.core.pagecache import page_cache_hold
from shop.partner.models import StockRecord
from vendors.listings.sanitize import sanitize_html, sanitize_text
from vendors.listings.tasks import generate_thumbnails_task
from vendors.models import Vendor

PRODUCT_CLASS_SLUG = "farm-produce"
# (code, name, type): what a buyer of farm produce asks about. A vendors
# migration creates the same class in every database; this keeps code that
# needs it working on a database that was emptied (tests that truncate).
FARM_PRODUCE_ATTRIBUTES = [
    ("origin_province", "产地省份", "text"),
    ("origin_prefecture", "产地市", "text"),
    ("origin_county", "产地县区", "text"),
    ("origin_village", "产地村镇", "text"),
    ("net_weight", "净含量", "text"),
    ("harvest_season", "采收季节", "text"),
    ("shelf_life_days", "保质期（天）", "integer"),
    ("storage", "储存方式", "text"),
    ("geographical_indication", "地理标志产品", "boolean"),
    ("video_url", "短视频链接", "text"),
    ("harvest_date", "采收日期", "date"),
    ("certifications", "认证", "multi_option"),
]
# The option group of the multi-option attribute "certifications": (code, option).
CERTIFICATIONS_GROUP = ("farm-certifications", "农产品认证")
CERTIFICATION_OPTIONS = [("green-food", "绿色食品"), ("organic", "有机产品"), ("famous-special", "名特优新农产品")]


def farm_produce_class():
    """The product class vendors sell under, with its attributes."""
    product_class, created = ProductClass.objects.get_or_create(
        slug=PRODUCT_CLASS_SLUG, defaults={"name": "农产品", "requires_shipping": True, "track_stock": True}
    )
    if created or product_class.attributes.count() < len(FARM_PRODUCE_ATTRIBUTES):
        for code, name, type_ in FARM_PRODUCE_ATTRIBUTES:
            defaults = {"name": name, "type": type_}
            if type_ == ProductAttribute.MULTI_OPTION:
                defaults["option_group"] = certifications_group()
            ProductAttribute.objects.get_or_create(product_class=product_class, code=code, defaults=defaults)
    return product_class


def certifications_group() -> AttributeOptionGroup:
    """The certifications a farm product may carry (the options of the "certifications" attribute)."""
    code, name = CERTIFICATIONS_GROUP
    group, _ = AttributeOptionGroup.objects.get_or_create(code=code, defaults={"name": name})
    for option_code, option in CERTIFICATION_OPTIONS:
        AttributeOption.objects.get_or_create(group=group, code=option_code, defaults={"option": option})
    return group


MAX_PRODUCT_IMAGES = 6


class TooManyImages(Exception):
    pass


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
def vendor_product_update(
    *, vendor: Vendor, product: Product, data: ProductData, images=(), remove_image_ids=(), image_order=None
):
    """Change a product's listing; stock changes only by what the vendor typed (see vendor_stock_set).

    ``image_order`` ({image pk: position from 1}) puts the product's photos in the vendor's order (the
    first is the main photo); new photos go after them. Cached pages show the change as soon as it
    commits (shop.core.pagecache)."""
    product = Product.objects.select_for_update().get(pk=product.pk, stockrecords__partner=vendor.partner)
    page_cache_hold()
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
    if image_order:
        _order_images(product, image_order)
    _add_images(product, images)
    return product


def _order_images(product: Product, image_order: dict[int, int]) -> None:
    """Number the product's photos 0, 1, 2 ... by the positions asked for; a photo not named, or two
    named at one position, keep their present order among themselves."""
    current = list(product.images.order_by("display_order", "pk"))
    ranked = sorted(
        enumerate(current), key=lambda item: (image_order.get(item[1].pk, len(current) + item[0] + 1), item[0])
    )
    for display_order, (_index, image) in enumerate(ranked):
        if image.display_order != display_order:
            ProductImage.objects.filter(pk=image.pk).update(display_order=display_order)


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
        enqueue_on_commit(generate_thumbnails_task, image.pk)


@transaction.atomic
def vendor_product_image_delete(*, vendor: Vendor, image: ProductImage) -> None:
    """Delete one photo of one of the vendor's products.

    Raises Product.DoesNotExist when the photo's product is not the vendor's.
    """
    product = Product.objects.select_for_update().get(pk=image.product_id, stockrecords__partner=vendor.partner)
    product.images.filter(pk=image.pk).get().delete()


@transaction.atomic
def vendor_product_set_listed(*, vendor: Vendor, product: Product, listed: bool) -> None:
    """Delist (hide) or relist one of the vendor's products; no cached page shows the old state once it commits."""
    page_cache_hold()
    product = Product.objects.select_for_update().get(pk=product.pk, stockrecords__partner=vendor.partner)
    product.is_public = listed
    product.save(update_fields=["is_public", "date_updated"])
