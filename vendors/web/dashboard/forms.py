"""Admins' vendor forms in the dashboard: filters, decisions, commission, the county CSV."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from vendors.earnings.months import month_parse
from vendors.models import Vendor


class VendorFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    county = forms.ChoiceField(label=_("County"), required=False)

    def __init__(self, *args, counties: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *Vendor.Status.choices]
        self.fields["county"].choices = [("", _("All")), *((county, county) for county in counties)]


class DecisionReasonForm(forms.Form):
    """The reason of a rejection or a suspension: the vendor reads it."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please give a reason: the vendor will read it.")},
    )


def rate_as_percent(rate: Decimal) -> str:
    """A stored rate as admins say it: 0.0500 -> "5", 0.0125 -> "1.25"."""
    return f"{(rate * 100).normalize():f}"


class CommissionRateForm(forms.Form):
    """The commission as admins say it, a percentage (5 for 5%); the vendor keeps it as a rate (0.0500)."""

    commission_percent = forms.DecimalField(
        label=_("Commission rate (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Share of each sale the market keeps, in percent: 5 means 5%."),
    )

    @classmethod
    def for_vendor(cls, vendor) -> "CommissionRateForm":
        return cls(initial={"commission_percent": rate_as_percent(vendor.commission_rate)})

    @property
    def rate(self) -> Decimal:
        return self.cleaned_data["commission_percent"] / 100


class VendorImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "CSV saved by Excel or WPS (UTF-8 or GBK), first row: 店铺名称,联系人,手机号,县区,村 "
            "(or shop name, contact, mobile, county, village)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class PayoutForm(forms.Form):
    """Mark one vendor's month paid, with the bank transfer's reference if there is one."""

    vendor = forms.IntegerField(widget=forms.HiddenInput)
    month = forms.CharField(widget=forms.HiddenInput)
    reference = forms.CharField(label=_("Transfer reference"), max_length=64, required=False)

    def clean_month(self):
        try:
            return month_parse(self.cleaned_data["month"])
        except ValueError as bad:
            raise forms.ValidationError(_("Not a month: please use the form YYYY-MM.")) from bad

    def errors_text(self) -> str:
        return " ".join(str(error) for errors in self.errors.values() for error in errors)
