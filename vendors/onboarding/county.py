"""County onboarding in bulk: a CSV of village enterprises becomes pre-approved vendors with invitations.

Rules:
- The file is CSV text whose first row names the columns, in Chinese
  (店铺名称, 联系人, 手机号, 县区, 村; 省份 optional) or in English (shop name, contact, mobile,
  county, village; province optional). The village column may be left out or empty.
- Encodings: UTF-8 (with or without a BOM), else GB18030, which also reads GBK and GB2312 (what
  Excel and WPS save as "CSV" on a Chinese Windows). Tried in that order, not guessed: a UTF-8 file
  never decodes as GB18030 by mistake, since UTF-8 is tried first and GBK text is almost never valid
  UTF-8, while statistical detection misreads short files of Chinese names. A workbook (.xlsx/.xls),
  a UTF-16 file or anything else that decodes as neither, or holds control characters, is refused
  with a message saying how to save the file.
- Every good row becomes an approved vendor at once: an Oscar partner, status approved, a
  VendorEvent IMPORTED by the admin, and a one-time invitation, sent to the contact's mobile by SMS
  (the outbox, vendors.notifications, written in the import's transaction). Only the SHA-256 of the
  invitation's token is stored with the invitation; the token is handed back once, for the admin to
  copy, and kept in the SMS's outbox row only until it is sent. Invitations expire after
  settings.VENDOR_INVITATION_DAYS. An admin re-sends an invitation as a new link by a new SMS
  (``vendor_invitation_create``); the older links stay open until one of them is used.
- Bad rows (a missing field, a bad mobile number, a value too long, the same shop name or mobile
  number as an earlier row of the file) are reported by line number with the reason; the good
  rows are saved all the same.
- A row whose shop name or mobile number is already a vendor's is reported as already present
  and not created again: importing the same file twice creates nothing the second time.
- The import costs a fixed number of queries per 500 rows (bulk inserts, no per-row query), so
  the 600 shops of a county go through in one request.
- An invitation is accepted once, before it expires: it creates the contact's account (username:
  the 11-digit mobile number), adds it to the partner's users and makes the other open
  invitations of that vendor expire.
"""

import csv
import hashlib
import io
import operator
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.utils import slugify as oscar_slugify

from shop.core.phone import normalise_mainland_mobile
from shop.partner.models import Partner
from vendors.listings.sanitize import sanitize_text
from vendors.models import Vendor, VendorEvent, VendorInvitation
from vendors.notifications.services import notify_vendor_invitations

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# Keeps every IN (...) list well below SQLite's limit on query parameters.
LOOKUP_CHUNK = 500
# OR-ed LIKE conditions per query: SQLite limits an expression's depth to 1000.
SUFFIX_LOOKUP_CHUNK = 200

# Column -> the header names accepted for it (compared after _header_key()).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("店铺名称", "店铺名", "店铺", "shop name", "shop", "name"),
    "contact_name": ("联系人", "contact", "contact name", "contact person"),
    "mobile": ("手机号", "手机号码", "手机", "mobile", "mobile number", "phone"),
    "province": ("省份", "省", "province"),
    "county": ("县区", "县", "区县", "county"),
    "village": ("村", "村庄", "village"),
}
REQUIRED_COLUMNS = ("name", "contact_name", "mobile", "county")
# The downloadable template: the Chinese header names and one example row (vendors.web.dashboard).
TEMPLATE_HEADER = ["店铺名称", "联系人", "手机号", "县区", "村", "省份"]
TEMPLATE_EXAMPLE = ["临县王家庄村红枣合作社", "王大山", "13812345678", "临县", "王家庄村", "山西省"]
MAX_LENGTHS = {
    field_name: Vendor._meta.get_field(field_name).max_length
    for field_name in ("name", "contact_name", "province", "county", "village")
}


def _column_label(column: str) -> str:
    labels = {
        "name": _("Shop name"),
        "contact_name": _("Contact person"),
        "mobile": _("Mobile number"),
        "province": _("Province"),
        "county": _("County"),
        "village": _("Village"),
    }
    return labels[column]


