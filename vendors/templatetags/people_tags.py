"""People as admins should read them: a name and a mobile number or e-mail address.

Oscar gives an account registered by e-mail a random username (``a5f3c0e2...``), and one registered by
mobile number has its 11 digits as username; neither is a name anybody knows the person by.
"""

import re

from django import template
from django.utils.translation import gettext as _

from shop.core.phone import format_mainland_mobile

register = template.Library()

_MOBILE_USERNAME = re.compile(r"^1[3-9][0-9]{9}$", re.ASCII)
_LATIN = re.compile(r"^[A-Za-z .'-]+$")


def person_name(user) -> str:
    """The user's name as a Chinese form writes it (family name first, no space), or ""."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if not (first or last):
        return ""
    if _LATIN.fullmatch(first + last):
        return f"{first} {last}".strip()
    return f"{last}{first}"


def person_contact(user) -> str:
    """The user's mobile number (an account by mobile number) or e-mail address, or ""."""
    if _MOBILE_USERNAME.match(user.get_username()):
        return format_mainland_mobile(user.get_username())
    return user.email


@register.filter
def person(user) -> str:
    """Name and mobile or e-mail, whichever the account has ("王大山 · 138 1234 5678"); never the username."""
    if user is None:
        return "—"
    label = " · ".join(part for part in (person_name(user), person_contact(user)) if part)
    return label or _("User #%(id)s") % {"id": user.pk}
