"""Accounts whose name is a mainland mobile number.

Rules:
- The account of a number is the user whose username is its 11 digits (the county import and the
  invitation page name vendors' accounts so too; the login form turns a typed number into them).
- An account made from a proven number needs no e-mail and may have no password (signing in by SMS code).
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

User = get_user_model()


def phone_username(phone: str) -> str:
    """+8613812345678 -> 13812345678."""
    return phone.removeprefix("+86")


def user_for_phone(phone: str):
    """The account of the number, or None."""
    return User.objects.filter(username=phone_username(phone)).first()


def phone_user_create(*, phone: str, email: str = "", password: str | None = None):
    """A new account for a proven number; the existing one when another request made it meanwhile."""
    try:
        with transaction.atomic():
            return User.objects.create_user(username=phone_username(phone), email=email, password=password)
    except IntegrityError:
        return User.objects.get(username=phone_username(phone))
