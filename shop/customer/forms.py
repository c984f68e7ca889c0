"""Overrides Oscar's login form: farmers sign in with their mobile number or their e-mail.

Oscar's form accepts only an e-mail address, but a vendor invited by the county
import has the mobile number as its account name and often no e-mail at all.
An entry that reads as a mainland mobile number is normalised to the 11 digits
(the username ModelBackend checks); anything else is taken as an e-mail
(Oscar's EmailBackend).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer import forms as oscar_forms

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