class ImportFileInvalid(Exception):
    """The file as a whole cannot be read (not UTF-8, no header, a required column missing, too big)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvitationInvalid(Exception):
    """The invitation link cannot be used; ``reason`` is "unknown", "used" or "expired"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class InvitationAccountExists(Exception):
    """An account with the vendor's mobile number as its username exists already."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


@dataclass(frozen=True)
class AlreadyPresent:
    line: int
    name: str
    existing_name: str


@dataclass(frozen=True)
class ImportedVendor:
    line: int
    vendor: Vendor
    token: str


@dataclass
class ImportReport:
    encoding: str = "utf-8"
    imported: list[ImportedVendor] = field(default_factory=list)
    already_present: list[AlreadyPresent] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    name: str
    contact_name: str
    contact_phone: str
    province: str
    county: str
    village: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_invitation(vendor: Vendor, now: datetime) -> tuple[VendorInvitation, str]:
    token = secrets.token_urlsafe(32)
    invitation = VendorInvitation(
        vendor=vendor,
        token_hash=token_hash(token),
        expires_at=now + timedelta(days=settings.VENDOR_INVITATION_DAYS),
    )
    return invitation, token


@transaction.atomic
def vendor_csv_import(*, file, imported_by, now: datetime | None = None) -> ImportReport:
    """Create a pre-approved vendor with an invitation for every good row of the CSV file.

    Returns what was created (with the invitation tokens), what was already present and the
    bad rows. Raises ImportFileInvalid when the file as a whole cannot be read.
    """
    now = now or timezone.now()
    report = ImportReport()
    text, report.encoding = _decode(file)
    rows = _good_rows(_read_csv(text), report)
    rows = _exclude_existing(rows, report)
    if not rows:
        return report
    slugs = unique_vendor_slugs([row.name for row in rows])
    codes = _unique_values([f"v-{slug}" for slug in slugs], Partner, "code")
    partners = Partner.objects.bulk_create(
        [Partner(name=row.name, code=code) for row, code in zip(rows, codes, strict=True)]
    )
    vendors = Vendor.objects.bulk_create(
        [
            Vendor(
                partner=partner,
                status=Vendor.Status.APPROVED,
                slug=slug,
                name=row.name,
                contact_name=row.contact_name,
                contact_phone=row.contact_phone,
                province=row.province or Vendor._meta.get_field("province").default,
                county=row.county,
                village=row.village,
            )
            for row, partner, slug in zip(rows, partners, slugs, strict=True)
        ]
    )
    VendorEvent.objects.bulk_create(
        [VendorEvent(vendor=vendor, action=VendorEvent.Action.IMPORTED, actor=imported_by) for vendor in vendors]
    )
    invitations = [_new_invitation(vendor, now) for vendor in vendors]
    VendorInvitation.objects.bulk_create([invitation for invitation, _token in invitations])
    notify_vendor_invitations(invitations=invitations)
    report.imported = [
        ImportedVendor(line=row.line, vendor=vendor, token=token)
        for row, vendor, (_invitation, token) in zip(rows, vendors, invitations, strict=True)
    ]
    return report


def _header_key(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("\ufeff", "").split()).lower()


# Zip (xlsx, and WPS's et/ett), OLE2 (old xls), UTF-16 byte-order marks: saved as something other than CSV text.
_WORKBOOK_STARTS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff")
# Characters no CSV of names and numbers holds (all C0 controls but tab, line feed and carriage return).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decode(file) -> tuple[str, str]:
    """The file's text and the encoding it was read in ("utf-8" or "gb18030"). Raises ImportFileInvalid."""
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileInvalid(_("The file is too large: at most %(limit)s MB.") % {"limit": MAX_FILE_BYTES >> 20})
    if data.startswith(_WORKBOOK_STARTS):
        raise ImportFileInvalid(
            _(
                "This is an Excel or WPS workbook, not a CSV file. "
                "Please save it as “CSV (comma delimited)” and upload that."
            )
        )
    if not data.startswith(_UTF16_STARTS):
        for encoding, codec in (("utf-8", "utf-8-sig"), ("gb18030", "gb18030")):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if not _CONTROL.search(text):
                return text, encoding
            break
    raise ImportFileInvalid(
        _(
            "The file cannot be read as text (neither UTF-8 nor GBK/GB18030). In Excel or WPS, "
            "save it as “CSV UTF-8 (comma delimited)” or “CSV (comma delimited)”, or download the template below."
        )
    )


