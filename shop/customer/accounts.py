"""Accounts whose name is a mainland mobile number.

Rules:
- The account of a number is the user whose username is its 11 digits (the county import and the
  invitation page name vendors' accounts so too; the login form turns a typed number into them).
- An account made from a proven number needs no e-mail and may have no password (signing in by SMS code).
- A guest's order is found by its number and the mobile number of its shipping address (once that number
  is proven by an SMS code): orders of an account are the account's, never found so.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from shop.order.models import Order

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


def guest_order_find(*, number: str, phone: str):
    """The guest order of that number shipped to that mobile number (+86 and 11 digits), or None."""
    return Order.objects.filter(user__isnull=True, number=number.strip(), shipping_address__phone_number=phone).first()
