"""Overrides Oscar's login form (farmers sign in with their mobile number or their e-mail) and gives the
address book a form laid out for a Chinese address (UserAddressForm, used by shop.customer.views).

Oscar's login form accepts only an e-mail address, but a vendor invited by the county
import has the mobile number as its account name and often no e-mail at all.
An entry that reads as a mainland mobile number is normalised to the 11 digits
(the username ModelBackend checks); anything else is taken as an e-mail
(Oscar's EmailBackend).
"""

from django import forms
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


class UserAddressForm(address_forms.UserAddressForm):
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
        self.fields["phone_number"].widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel", "placeholder": "13812345678"}
        )
        self.fields["notes"].help_text = ""
        countries = Country.objects.filter(is_shipping_country=True)
        if len(countries) == 1:
            self.fields.pop("country")
            self.instance.country = countries[0]
        else:
            self.fields["country"].queryset = countries

    clean_phone_number_field = checkout_forms.ShippingAddressForm.clean_phone_number_field