def _read_csv(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: raw value}) for every non-empty data row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ImportFileInvalid(_("The file is empty.")) from None
    aliases = {_header_key(alias): column for column, names in COLUMNS.items() for alias in names}
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        column = aliases.get(_header_key(name))
        if column is not None and column not in positions:
            positions[column] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise ImportFileInvalid(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(_column_label(column) for column in missing)}
        )
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise ImportFileInvalid(_("The file has too many rows: at most %(limit)d.") % {"limit": MAX_ROWS})
            values = {column: cells[index] if index < len(cells) else "" for column, index in positions.items()}
            rows.append((reader.line_num, values))
    except csv.Error as broken:
        raise ImportFileInvalid(
            _("Line %(line)d cannot be read as CSV: %(error)s") % {"line": reader.line_num, "error": broken}
        ) from None
    return rows


def _good_rows(raw_rows: list[tuple[int, dict[str, str]]], report: ImportReport) -> list[_Row]:
    """Rows with every field sound and not repeating an earlier row; the others go to report.problems."""
    good: list[_Row] = []
    names: dict[str, int] = {}
    phones: dict[str, int] = {}
    for line, raw in raw_rows:
        values = {column: sanitize_text(raw.get(column, "")) for column in COLUMNS}
        problems = [
            _("%(column)s is missing.") % {"column": _column_label(column)}
            for column in REQUIRED_COLUMNS
            if not values[column]
        ]
        for column, limit in MAX_LENGTHS.items():
            if len(values[column]) > limit:
                problems.append(
                    _("%(column)s is too long: at most %(limit)d characters.")
                    % {"column": _column_label(column), "limit": limit}
                )
        phone = ""
        if values["mobile"]:
            try:
                phone = normalise_mainland_mobile(values["mobile"])
            except ValidationError:
                problems.append(_("“%(mobile)s” is not a mainland China mobile number.") % {"mobile": values["mobile"]})
        if not problems:
            if values["name"] in names:
                problems.append(_("Same shop name as line %(line)d.") % {"line": names[values["name"]]})
            if phone in phones:
                problems.append(_("Same mobile number as line %(line)d.") % {"line": phones[phone]})
        if problems:
            report.problems.extend(RowProblem(line, reason) for reason in problems)
            continue
        names[values["name"]] = line
        phones[phone] = line
        good.append(
            _Row(
                line=line,
                name=values["name"],
                contact_name=values["contact_name"],
                contact_phone=phone,
                province=values["province"],
                county=values["county"],
                village=values["village"],
            )
        )
    return good


def _chunks(values: list) -> list[list]:
    return [values[start : start + LOOKUP_CHUNK] for start in range(0, len(values), LOOKUP_CHUNK)]


def _exclude_existing(rows: list[_Row], report: ImportReport) -> list[_Row]:
    """Drop rows whose shop name or mobile number a vendor has already; report them as already present."""
    taken_names: set[str] = set()
    by_phone: dict[str, str] = {}
    for chunk in _chunks(rows):
        taken_names.update(Vendor.objects.filter(name__in=[row.name for row in chunk]).values_list("name", flat=True))
        for name, phone in Vendor.objects.filter(contact_phone__in=[row.contact_phone for row in chunk]).values_list(
            "name", "contact_phone"
        ):
            by_phone.setdefault(phone, name)
    new = []
    for row in rows:
        existing = row.name if row.name in taken_names else by_phone.get(row.contact_phone)
        if existing:
            report.already_present.append(AlreadyPresent(line=row.line, name=row.name, existing_name=existing))
        else:
            new.append(row)
    return new


