"""Admins' vendor pages inside Oscar's dashboard: review, decide, audit, import a county's CSV.

Staff only, the way Oscar's dashboard checks it (``permissions_required(["is_staff"])``): an
anonymous visitor is sent to the login page, a signed-in consumer or vendor gets 403. Vendors
never use Oscar's dashboard (docs/architecture.md, "Who is who"). The decisions are vendors.onboarding.services
functions; a decision someone else made first (VendorStatusError) is a message, never a 500.
"""

from urllib.parse import quote

from django.contrib import messages
from django.db import IntegrityError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic
from oscar.templatetags.currency_filters import currency

from vendors.earnings.months import month_is_over, month_next, month_parse, month_previous
from vendors.earnings.selectors import payout_month_default, payout_report, payout_report_totals
from vendors.earnings.services import PayoutRefused, payout_mark_paid
from vendors.models import Vendor
from vendors.onboarding.county import (
    TEMPLATE_EXAMPLE,
    TEMPLATE_HEADER,
    ImportFileInvalid,
    InvitationInvalid,
    vendor_csv_import,
    vendor_invitation_create,
)
from vendors.onboarding.selectors import (
    vendor_admin_counties,
    vendor_admin_get,
    vendor_admin_invitation_messages,
    vendor_admin_list,
)
from vendors.onboarding.services import (
    VendorStatusError,
    vendor_approve,
    vendor_commission_rate_set,
    vendor_reinstate,
    vendor_reject,
    vendor_suspend,
)
from vendors.web.csv import excel_csv_response
from vendors.web.dashboard.access import StaffOnlyMixin
from vendors.web.dashboard.forms import (
    CommissionRateForm,
    DecisionReasonForm,
    PayoutForm,
    VendorFilterForm,
    VendorImportForm,
    rate_as_percent,
)

DETAIL_TEMPLATE = "vendors/dashboard/vendor_detail.html"


class VendorListView(StaffOnlyMixin, generic.ListView):
    template_name = "vendors/dashboard/vendor_list.html"
    context_object_name = "vendors"
    paginate_by = 25

    def get_queryset(self):
        self.form = VendorFilterForm(self.request.GET, counties=vendor_admin_counties())
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        return vendor_admin_list(status=filters.get("status"), county=filters.get("county"))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form": self.form}


def _detail(request, vendor: Vendor, *, status: int = 200, **forms):
    """The vendor's dashboard page, with bound forms that failed (``forms``) in place of empty ones."""
    context = {
        "vendor": vendor,
        "invitation_messages": vendor_admin_invitation_messages(vendor=vendor),
        "reject_form": DecisionReasonForm(prefix="reject"),
        "suspend_form": DecisionReasonForm(prefix="suspend"),
        "commission_form": CommissionRateForm.for_vendor(vendor),
        "commission_percent": rate_as_percent(vendor.commission_rate),
        **forms,
    }
    return render(request, DETAIL_TEMPLATE, context, status=status)


class VendorDetailView(StaffOnlyMixin, generic.View):
    """The application or shop: applicant's data, licence, decisions, commission, audit trail."""

    def get(self, request, pk):
        return _detail(request, vendor_admin_get(pk=pk))


DECISION_DONE = {
    "approve": _("%(name)s is approved: its seller center is open."),
    "reject": _("%(name)s is rejected; the applicant can read the reason and apply again."),
    "suspend": _("%(name)s is suspended: its products are hidden from the market."),
    "reinstate": _("%(name)s is reinstated: its products are on sale again."),
}


class VendorDecisionView(StaffOnlyMixin, generic.View):
    """Approve, reject (reason required), suspend (reason required) or reinstate a vendor."""

    action = ""

    def post(self, request, pk):
        vendor = vendor_admin_get(pk=pk)
        reason = ""
        if self.action in ("reject", "suspend"):
            form = DecisionReasonForm(request.POST, prefix=self.action)
            if not form.is_valid():
                return _detail(request, vendor, status=400, **{f"{self.action}_form": form})
            reason = form.cleaned_data["reason"]
        try:
            self.decide(vendor, request.user, reason)
        except VendorStatusError as refused:
            messages.error(
                request,
                _("Nothing was changed: %(name)s is “%(status)s” now (someone may have decided already).")
                % {"name": vendor.name, "status": refused.vendor.get_status_display()},
            )
        else:
            messages.success(request, DECISION_DONE[self.action] % {"name": vendor.name})
        return redirect("vendors_dashboard:detail", pk=vendor.pk)

    def decide(self, vendor: Vendor, user, reason: str) -> None:
        if self.action == "approve":
            vendor_approve(vendor=vendor, approved_by=user)
        elif self.action == "reject":
            vendor_reject(vendor=vendor, rejected_by=user, reason=reason)
        elif self.action == "suspend":
            vendor_suspend(vendor=vendor, suspended_by=user, reason=reason)
        else:
            vendor_reinstate(vendor=vendor, reinstated_by=user)


class VendorCommissionView(StaffOnlyMixin, generic.View):
    def post(self, request, pk):
        vendor = vendor_admin_get(pk=pk)
        form = CommissionRateForm(request.POST)
        if not form.is_valid():
            return _detail(request, vendor, status=400, commission_form=form)
        vendor_commission_rate_set(vendor=vendor, rate=form.rate)
        messages.success(request, _("The commission rate of %(name)s is saved.") % {"name": vendor.name})
        return redirect("vendors_dashboard:detail", pk=vendor.pk)


