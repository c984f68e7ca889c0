"""Checkout forms: overrides Oscar's gateway (GatewayForm, below) and ShippingAddressForm for Chinese addresses.

Oscar's address model is kept; its fields carry a Chinese address:
first_name = recipient, phone_number = mainland mobile (required),
state = province, line4 = city, line3 = district/county, line1 = street
address, postcode optional. The country is fixed to China (the only shipping
country), so Oscar hides it.
"""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
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


# The standard autofill tokens (HTML's autocomplete attribute), so a phone's browser fills a saved address;
# line3 holds the district, the third level of a Chinese address.
ADDRESS_AUTOCOMPLETE = {
    "first_name": "shipping name",
    "phone_number": "shipping tel",
    "state": "shipping address-level1",
    "line4": "shipping address-level2",
    "line3": "shipping address-level3",
    "line1": "shipping street-address",
    "postcode": "shipping postal-code",
}


def set_address_autocomplete(form) -> None:
    for name, token in ADDRESS_AUTOCOMPLETE.items():
        if name in form.fields:
            form.fields[name].widget.attrs["autocomplete"] = token
    if "phone_number" in form.fields:
        form.fields["phone_number"].widget.attrs["inputmode"] = "tel"
    if "postcode" in form.fields:
        form.fields["postcode"].widget.attrs["inputmode"] = "numeric"


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
        self.fields["phone_number"].widget.attrs["placeholder"] = "13812345678"
        set_address_autocomplete(self)
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


class GatewayForm(oscar_forms.GatewayForm):
    """Oscar's "who are you?" step, working without JavaScript and asking a guest for nothing required.

    - Buying as a guest: the mobile number or e-mail address typed is kept (a number fills the shipping
      address's), and may be left empty: the shipping address asks for the mobile number anyway.
    - Signing in: a mobile number or an e-mail address and the password, as on the login page.
    - The password box is not ``required`` in the HTML (Oscar's is, and only its JavaScript lifts it, so a
      guest with JavaScript off could not go on): the password is checked here when signing in.
    """

    username = forms.CharField(
        label=_("Mobile number or e-mail"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        if not value:
            return value
        if "@" in value:
            try:
                validate_email(value)
            except ValidationError:
                raise ValidationError(_("Enter your e-mail address or your 11-digit mobile number.")) from None
            return value
        try:
            return normalise_mainland_mobile(value)
        except ValidationError:
            raise ValidationError(_("Enter your e-mail address or your 11-digit mobile number.")) from None

    def clean(self):
        if self.is_guest_checkout() or self.is_new_account_checkout():
            return self.cleaned_data
        if "username" in self.errors:
            return self.cleaned_data
        username = self.cleaned_data.get("username", "")
        if not username:
            self.add_error("username", _("Enter your e-mail address or your 11-digit mobile number."))
        if not self.cleaned_data.get("password"):
            self.add_error("password", _("Enter your password."))
        if self.errors:
            return self.cleaned_data
        # The account name is the 11 digits for a mobile number (shop.customer.accounts).
        self.cleaned_data["username"] = username.removeprefix("+86")
        return AuthenticationForm.clean(self)  # authenticates (Oscar's GatewayForm.clean is for guests)

    def guest_email(self) -> str:
        value = self.cleaned_data.get("username", "")
        return value if "@" in value else ""

    def guest_mobile(self) -> str:
        value = self.cleaned_data.get("username", "")
        return value if value.startswith("+86") else ""
