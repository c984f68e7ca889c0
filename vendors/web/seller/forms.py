"""Seller-center forms: they validate what a vendor types and hand it to the domain services.

No rule lives here beyond input validation; sanitising, stock arithmetic and
ownership are the services' and selectors' business.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from shop.catalogue.models import AttributeOption, Category
from shop.core.phone import normalise_mainland_mobile
from vendors.listings.sanitize import PlainTextField, has_tags, html_as_plain_text, plain_text_as_html
from vendors.listings.services import (
    CERTIFICATIONS_GROUP,
    FARM_PRODUCE_ATTRIBUTES,
    MAX_PRODUCT_IMAGES,
    ProductData,
)
from vendors.listings.uploads import SafeImageField
from vendors.models import Shipment

MAX_PRICE = Decimal("99999.99")
MAX_SHIPPING_FEE = Decimal("200.00")
MAX_FREE_SHIPPING_FROM = Decimal("10000.00")
MAX_QUANTITY = 100_000
# The product class's attributes: the form shows a field for each, in the class's order but for the two
# added later, each next to its kin (the harvest date after the season, certifications after 地理标志).
_FOLLOWS = {"harvest_date": "harvest_season", "certifications": "geographical_indication"}


def _form_order(codes: list[str]) -> tuple[str, ...]:
    ordered = [code for code in codes if code not in _FOLLOWS]
    for code, after in _FOLLOWS.items():
        if code in codes:
            ordered.insert(ordered.index(after) + 1 if after in ordered else len(ordered), code)
    return tuple(ordered)


ATTRIBUTES = _form_order([code for code, _name, _type in FARM_PRODUCE_ATTRIBUTES])


class CategoryChoiceField(forms.ModelChoiceField):
    """Catalogue categories in tree order, children indented under their parents."""

    def label_from_instance(self, obj) -> str:
        return f"{'— ' * (obj.depth - 1)}{obj.name}"


class HttpUrlField(forms.URLField):
    """A web link (http or https only: no javascript:, data: or ftp: links reach a page)."""

    default_validators = [URLValidator(schemes=["http", "https"])]

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)


def _photo_field(number: int) -> SafeImageField:
    return SafeImageField(label=_("Photo %(number)s") % {"number": number}, required=False)


class ProductForm(forms.Form):
    """A product's listing. ``free_photo_slots`` file inputs are offered (6 minus the photos it has)."""

    title = PlainTextField(label=_("Product name"), max_length=120)
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.order_by("path"))
    price = forms.DecimalField(
        label=_("Price (CNY)"),
        min_value=Decimal("0.01"),
        max_value=MAX_PRICE,
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    available = forms.IntegerField(
        label=_("Quantity available for sale"),
        min_value=0,
        max_value=MAX_QUANTITY,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    low_stock_threshold = forms.IntegerField(
        label=_("Low-stock alert at"),
        help_text=_("The seller center lists the product as low on stock at or below this quantity."),
        min_value=0,
        max_value=MAX_QUANTITY,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    description = forms.CharField(
        label=_("Description"),
        help_text=_(
            "A few words for buyers: taste, how it is grown, how to eat it. An empty line starts a new paragraph."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    origin_province = PlainTextField(label=_("Province of origin"), max_length=20, initial="山西省")
    origin_prefecture = PlainTextField(label=_("City of origin"), max_length=30, required=False)
    origin_county = PlainTextField(label=_("County of origin"), max_length=30, required=False)
    origin_village = PlainTextField(label=_("Village or town of origin"), max_length=40, required=False)
    net_weight = PlainTextField(label=_("Net weight"), max_length=30, required=False)
    harvest_season = PlainTextField(label=_("Harvest season"), max_length=30, required=False)
    shelf_life_days = forms.IntegerField(
        label=_("Shelf life (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    storage = PlainTextField(label=_("Storage"), max_length=60, required=False)
    geographical_indication = forms.BooleanField(label=_("Geographical indication product"), required=False)
    harvest_date = forms.DateField(
        label=_("Harvest date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as 2026-10-08, or pick it from the calendar.")},
    )
    certifications = forms.ModelMultipleChoiceField(
        label=_("Certifications"),
        queryset=AttributeOption.objects.filter(group__code=CERTIFICATIONS_GROUP[0]).order_by("pk"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
        error_messages={"invalid_choice": _("Choose among the certifications listed.")},
    )
    video_url = HttpUrlField(
        label=_("Short video link"),
        help_text=_("An http or https link to a short video of the product (optional)."),
        max_length=500,
        required=False,
    )

    def __init__(self, *args, free_photo_slots: int = MAX_PRODUCT_IMAGES, images=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.photo_names = [f"photo_{n}" for n in range(1, free_photo_slots + 1)]
        for n, name in enumerate(self.photo_names, start=1):
            self.fields[name] = _photo_field(n)
        # The product's photos in their order, each with its position (1 = the main photo): a choice that
        # works without script; the page's script moves the photos and sets these for the farmer.
        self.images = list(images)
        positions = [(n, str(n)) for n in range(1, len(self.images) + 1)]
        for n, image in enumerate(self.images, start=1):
            self.fields[f"photo_order_{image.pk}"] = forms.TypedChoiceField(
                label=_("Position of photo %(number)s") % {"number": n},
                choices=positions,
                coerce=int,
                initial=n,
                # A photo added meanwhile (another phone) was not on the page: it keeps its place.
                required=False,
                empty_value=None,
                error_messages={"invalid_choice": _("Choose a position from 1 to %(max)s.") % {"max": len(positions)}},
            )

    @classmethod
    def initial_for(cls, product, stockrecord) -> dict:
        """The form's initial values for an existing product and its stock record."""
        category = product.categories.first()
        initial = {
            "title": product.title,
            "category": category.pk if category else None,
            "price": stockrecord.price,
            "available": stockrecord.net_stock_level,
            "low_stock_threshold": stockrecord.low_stock_threshold,
            # Paragraphs come back as the plain text she typed (no <p> to puzzle over).
            "description": html_as_plain_text(product.description) or product.description,
        }
        values = {value.attribute.code: value.value for value in product.attribute_values.select_related("attribute")}
        if "certifications" in values:
            values["certifications"] = [option.pk for option in values["certifications"]]
        initial.update({code: values[code] for code in ATTRIBUTES if code in values})
        return initial

    def clean_description(self) -> str:
        """Plain text becomes paragraphs; text with tags is HTML, sanitised by the service."""
        text = self.cleaned_data["description"]
        return plain_text_as_html(text) if text and not has_tags(text) else text

    # What a farmer fills in to put a product on sale; the rest of the form is folded (optional details).
    ESSENTIALS = ("title", "category", "price", "available")

    @property
    def main_fields(self):
        return [
            self[name]
            for name in self.fields
            if name not in ATTRIBUTES and name not in self.photo_names and not name.startswith("photo_order_")
        ]

    @property
    def image_rows(self):
        """(image, its position field): in the photos' order, or in the order sent when the form comes back
        with an error (the moves the farmer made are kept)."""
        rows = [(image, self[f"photo_order_{image.pk}"]) for image in self.images]
        if self.is_bound:

            def position(row) -> int:
                try:
                    return int(row[1].value())
                except (TypeError, ValueError):
                    return len(rows) + 1

            rows.sort(key=position)
        return rows

    def image_order(self) -> dict[int, int]:
        """The position the farmer chose for each photo, {image pk: position from 1}."""
        positions = {image.pk: self.cleaned_data[f"photo_order_{image.pk}"] for image in self.images}
        return {pk: position for pk, position in positions.items() if position is not None}

    @property
    def essential_fields(self):
        return [self[name] for name in self.ESSENTIALS]

    @property
    def more_fields(self):
        """The optional details, folded on the page: the other fields and the origin attributes."""
        return [field for field in self.main_fields if field.name not in self.ESSENTIALS] + self.attribute_fields

    @property
    def more_fields_have_errors(self) -> bool:
        return any(field.errors for field in self.more_fields)

    @property
    def attribute_fields(self):
        return [self[name] for name in ATTRIBUTES]

    @property
    def photo_fields(self):
        return [self[name] for name in self.photo_names]

    def photos(self) -> list:
        """The re-encoded uploads (ContentFile), in input order."""
        return [self.cleaned_data[name] for name in self.photo_names if self.cleaned_data.get(name)]

    def product_data(self) -> ProductData:
        data = self.cleaned_data
        attributes = {code: (data[code] if data[code] not in ("", None) else None) for code in ATTRIBUTES}
        attributes["certifications"] = list(data["certifications"]) or None
        attributes["geographical_indication"] = data["geographical_indication"]
        return ProductData(
            title=data["title"],
            category=data["category"],
            description=data["description"],
            price=data["price"],
            available=data["available"],
            low_stock_threshold=data["low_stock_threshold"],
            attributes=attributes,
        )


class StockForm(forms.Form):
    """Only the quantity still for sale; what orders have allocated is kept (services.vendor_stock_set)."""

    available = forms.IntegerField(
        label=_("Quantity available for sale"),
        min_value=0,
        max_value=MAX_QUANTITY,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ShipForm(forms.Form):
    """One parcel: per own line still to ship a quantity (default: all that is left), carrier, tracking number.

    The tracking number is kept as the carrier prints it (formats differ); delivered by the seller (自送)
    or left at the village post station (村邮站), the parcel needs none.
    """

    carrier = forms.ChoiceField(label=_("Carrier"), choices=Shipment.Carrier.choices)
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        required=False,
        max_length=40,
        help_text=_(
            "As printed on the waybill. Not needed when you deliver it yourself or leave it at the village post."
        ),
        error_messages={"max_length": _("A tracking number has at most 40 characters.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.line_rows = []
        for line in lines:
            remaining = line.quantity - line.shipped_quantity
            if remaining <= 0:
                continue
            name = f"line_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=line.description,
                min_value=0,
                max_value=remaining,
                initial=remaining,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.line_rows.append((line, remaining, name))

    @property
    def quantity_fields(self):
        return [(line, remaining, self[name]) for line, remaining, name in self.line_rows]

    def clean(self):
        data = super().clean()
        carrier = data.get("carrier")
        if carrier and carrier not in Shipment.Carrier.without_tracking() and not data.get("tracking_number"):
            self.add_error("tracking_number", _("Enter the tracking number printed on the waybill."))
        if self.line_rows and not any(data.get(name) for _line, _remaining, name in self.line_rows):
            raise ValidationError(_("Choose at least one item to ship."), code="nothing_to_ship")
        return data

    def quantities(self) -> dict[int, int]:
        return {
            line.pk: self.cleaned_data[name] for line, _remaining, name in self.line_rows if self.cleaned_data[name]
        }


def _money_field(*, label, maximum: Decimal, error) -> forms.DecimalField:
    """An optional amount in yuan from 0 to ``maximum``; blank means the platform default."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_value=maximum,
        decimal_places=2,
        error_messages={"min_value": error, "max_value": error, "invalid": error},
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )


class ProfileForm(forms.Form):
    """What the storefront shows (logo, banner, story, contact, village) and the shop's shipping terms."""

    logo = SafeImageField(label=_("Logo"), required=False)
    banner = SafeImageField(label=_("Banner"), required=False)
    story = forms.CharField(
        label=_("Our story"),
        help_text=_("Simple formatting is kept (paragraphs, bold, lists, links); everything else is removed."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        required=False,
    )
    contact_name = PlainTextField(label=_("Contact person"), max_length=30)
    contact_phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    village = PlainTextField(label=_("Village"), max_length=40, required=False)
    shipping_fee = _money_field(
        label=_("Shipping fee per order (yuan)"),
        maximum=MAX_SHIPPING_FEE,
        error=_("Enter a shipping fee from 0 to %(max)s yuan, or leave it blank.") % {"max": MAX_SHIPPING_FEE},
    )
    free_shipping_from = _money_field(
        label=_("Free shipping from a goods total of (yuan)"),
        maximum=MAX_FREE_SHIPPING_FROM,
        error=_("Enter an amount from 0 to %(max)s yuan, or leave it blank.") % {"max": MAX_FREE_SHIPPING_FROM},
    )

    FIELDS = ("story", "contact_name", "contact_phone", "village", "shipping_fee", "free_shipping_from")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipping_fee"].help_text = _(
            "Leave blank for the platform default (%(fee)s yuan). 0 means you always ship free."
        ) % {"fee": settings.VENDOR_DEFAULT_SHIPPING_FEE}
        self.fields["free_shipping_from"].help_text = _(
            "An order of your goods from this total on ships free. "
            "Leave blank for the platform default (%(amount)s yuan)."
        ) % {"amount": settings.VENDOR_DEFAULT_FREE_SHIPPING_FROM}

    def clean_contact_phone(self) -> str:
        return normalise_mainland_mobile(self.cleaned_data["contact_phone"])

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}
