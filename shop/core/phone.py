"""Mainland China mobile numbers, as consumers and farmers type them."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-()]")
# [0-9], not \d: \d matches any Unicode digit (Arabic-Indic ٨, Devanagari ...), which no SMS gateway dials
# and which would let one number pass a duplicate check under many spellings.
_MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$", re.ASCII)


def normalise_mainland_mobile(value: str) -> str:
    """Return the number as +86 and 11 ASCII digits; raise ValidationError otherwise.

    Accepts spaces, hyphens, brackets and a +86 / 0086 / 86 prefix; full-width input (a Chinese
    input method's １３８, ＋８６, （）, －) is folded to ASCII first (NFKC). Any other digit is refused.
    """
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not _MAINLAND_MOBILE.fullmatch(digits):
        raise ValidationError(
            _("Please enter a valid mainland China mobile number (11 digits starting with 1)."),
            code="invalid_mobile",
        )
    return "+86" + digits


def format_mainland_mobile(value: str) -> str:
    """Show a stored number as a Chinese shop writes it: 138 1234 5678 (anything else is returned as is)."""
    try:
        digits = normalise_mainland_mobile(value).removeprefix("+86")
    except ValidationError:
        return value or ""
    return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
