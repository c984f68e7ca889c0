"""Checkout forms: overrides Oscar's ShippingAddressForm for Chinese addresses.

Oscar's address model is kept; its fields carry a Chinese address:
first_name = recipient, phone_number = mainland mobile (required),
state = province, line4 = city, line3 = district/county, line1 = street
address, postcode optional. The country is fixed to China (the only shipping
country), so Oscar hides it.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import forms as oscar_forms

from shop.core.phone import normalise_mainland_mobile

ADDRESS_LABELS = {
    "first_name": _("Recipient"),
    "phone_number": _("Mobile number"),
    "state": _("Province"),
    "line4": _("City"),
    "line3": _("District / county"),
    "line1": _("Street address"),
    "postcode": _("Postcode (optional)"),
    "notes": _("Delivery notes"),
}


class ShippingAddressForm(oscar_forms.ShippingAddressForm):
    class Meta(oscar_forms.ShippingAddressForm.Meta):
        fields = [
            "first_name",
            "phone_number",
            "state",
            "line4",
            "line3",
            "line1",
            "postcode",
            "country",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in ADDRESS_LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
        self.fields["phone_number"].required = True
        self.fields["phone_number"].widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel", "placeholder": "13812345678"}
        )
        self.fields["line1"].widget.attrs["placeholder"] = _("Street, building, room")
        self.fields["notes"].help_text = ""

    def clean_phone_number_field(self, field_name):
        number = self.cleaned_data.get(field_name)
        if not number:
            return number  # the field's own "required" error already says so
        try:
            return normalise_mainland_mobile(number)
        except forms.ValidationError as error:
            self.add_error(field_name, error)
            return number
