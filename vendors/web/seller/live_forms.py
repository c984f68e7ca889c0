"""A farmer's live-sale forms: propose an event, add one of her own products to it. Short labels, plain words.

Input validation only; whether the product may be featured (price below normal, quantity in stock) is
vendors.live.services' answer, shown as a form error.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vendors.listings.sanitize import PlainTextField
from vendors.web.live_fields import (
    LiveProductChoiceField,
    live_price_field,
    local_datetime_field,
    per_buyer_limit_field,
    quantity_field,
    window_clean,
)


class ProposalForm(forms.Form):
    title = PlainTextField(
        label=pgettext_lazy("seller live", "Title"),
        max_length=80,
        help_text=pgettext_lazy("seller live", "For example: 王家庄红枣丰收直播"),
    )
    host_name = PlainTextField(label=pgettext_lazy("seller live", "Host"), max_length=30)
    starts_at = local_datetime_field(pgettext_lazy("seller live", "Starts at"))
    ends_at = local_datetime_field(pgettext_lazy("seller live", "Ends at"))
    description = PlainTextField(
        label=pgettext_lazy("seller live", "What you will sell"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )

    FIELDS = ("title", "host_name", "starts_at", "ends_at", "description")

    @classmethod
    def initial_for(cls, event) -> dict:
        return {name: getattr(event, name) for name in cls.FIELDS}

    def clean(self):
        data = super().clean()
        window_clean(self)
        return data

    def proposal_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class ProposalItemForm(forms.Form):
    product = LiveProductChoiceField(
        label=pgettext_lazy("seller live", "Product"),
        queryset=None,
        error_messages={"invalid_choice": _("Please choose one of your own products that is on sale.")},
    )
    live_price = live_price_field()
    quantity = quantity_field()
    per_buyer_limit = per_buyer_limit_field()

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["product"].empty_label = _("— choose a product —")
