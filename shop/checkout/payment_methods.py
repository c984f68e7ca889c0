"""Payment methods offered at checkout, pluggable through settings.

``CHECKOUT_PAYMENT_METHODS`` lists dotted paths of PaymentMethod subclasses; a
card gateway is added later as another subclass (it would raise Oscar's
RedirectRequired to send the buyer to the gateway). We never take card data
ourselves: Oscar's BankcardForm is not used anywhere.
"""

from abc import ABC, abstractmethod
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from oscar.apps.payment.models import Source, SourceType


class PaymentMethod(ABC):
    code: str = ""
    name = ""
    description = ""

    @abstractmethod
    def take(self, *, view, order_number: str, total) -> None:
        """Record (or take) the payment for an order about to be placed."""


class CashOnDelivery(PaymentMethod):
    """The courier collects the money; nothing is charged at checkout."""

    code = "cod"
    name = _("Cash on delivery")
    description = _("Pay the courier in cash or by mobile payment when the parcel arrives.")

    def take(self, *, view, order_number: str, total) -> None:
        view.add_payment_source(self._source(total))

    def record(self, *, order, total) -> None:
        """The same payment source, for an order placed outside the checkout pages (a live snap-up)."""
        source = self._source(total)
        source.order = order
        source.save()

    def source_type(self) -> SourceType:
        source_type, _created = SourceType.objects.get_or_create(code=self.code, defaults={"name": "货到付款"})
        return source_type

    def _source(self, total) -> Source:
        return Source(
            source_type=self.source_type(),
            currency=total.currency,
            amount_allocated=total.incl_tax,
            amount_debited=Decimal("0.00"),
        )


def available_payment_methods() -> list[PaymentMethod]:
    return [import_string(path)() for path in settings.CHECKOUT_PAYMENT_METHODS]


def payment_method_by_code(code: str | None) -> PaymentMethod | None:
    return next((m for m in available_payment_methods() if m.code == code), None)
