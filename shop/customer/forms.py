"""Overrides Oscar's login form (farmers sign in with their mobile number or their e-mail), gives the
address book a form laid out for a Chinese address (UserAddressForm, used by shop.customer.views), and
the forms of the mobile-number identity (a number and an SMS code: PhoneSignInForm, PhoneRegistrationForm,
PhonePasswordResetForm; the rules of codes are shop.customer.phone_codes').

Oscar's login form accepts only an e-mail address, but a vendor invited by the county
import has the mobile number as its account name and often no e-mail at all.
An entry that reads as a mainland mobile number is normalised to the 11 digits
(the username ModelBackend checks); anything else is taken as an e-mail
(Oscar's EmailBackend).
"""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordMixin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from oscar.apps.address import forms as address_forms
from oscar.apps.address.models import Country
from oscar.apps.customer import forms as oscar_forms

from shop.checkout import forms as checkout_forms
from shop.core.phone import normalise_mainland_mobile


class EmailAuthenticationForm(oscar_forms.EmailAuthenticationForm):
    username = forms.CharField(label=_("E-mail or mobile number"), max_length=254)

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        if "@" in value:
            return value
        try:
            return normalise_mainland_mobile(value).removeprefix("+86")
        except ValidationError:
            raise ValidationError(_("Enter your e-mail address or your 11-digit mobile number.")) from None


class UserAddressForm(checkout_forms.ChineseAddressFormMixin, address_forms.UserAddressForm):
    """The address book's form laid out as the checkout's Chinese address (shop.checkout.forms): recipient,
    mobile number (required), province, city, district, street; China, the one shipping country, hidden.
    Oscar's own reads 名字 / 地址第三行 / 国家 (for the province)."""

    class Meta(address_forms.UserAddressForm.Meta):
        fields = checkout_forms.ShippingAddressForm.Meta.fields
        widgets = checkout_forms.ShippingAddressForm.Meta.widgets

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        for name, label in checkout_forms.ADDRESS_LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
        self.fields["phone_number"].required = True
        self.fields["phone_number"].widget.attrs["placeholder"] = "13812345678"
        self.setup_chinese_address()
        checkout_forms.set_address_autocomplete(self)
        self.fields["notes"].help_text = ""
        countries = Country.objects.filter(is_shipping_country=True)
        if len(countries) == 1:
            self.fields.pop("country")
            self.instance.country = countries[0]
        else:
            self.fields["country"].queryset = countries

    clean_phone_number_field = checkout_forms.ShippingAddressForm.clean_phone_number_field


class MobileNumberField(forms.CharField):
    """A mainland mobile number, cleaned to +86 and 11 digits; the phone's number pad, autofill's tel."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel", "placeholder": "13812345678"})

    def clean(self, value):
        value = super().clean(value)
        return normalise_mainland_mobile(value) if value else value


_CODE = re.compile(r"[0-9]{6}", re.ASCII)


class PhoneCodeForm(forms.Form):
    """A mobile number and the 6-digit code sent to it. Submitted with ``send_code`` (the 获取验证码
    button) only the number is checked: the page asks for a code; otherwise every field is."""

    phone = MobileNumberField()
    code = forms.CharField(
        label=_("SMS code"),
        max_length=6,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}", "maxlength": "6"}
        ),
    )

    def __init__(self, *args, sending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending = sending
        if sending:
            for name, field in self.fields.items():
                if name != "phone":
                    field.required = False

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not self.sending and not _CODE.fullmatch(code):
            raise ValidationError(_("Enter the 6-digit code from the SMS."))
        return code

    def clean(self):
        cleaned = super().clean()
        if not self.sending:
            self.validate()
        return cleaned

    def validate(self):
        """The other fields' cross-checks, skipped when only a code is asked for."""


class PhoneSignInForm(PhoneCodeForm):
    """Sign in with a number and a code; a number with no account yet gets one (signing up)."""


class PhoneRegistrationForm(SetPasswordMixin, PhoneCodeForm):
    """Register with a number, a code and a password; the e-mail address is optional."""

    email = forms.EmailField(
        label=_("E-mail (optional)"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1, password2 = SetPasswordMixin.create_password_fields()

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email and get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(_("This e-mail address is used by another account already."))
        return email

    def validate(self):
        self.validate_passwords()
        phone = self.cleaned_data.get("phone") or ""
        self.validate_password_for_user(get_user_model()(username=phone.removeprefix("+86")))


class PhonePasswordResetForm(SetPasswordMixin, PhoneCodeForm):
    """A new password for the account of a number, proven by a code."""

    password1, password2 = SetPasswordMixin.create_password_fields(_("New password"), _("New password again"))

    def validate(self):
        self.validate_passwords()
        phone = self.cleaned_data.get("phone") or ""
        self.validate_password_for_user(get_user_model()(username=phone.removeprefix("+86")))


class GuestOrderLookupForm(PhoneCodeForm):
    """A guest finds an order by its number and the mobile number it ships to, proven by an SMS code."""

    order_number = forms.CharField(
        label=_("Order number"), max_length=128, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )

    field_order = ["order_number", "phone", "code"]
