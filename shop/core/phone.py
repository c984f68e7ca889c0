"""Mainland China mobile numbers, as consumers and farmers type them."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-()（）]")
_MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_mainland_mobile(value: str) -> str:
    """Return the number as +86 and 11 digits; raise ValidationError otherwise.

    Accepts spaces, hyphens and a +86 / 0086 / 86 prefix.
    """
    digits = _SEPARATORS.sub("", value or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not _MAINLAND_MOBILE.match(digits):
        raise ValidationError(
            _("Please enter a valid mainland China mobile number (11 digits starting with 1)."),
            code="invalid_mobile",
        )
    return "+86" + digits