def unique_vendor_slugs(names: list[str]) -> list[str]:
    """URL slugs (pinyin) for new shops, unique among themselves and against existing vendors."""
    return _unique_values([oscar_slugify(name)[:60] or "shop" for name in names], Vendor, "slug")


def _unique_values(wanted: list[str], model, field_name: str) -> list[str]:
    """``wanted`` made unique among themselves and against the table, adding -2, -3 ... where taken.

    One lookup per chunk of values, plus one per chunk of the values that need a suffix.
    """
    taken: set[str] = set()
    for chunk in _chunks(sorted(set(wanted))):
        taken.update(model.objects.filter(**{f"{field_name}__in": chunk}).values_list(field_name, flat=True))
    repeated = {value for value, count in Counter(wanted).items() if count > 1}
    # Values with a suffix already (base-2, base-3 ...), for the bases that will need one.
    bases = sorted(repeated | taken)
    for start in range(0, len(bases), SUFFIX_LOOKUP_CHUNK):
        prefixes = [
            Q(**{f"{field_name}__startswith": f"{base}-"}) for base in bases[start : start + SUFFIX_LOOKUP_CHUNK]
        ]
        taken.update(model.objects.filter(reduce(operator.or_, prefixes)).values_list(field_name, flat=True))
    result = []
    for base in wanted:
        value, n = base, 1
        while value in taken:
            n += 1
            value = f"{base}-{n}"
        taken.add(value)
        result.append(value)
    return result


def vendor_invitation_get(*, token: str, now: datetime | None = None) -> VendorInvitation:
    """The open invitation behind a link. Raises InvitationInvalid (unknown, used or expired)."""
    invitation = VendorInvitation.objects.select_related("vendor").filter(token_hash=token_hash(token)).first()
    _check_open(invitation, now or timezone.now())
    return invitation


def _check_open(invitation: VendorInvitation | None, now: datetime) -> None:
    if invitation is None:
        raise InvitationInvalid("unknown")
    if invitation.accepted_at is not None:
        raise InvitationInvalid("used")
    if invitation.expires_at <= now:
        raise InvitationInvalid("expired")


def invitation_username(vendor: Vendor) -> str:
    """The account name of an invited contact: the 11-digit mobile number."""
    return vendor.contact_phone.removeprefix("+86")


@transaction.atomic
def vendor_invitation_accept(*, token: str, password: str, email: str = "", now: datetime | None = None):
    """Create the contact's account from an open invitation and make it one of the shop's users.

    Raises InvitationInvalid (unknown, used, expired: a second submit of the same link gets
    "used") and InvitationAccountExists when the mobile number is already an account's username.
    """
    now = now or timezone.now()
    invitation = (
        VendorInvitation.objects.select_for_update(of=("self",))
        .select_related("vendor__partner")
        .filter(token_hash=token_hash(token))
        .first()
    )
    _check_open(invitation, now)
    vendor = invitation.vendor
    User = get_user_model()
    username = invitation_username(vendor)
    if User.objects.filter(username=username).exists():
        raise InvitationAccountExists(username)
    user = User.objects.create_user(username=username, email=email, password=password, first_name=vendor.contact_name)
    vendor.partner.users.add(user)
    if vendor.applicant_id is None:
        vendor.applicant = user
        vendor.save(update_fields=["applicant", "updated_at"])
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    VendorInvitation.objects.filter(vendor=vendor, accepted_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    VendorEvent.objects.create(vendor=vendor, action=VendorEvent.Action.INVITATION_ACCEPTED, actor=user)
    return user


@transaction.atomic
def vendor_invitation_create(*, vendor: Vendor, now: datetime | None = None) -> str:
    """A new invitation link's token for a vendor nobody has taken over yet (the first was lost, or its SMS
    failed), sent to the contact's mobile by SMS on commit.

    Raises InvitationInvalid("used") when someone already took the shop over from an invitation.
    """
    now = now or timezone.now()
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    if vendor.invitations.filter(accepted_at__isnull=False).exists():
        raise InvitationInvalid("used")
    invitation, token = _new_invitation(vendor, now)
    invitation.save()
    notify_vendor_invitations(invitations=[(invitation, token)])
    return token