class VendorInvitationView(StaffOnlyMixin, generic.View):
    """Re-send the invitation of an imported shop nobody has taken over yet: a new link, sent by SMS, and shown
    once, on this response, for the admin to copy."""

    def post(self, request, pk):
        vendor = vendor_admin_get(pk=pk)
        try:
            token = vendor_invitation_create(vendor=vendor)
        except InvitationInvalid:
            messages.error(request, _("Someone has taken this shop over already: no new invitation is needed."))
            return redirect("vendors_dashboard:detail", pk=vendor.pk)
        link = request.build_absolute_uri(reverse("vendors:invitation", args=[token]))
        return _detail(request, vendor_admin_get(pk=pk), new_invitation_link=link)


class VendorImportTemplateView(StaffOnlyMixin, generic.View):
    """The county CSV's template: the header row and one example row, as Excel on a Chinese Windows opens it."""

    def get(self, request):
        return excel_csv_response(
            filename="vendor-import-template.csv", header=TEMPLATE_HEADER, rows=[TEMPLATE_EXAMPLE]
        )


class VendorLicenceView(StaffOnlyMixin, generic.View):
    """The private licence or ID photo, for staff only, never cached, never sniffed."""

    def get(self, request, pk):
        vendor = vendor_admin_get(pk=pk)
        if not vendor.licence:
            raise Http404
        try:
            handle = vendor.licence.storage.open(vendor.licence.name, "rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        # Every licence was re-encoded as a JPEG on upload (vendors.listings.uploads).
        response = FileResponse(handle, content_type="image/jpeg")
        response["Content-Disposition"] = f'inline; filename="licence-{vendor.pk}.jpg"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class VendorImportView(StaffOnlyMixin, generic.FormView):
    """A county's CSV of village enterprises -> pre-approved vendors and their invitation links."""

    template_name = "vendors/dashboard/import.html"
    form_class = VendorImportForm

    def form_valid(self, form):
        try:
            report = vendor_csv_import(file=form.cleaned_data["file"], imported_by=self.request.user)
        except ImportFileInvalid as invalid:
            form.add_error("file", invalid.message)
            return self.form_invalid(form)
        except IntegrityError:
            # Another import of the same shops committed first; this one was rolled back whole.
            form.add_error("file", _("Another import ran at the same time. Please import the file again."))
            return self.form_invalid(form)
        links = [
            (row, self.request.build_absolute_uri(reverse("vendors:invitation", args=[row.token])))
            for row in report.imported
        ]
        return self.render_to_response(
            self.get_context_data(form=VendorImportForm(), report=report, invitation_links=links)
        )


def _report_month(request) -> tuple:
    """The month asked for (?month=YYYY-MM), else the last month with earnings; and an error for a bad one."""
    text = request.GET.get("month") or request.POST.get("month") or ""
    if not text:
        return payout_month_default(), None
    try:
        return month_parse(text), None
    except ValueError:
        error = _("“%(month)s” is not a month: please use the form YYYY-MM, e.g. 2026-03.") % {"month": text}
        return payout_month_default(), error


class PayoutReportView(StaffOnlyMixin, generic.View):
    """Per vendor, one month's earnings (goods, shipping, commission, net), paid or not; mark a vendor paid."""

    def get(self, request):
        month, error = _report_month(request)
        rows = payout_report(month=month)
        context = {
            "month": month,
            "month_error": error,
            "previous_month": month_previous(month),
            "next_month": month_next(month),
            "month_is_over": month_is_over(month),
            "rows": rows,
            "totals": payout_report_totals(rows=rows),
        }
        return render(request, "vendors/dashboard/payouts.html", context, status=400 if error else 200)


class PayoutCsvView(StaffOnlyMixin, generic.View):
    def get(self, request):
        try:
            month = month_parse(request.GET.get("month", ""))
        except ValueError as bad:
            raise Http404 from bad
        header = [
            _("Vendor"),
            _("County"),
            _("Parcels"),
            _("Goods total"),
            _("Shipping charge"),
            _("Commission"),
            _("Net"),
            _("Paid out"),
            _("Transfer reference"),
        ]
        rows = (
            [
                row.vendor.name,
                row.vendor.county,
                row.count,
                f"{row.goods_total:.2f}",
                f"{row.shipping_total:.2f}",
                f"{row.commission:.2f}",
                f"{row.net:.2f}",
                _("Paid") if row.payout else _("Unpaid"),
                row.payout.reference if row.payout else "",
            ]
            for row in payout_report(month=month)
        )
        return excel_csv_response(filename=f"payouts-{month:%Y-%m}.csv", header=header, rows=rows)


class PayoutMarkPaidView(StaffOnlyMixin, generic.View):
    def post(self, request):
        form = PayoutForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": form.errors_text()})
            month = request.POST.get("month", "")
            return redirect(f"{reverse('vendors_dashboard:payouts')}?month={quote(month)}")
        vendor = vendor_admin_get(pk=form.cleaned_data["vendor"])
        month = form.cleaned_data["month"]
        try:
            payout = payout_mark_paid(
                vendor=vendor, month=month, reference=form.cleaned_data["reference"], paid_by=request.user
            )
        except PayoutRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("%(vendor)s is marked paid for %(month)s: %(net)s.")
                % {"vendor": vendor.name, "month": f"{month:%Y-%m}", "net": currency(payout.net)},
            )
        return redirect(f"{reverse('vendors_dashboard:payouts')}?month={month:%Y-%m}")
