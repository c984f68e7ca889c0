"""What the notification outbox recorded (vendors.notifications.models.Message rows), for exact assertions."""

from vendors.notifications.models import Message

# The buyer's mobile on LvliangAddressFactory, as the outbox writes it.
LVLIANG_MOBILE = "+8613912345678"
# The mobile of tests.factories.CHECKOUT_ADDRESS, as the outbox writes it.
CHECKOUT_MOBILE = "+8613812345678"


def outbox(*kinds: str) -> list[tuple]:
    """The messages of these kinds, oldest first: (kind, channel, recipient, status, part id, shipment id)."""
    return [
        (m.kind, m.channel, m.recipient, m.status, m.part_id, m.shipment_id)
        for m in Message.objects.filter(kind__in=kinds).order_by("pk")
    ]


def buyer_told(
    kind: str, order, *, status: str = "pending", mobile: str = LVLIANG_MOBILE, part=None, shipment=None
) -> list[tuple]:
    """The rows ``outbox`` shows when the buyer of ``order`` (its e-mail, SMS to ``mobile``) is told ``kind``."""
    about = (part.pk if part else None, shipment.pk if shipment else None)
    return [(kind, "email", order.email, status, *about), (kind, "sms", mobile, status, *about)]


def vendor_told(kind: str, vendor, *, status: str = "pending", part=None) -> list[tuple]:
    """The rows ``outbox`` shows when ``vendor`` (its users' e-mails, its contact mobile) is told ``kind``."""
    users = vendor.partner.users.filter(is_active=True).exclude(email="").order_by("pk")
    emails = users.values_list("email", flat=True)
    part_id = part.pk if part else None
    return [(kind, "email", email, status, part_id, None) for email in emails] + [
        (kind, "sms", vendor.contact_phone, status, part_id, None)
    ]
