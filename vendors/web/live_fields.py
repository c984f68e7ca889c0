"""Form pieces shared by the admins' and the vendors' live-event pages: local times, the window, item numbers.

Times are typed and shown in the shop's time zone (settings.TIME_ZONE, Asia/Shanghai) with the phone's own
date-and-time picker; the end must come after the start (the database refuses it too, with a 500: the form
says it first, in words).
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_LIVE_PRICE = Decimal("99999.99")
MAX_LIVE_QUANTITY = 100_000
MAX_PER_BUYER = 100


def local_datetime_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Please choose a date and time."),
            "invalid": _("Please enter a date and time, e.g. 2026-12-01 19:30."),
        },
    )


def window_clean(form: forms.Form) -> None:
    """Add an error to ``ends_at`` unless it is after ``starts_at`` (both valid)."""
    starts_at, ends_at = form.cleaned_data.get("starts_at"), form.cleaned_data.get("ends_at")
    if starts_at and ends_at and ends_at <= starts_at:
        form.add_error("ends_at", _("The end must be after the start."))


def live_price_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Live price (yuan)"),
        min_value=Decimal("0.01"),
        max_value=MAX_LIVE_PRICE,
        max_digits=8,
        decimal_places=2,
        error_messages={"invalid": _("Please enter a price in yuan, e.g. 29.90.")},
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01"}),
    )


def quantity_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Quantity for the event"),
        min_value=1,
        max_value=MAX_LIVE_QUANTITY,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "1"}),
    )


def per_buyer_limit_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Limit per buyer"),
        min_value=1,
        max_value=MAX_PER_BUYER,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "1"}),
    )


def product_label(product) -> str:
    """A product in a select: title, normal price, what is free now (annotations of the live selectors)."""
    return _("%(title)s · ¥%(price)s · %(free)s in stock") % {
        "title": product.title,
        "price": product.normal_price,
        "free": product.free,
    }


class LiveProductChoiceField(forms.ModelChoiceField):
    """Products of vendors.live.selectors.live_product_choices; ``with_shop`` puts the shop's name first."""

    def __init__(self, *args, with_shop: bool = False, **kwargs):
        self.with_shop = with_shop
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        label = product_label(obj)
        return f"{obj.shop_name} · {label}" if self.with_shop else label


def errors_text(form: forms.Form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
