"""The buyer's reason for cancelling a shop's part: one of a short list, and a few words if it likes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vendors.listings.sanitize import PlainTextField
from vendors.models import CancelReason


class PartCancelForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you cancelling?"),
        choices=CancelReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please tell the shop why you cancel.")},
    )
    note = PlainTextField(
        label=_("Anything to add for the shop? (optional)"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
