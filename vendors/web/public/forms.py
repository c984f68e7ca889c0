"""Public vendor forms: applying to sell, taking a shop over from an invitation.

They validate what is typed and hand it to vendors.onboarding.county (services, county); sanitising and
the status rules live there.
"""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from shop.catalogue.models import Category
from shop.core import regions
from shop.core.phone import normalise_mainland_mobile
from vendors.listings.sanitize import PlainTextField
from vendors.listings.uploads import SafeImageField
from vendors.models import Vendor

APPLICATION_FIELDS = ("name", "contact_name", "contact_phone", "province", "county", "village", "story")


def _model_field(name: str, **kwargs) -> forms.Field:
    return Vendor._meta.get_field(name).formfield(**kwargs)


class VendorApplicationForm(forms.Form):
    """An application to sell. ``vendor`` is the applicant's earlier (pending or rejected) application."""

    name = _model_field("name", form_class=PlainTextField)
    contact_name = _model_field("contact_name", form_class=PlainTextField)
    contact_phone = _model_field(
        "contact_phone",
        max_length=32,
        help_text=_("11 digits, e.g. 138 1234 5678"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    province = _model_field("province", form_class=PlainTextField)
    county = _model_field("county", form_class=PlainTextField, help_text=_("e.g. 临县"))
    village = _model_field("village", form_class=PlainTextField, help_text=_("e.g. 王家庄村"))
    story = _model_field(
        "story",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences about your farm or workshop and what you make."),
    )
    main_categories = forms.ModelMultipleChoiceField(
        label=_("Main product categories"),
        queryset=Category.objects.filter(depth=1, is_public=True).order_by("path"),
        widget=forms.CheckboxSelectMultiple,
    )
    licence = SafeImageField(
        label=_("Business licence or ID photo"),
        help_text=_("A clear photo. Only the market's staff can see it."),
    )

    def __init__(self, *args, vendor: Vendor | None = None, **kwargs):
        self.vendor = vendor
        if vendor is not None:
            kwargs["initial"] = {
                **{name: getattr(vendor, name) for name in APPLICATION_FIELDS},
                "contact_phone": vendor.contact_phone.removeprefix("+86"),
                "main_categories": list(vendor.main_categories.all()),
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        # The province from the division list (the one saved before stays a choice); the county typed, with
        # the province's counties offered as suggestions (the page's <datalist>).
        province = str(self["province"].value() or "")
        self.stored_province = self.initial.get("province") or Vendor._meta.get_field("province").default
        self.fields["province"].widget = forms.Select(
            choices=regions.region_choices(regions.provinces(), province, _("Choose a province")),
            attrs={"autocomplete": "address-level1"},
        )
        self.county_suggestions = regions.province_counties(province)
        self.fields["county"].widget.attrs.update({"list": "county-suggestions", "autocomplete": "address-level2"})
        if vendor is not None and vendor.licence:
            self.fields["licence"].required = False
            self.fields["licence"].help_text = _("We have your photo already; upload a new one only to replace it.")

    def clean_contact_phone(self) -> str:
        return normalise_mainland_mobile(self.cleaned_data["contact_phone"])

    def clean_province(self) -> str:
        province = self.cleaned_data["province"]
        if province not in regions.provinces() and province != self.stored_province:
            raise forms.ValidationError(_("Choose the province from the list."))
        return province

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        others = Vendor.objects.filter(name=name)
        if self.vendor is not None:
            others = others.exclude(pk=self.vendor.pk)
        if others.exists():
            raise forms.ValidationError(_("Another shop already has this name. Please choose another."))
        return name

    def application_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in APPLICATION_FIELDS}


class InvitationAcceptForm(forms.Form):
    """The password (twice) and an optional e-mail of the contact taking a shop over."""

    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        help_text=_("With an email address you can sign in with it later and reset a forgotten password."),
    )
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Confirm password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, username: str, contact_name: str, **kwargs):
        self.username = username
        self.contact_name = contact_name
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"])
        if email and get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with that email address already exists"))
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2:
            if password1 != password2:
                self.add_error("password2", _("The two password fields didn't match."))
            else:
                User = get_user_model()
                user = User(username=self.username, first_name=self.contact_name, email=cleaned.get("email"))
                try:
                    password_validation.validate_password(password1, user)
                except forms.ValidationError as weak:
                    self.add_error("password1", weak)
        return cleaned
