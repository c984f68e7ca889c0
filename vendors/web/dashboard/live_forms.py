"""Admins' live-event forms in the dashboard: an event's details, a status filter, an item and its changes.

Input validation only (the end after the start, http(s) links, numbers in range); whether a product may be
featured (approved shop, price below normal, quantity free) is vendors.live.services' answer (ItemRefused),
which the views show as a form error.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vendors.listings.sanitize import PlainTextField
from vendors.listings.uploads import SafeImageField
from vendors.live.selectors import ADMIN_STATUSES
from vendors.web.live_fields import (
    LiveProductChoiceField,
    live_price_field,
    local_datetime_field,
    per_buyer_limit_field,
    quantity_field,
    window_clean,
)
from vendors.web.seller.forms import HttpUrlField

STATUS_LABELS = {
    "draft": pgettext_lazy("live event filter", "Draft or proposed"),
    "scheduled": pgettext_lazy("live event filter", "Scheduled, not started"),
    "live": pgettext_lazy("live event filter", "Live now"),
    "ended": pgettext_lazy("live event filter", "Ended"),
    "cancelled": pgettext_lazy("live event filter", "Cancelled"),
}


def _link_field(label) -> HttpUrlField:
    return HttpUrlField(
        label=label,
        max_length=500,
        required=False,
        error_messages={"invalid": _("Please enter a web link starting with http:// or https://.")},
    )


class LiveEventFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("All")),
            *((status, STATUS_LABELS[status]) for status in ADMIN_STATUSES),
        ]


class LiveEventForm(forms.Form):
    title = PlainTextField(label=_("Title"), max_length=80)
    host_name = PlainTextField(label=_("Host"), max_length=30)
    host_title = PlainTextField(label=_("Host's title"), max_length=40, required=False)
    county = PlainTextField(label=_("County"), max_length=30)
    starts_at = local_datetime_field(_("Starts at (Beijing time)"))
    ends_at = local_datetime_field(_("Ends at (Beijing time)"))
    cover = SafeImageField(label=_("Cover image"), required=False)
    description = forms.CharField(
        label=pgettext_lazy("live event", "Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
    )
    stream_url = _link_field(_("Stream link"))
    replay_url = _link_field(_("Replay link"))

    FIELDS = ("title", "host_name", "host_title", "county", "starts_at", "ends_at", "description")
    LINKS = ("stream_url", "replay_url")

    @classmethod
    def initial_for(cls, event) -> dict:
        return {name: getattr(event, name) for name in (*cls.FIELDS, *cls.LINKS)}

    def clean(self):
        data = super().clean()
        window_clean(self)
        return data

    def event_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in (*self.FIELDS, *self.LINKS, "cover")}


class LiveItemForm(forms.Form):
    """Feature a product: one of ``products`` (public products of approved shops, as filtered on the page)."""

    product = LiveProductChoiceField(
        label=_("Product"),
        queryset=None,
        with_shop=True,
        error_messages={
            "invalid_choice": _(
                "This product cannot be chosen now (its shop is not approved, or it is off sale). Please find it again."
            )
        },
    )
    live_price = live_price_field()
    quantity = quantity_field()
    per_buyer_limit = per_buyer_limit_field()
    display_order = forms.IntegerField(label=_("Display order"), min_value=0, initial=0, required=False)

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["product"].empty_label = _("— choose a product —")


class LiveItemChangeForm(forms.Form):
    per_buyer_limit = per_buyer_limit_field()
    display_order = forms.IntegerField(label=_("Display order"), min_value=0)
