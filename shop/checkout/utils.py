"""Overrides Oscar's CheckoutSessionData: a guest is known by a mobile number or an e-mail address (either
may be left out at the gateway: the shipping address asks for the mobile number anyway)."""

from oscar.apps.checkout import utils as oscar_utils


class CheckoutSessionData(oscar_utils.CheckoutSessionData):
    def set_guest(self, *, email: str, mobile: str) -> None:
        """The buyer chose to buy as a guest, with an optional e-mail address and mobile number."""
        self._set("guest", "email", email)
        self._set("guest", "mobile", mobile)
        self._set("guest", "chosen", True)

    def get_guest_mobile(self) -> str:
        return self._get("guest", "mobile") or ""

    def is_guest(self) -> bool:
        return bool(self._get("guest", "chosen"))
