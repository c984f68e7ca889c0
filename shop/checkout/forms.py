"""Checkout forms: overrides Oscar's gateway (GatewayForm, below) and ShippingAddressForm for Chinese addresses.

Oscar's address model is kept; its fields carry a Chinese address:
first_name = recipient, phone_number = mainland mobile (required),
state = province, line4 = city, line3 = district/county, line1 = street
address, postcode optional. The country is fixed to China (the only shipping
country), so Oscar hides it.

The 省/市/区 are three selects fed by shop.core.regions (ChineseAddressFormMixin, shared with the address
book's form): without JavaScript, the 更新城市和区县 button re-renders the form with the chosen province's
cities; with it, static/js/address.js fills the lower selects at once. A whole address pasted from a chat
(收货人 手机 省市区 详细地址) is read into the fields by the 识别 button (address_form_assist, which the
views call; nothing typed is lost when nothing is recognised).
"""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import forms as oscar_forms

from shop.core import regions
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


REGION_FIELDS = ("state", "line4", "line3")
PASTE_FIELD = "pasted"


def region_values_fit(values: dict) -> dict:
    """The values with a city that is not the province's, or a district that is not the city's, cleared;
    a province with one city (a municipality) gets it chosen."""
    values = dict(values)
    province, city, district = (values.get(name) or "" for name in REGION_FIELDS)
    city_names = regions.cities(province)
    if len(city_names) == 1:
        city = city_names[0]
    elif city not in city_names:
        city = ""
    if district not in regions.districts(province, city):
        district = ""
    values.update(state=province, line4=city, line3=district)
    return values


class ChineseAddressFormMixin:
    """Province, city and district as selects of the divisions (shop.core.regions), a box to paste a whole
    address into, and a check that the three fit together. An address saved before (its stored 省/市/区,
    free text then) stays valid as long as its three are not changed."""

    def setup_chinese_address(self):
        self.stored_region = tuple((self.initial.get(name) or "") for name in REGION_FIELDS)
        province, city, district = (str(self[name].value() or "") for name in REGION_FIELDS)
        levels = {
            "state": ("province", regions.provinces(), province, _("Choose a province")),
            "line4": ("city", regions.cities(province), city, _("Choose a city")),
            "line3": ("district", regions.districts(province, city), district, _("Choose a district or county")),
        }
        for name, (level, names, current, blank) in levels.items():
            field = self.fields[name]
            field.widget = forms.Select(
                choices=regions.region_choices(names, current, blank),
                attrs={"data-region": level, "class": "custom-select"},
            )
            field.required = name == "state"
        self.fields[PASTE_FIELD] = forms.CharField(
            label=_("Paste a whole address"),
            required=False,
            max_length=regions.PASTE_MAX_LENGTH,
            help_text=_("Recipient, mobile number, province, city, district and street, as copied from a chat."),
            widget=forms.Textarea(
                attrs={"rows": 3, "placeholder": _("e.g. 张三 13812345678 山西省吕梁市临县城庄镇王家庄村12号")}
            ),
        )
        self.order_fields([PASTE_FIELD, *self.fields])

    def clean(self):
        cleaned = super().clean()
        region = tuple((cleaned.get(name) or "") for name in REGION_FIELDS)
        if region != self.stored_region and cleaned.get("state"):
            problem = regions.region_error(*region)
            messages = {
                "province": ("state", _("Choose the province from the list.")),
                "city": ("line4", _("Choose the city from the list.")),
                "district": ("line3", _("Choose the district or county from the list.")),
            }
            if problem:
                self.add_error(*messages[problem])
        return cleaned


def address_form_assist(form, *, parse: bool) -> tuple[dict, str, str]:
    """What an address form re-renders with after its 识别 (parse) or 更新城市和区县 button: the posted
    values (the pasted address read into them when parse), a notice and its level ("success"/"danger").

    Only fields the pasted text gave a value are changed; nothing is saved."""
    names = [name for name in form.fields if name != "country"]
    values = {name: form.data.get(form.add_prefix(name), "")[:1000] for name in names}
    notice, level = "", ""
    if parse:
        values, notice, level = _values_with_paste(values)
    return region_values_fit(values), str(notice), level


def _values_with_paste(values: dict) -> tuple[dict, str, str]:
    text = values.get(PASTE_FIELD, "").strip()
    if not text:
        return values, _("Paste the address into the box first, then tap the button to read it."), "danger"
    try:
        found = regions.address_paste_parse(text)
    except ValidationError as error:
        if error.code == "paste_too_long":
            message = _("The pasted text is too long (at most %(max)d characters). Paste only the address.")
            return values, message % {"max": regions.PASTE_MAX_LENGTH}, "danger"
        message = _(
            "Could not read an address in the pasted text. Paste the recipient, mobile number, province, city, "
            "district and street, or fill in the fields below."
        )
        return values, message, "danger"
    filled = {
        "first_name": found.recipient,
        "phone_number": found.mobile.removeprefix("+86"),
        "line1": found.street,
        "postcode": found.postcode,
    }
    if found.province:
        filled.update(state=found.province, line4=found.city, line3=found.district)
    values = {**values, **{name: value for name, value in filled.items() if value and name in values}}
    if not found.province:
        message = _(
            "The province, city and district could not be read: choose them below. What could be read is filled in."
        )
        return values, message, "danger"
    return values, _("Address read: please check each field below."), "success"


class ShippingAddressForm(ChineseAddressFormMixin, oscar_forms.ShippingAddressForm):
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
        self.setup_chinese_address()
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
