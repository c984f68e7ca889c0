"""Notification outbox: every message leaving the platform (email, SMS) is first a row here.

INTERFACE (being implemented): callers use only these functions, inside their own
transaction; each writes Message rows and enqueues their sending on commit.
"""


def notify_order_placed(*, order, parts, language: str) -> None:
    """The buyer's confirmation (email and/or SMS) and to each vendor of ``parts`` a
    "new order" message listing only its own lines. Called inside the order's transaction."""
    raise NotImplementedError


def notify_parcel_shipped(*, shipment) -> None:
    """To the buyer: a vendor's parcel left, with carrier and tracking number (vendors.models.Shipment)."""
    raise NotImplementedError


def notify_part_cancelled(*, part) -> None:
    """To the vendor: the buyer cancelled its part of an order (vendors.models.OrderPart)."""
    raise NotImplementedError


def notify_vendor_event(*, event) -> None:
    """To the vendor's contact: approved / rejected / suspended / reinstated (vendors.models.VendorEvent)."""
    raise NotImplementedError


def notify_low_stock(*, stockrecord) -> None:
    """To the vendor: a product's stock left for sale fell to or below its low-stock threshold."""
    raise NotImplementedError
