"""Calendar months of the shop's time zone (settings.TIME_ZONE, Asia/Shanghai), whatever the server's or
the request's: a sale, an earnings entry and a payout belong to the month a farmer in Shanxi would say.

Rules:
- A month is written ``YYYY-MM`` in URLs and forms (``month_parse``) and is a ``date`` on its first day in code.
- A month is over once the shop's clock has reached the next month's first day (``month_is_over``): only
  such a month is paid out.
"""

import re
from datetime import date, datetime

from django.utils import timezone

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_parse(text: str) -> date:
    """``YYYY-MM`` -> the first day of that month. Raises ValueError for anything else."""
    match = _MONTH.match(text or "")
    if not match:
        raise ValueError(f"not a month: {text!r}")
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2999 and 1 <= month <= 12):
        raise ValueError(f"not a month: {text!r}")
    return date(year, month, 1)


def month_next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_previous(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def shop_localtime(value: datetime | None = None) -> datetime:
    """``value`` (default: now) on the shop's clock."""
    return timezone.localtime(value or timezone.now(), timezone.get_default_timezone())


def month_current(*, now: datetime | None = None) -> date:
    local = shop_localtime(now)
    return date(local.year, local.month, 1)


def month_is_over(month: date, *, now: datetime | None = None) -> bool:
    return month < month_current(now=now)


def month_range(month: date) -> tuple[datetime, datetime]:
    """The month's start (inclusive) and end (exclusive) as aware datetimes of the shop's time zone."""
    following = month_next(month)
    return (
        datetime(month.year, month.month, 1, tzinfo=timezone.get_default_timezone()),
        datetime(following.year, following.month, 1, tzinfo=timezone.get_default_timezone()),
    )
