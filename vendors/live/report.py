"""The event report: who watched, who bought, what sold, during the event and after it.

Rules:
- Sales are net of cancellations: a snap-up (LiveOrder) counts only while its shop's part of the order
  (vendors.models.OrderPart of the item's vendor) is not cancelled. The cancelled ones are reported beside
  them, so the raw counts stay visible and the headline can be checked.
- Sales (GMV) are units x the live price paid, goods only (no shipping), in ¥.
- Viewers are what the last flush copied from Redis (vendors.live.counters, every minute): the report never
  reads Redis, so it is the same page during a Redis restart; the last minute may be missing. None (shown
  as "—") when nothing was ever counted (no Redis: the embedded setup).
- What the report cannot know: people watching on the stream platform who never opened our event page,
  and a visitor counted twice on two devices (unique viewers are per device or signed-in user, estimated
  by a HyperLogLog within about 1%).
- A shop's report (``vendor``) has its own items only: its sales, buyers and chart, never another shop's
  figures nor the event's total sales; the event's viewers are shared by every shop of the event.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum
from django.db.models.functions import TruncMinute
from django.http import Http404
from django.utils import timezone
from django.utils.translation import pgettext

from vendors.live.models import LiveEvent, LiveEventMinute, LiveEventStats, LiveItem, LiveOrder
from vendors.models import Vendor

ZERO = Decimal("0.00")
_SALES = ExpressionWrapper(F("quantity") * F("unit_price"), output_field=DecimalField(max_digits=14, decimal_places=2))


@dataclass
class Figures:
    """Orders (snap-ups), units, distinct buyers and sales (¥) of a set of snap-ups."""

    orders: int = 0
    units: int = 0
    buyers: int = 0
    sales: Decimal = ZERO


@dataclass
class ItemFigures(Figures):
    item: LiveItem | None = None


@dataclass
class ShopFigures(Figures):
    vendor: Vendor | None = None


@dataclass
class LiveReport:
    event: LiveEvent
    vendor: Vendor | None  # a shop's own report, or None: the whole event
    phase: str
    # Viewers (the event page), as last flushed; None when never counted.
    views: int | None
    unique_viewers: int | None
    flushed_at: datetime | None
    peak_viewers: int | None
    peak_at: datetime | None
    minutes: list[tuple[datetime, int]]
    total: Figures
    cancelled: Figures  # snap-ups whose shop part was cancelled: not in ``total``
    items: list[ItemFigures]
    shops: list[ShopFigures]
    bucket_minutes: int
    # (bucket start, {item pk: sales}) over the event's window, every bucket present (zeros too).
    sales_over_time: list[tuple[datetime, dict[int, Decimal]]] = field(default_factory=list)

    @property
    def conversion(self) -> Decimal | None:
        """Buyers per unique viewer, in percent (one decimal); None without viewers."""
        if not self.unique_viewers:
            return None
        return (Decimal(self.total.buyers) * 100 / self.unique_viewers).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def phase_label(self) -> str:
        return LiveEvent.Status(self.phase).label

    @property
    def headline(self) -> str:
        return live_headline(
            event=self.event,
            unique_viewers=self.unique_viewers,
            sales=self.total.sales,
            with_sales=True,
        )


def _snapups(event: LiveEvent, vendor: Vendor | None) -> QuerySet:
    snapups = LiveOrder.objects.filter(item__event=event)
    if vendor is not None:
        snapups = snapups.filter(item__vendor=vendor)
    return snapups


def _figures(snapups: QuerySet, cls=Figures, **extra) -> Figures:
    totals = snapups.aggregate(
        orders=Count("pk"), units=Sum("quantity"), buyers=Count("user", distinct=True), sales=Sum(_SALES)
    )
    return cls(
        orders=totals["orders"],
        units=totals["units"] or 0,
        buyers=totals["buyers"],
        sales=(totals["sales"] or ZERO).quantize(ZERO),
        **extra,
    )


def _grouped(snapups: QuerySet, by: str) -> dict[int, dict]:
    rows = snapups.values(by).annotate(
        orders=Count("pk"), units=Sum("quantity"), buyers=Count("user", distinct=True), sales=Sum(_SALES)
    )
    return {row[by]: row for row in rows}


def bucket_minutes_for(event: LiveEvent) -> int:
    """5-minute buckets for a show of up to 4 hours, 15 up to 12 hours, else hourly: at most ~50 bars."""
    hours = (event.ends_at - event.starts_at) / timedelta(hours=1)
    return 5 if hours <= 4 else 15 if hours <= 12 else 60


def live_event_report(*, event: LiveEvent, vendor: Vendor | None = None, now: datetime | None = None) -> LiveReport:
    """The report of the whole event (admins), or of one shop's items in it (``vendor``)."""
    now = now or timezone.now()
    snapups = _snapups(event, vendor)
    net = snapups.kept()
    items = list(
        LiveItem.objects.filter(event=event, **({"vendor": vendor} if vendor else {}))
        .select_related("product", "vendor")
        .order_by("display_order", "pk")
    )
    by_item = _grouped(net, "item_id")
    item_figures = [
        ItemFigures(
            item=item,
            orders=by_item.get(item.pk, {}).get("orders", 0),
            units=by_item.get(item.pk, {}).get("units") or 0,
            buyers=by_item.get(item.pk, {}).get("buyers", 0),
            sales=(by_item.get(item.pk, {}).get("sales") or ZERO).quantize(ZERO),
        )
        for item in items
    ]
    item_figures.sort(key=lambda row: (-row.sales, row.item.display_order, row.item.pk))
    by_shop = _grouped(net, "item__vendor_id")
    vendors = {item.vendor_id: item.vendor for item in items}
    shop_figures = sorted(
        (
            ShopFigures(
                vendor=shop,
                orders=by_shop.get(pk, {}).get("orders", 0),
                units=by_shop.get(pk, {}).get("units") or 0,
                buyers=by_shop.get(pk, {}).get("buyers", 0),
                sales=(by_shop.get(pk, {}).get("sales") or ZERO).quantize(ZERO),
            )
            for pk, shop in vendors.items()
        ),
        key=lambda row: (-row.sales, row.vendor.pk),
    )
    stats = LiveEventStats.objects.filter(event=event).defer("viewers").first()
    minutes = list(LiveEventMinute.objects.filter(event=event).values_list("minute", "viewers"))
    peak = max(minutes, key=lambda row: (row[1], -row[0].timestamp()), default=None)
    bucket = bucket_minutes_for(event)
    return LiveReport(
        event=event,
        vendor=vendor,
        phase=event.phase(now),
        views=stats.views if stats else None,
        unique_viewers=stats.unique_viewers if stats else None,
        flushed_at=stats.flushed_at if stats else None,
        peak_viewers=peak[1] if peak else None,
        peak_at=peak[0] if peak else None,
        minutes=minutes,
        total=_figures(net),
        cancelled=_figures(snapups.cancelled()),
        items=item_figures,
        shops=shop_figures,
        bucket_minutes=bucket,
        sales_over_time=_sales_over_time(event, net, bucket, now),
    )


def _sales_over_time(event: LiveEvent, net: QuerySet, bucket: int, now: datetime):
    """Sales per bucket and item from the event's start to its end (or to now while it is live)."""
    # Buckets start on whole minutes (orders are grouped by their minute).
    origin = event.starts_at.replace(second=0, microsecond=0)
    end = min(event.ends_at, max(now, origin + timedelta(minutes=bucket)))
    starts = []
    moment = origin
    while moment < end:
        starts.append(moment)
        moment += timedelta(minutes=bucket)
    series = [(start, {}) for start in starts]
    rows = net.annotate(minute=TruncMinute("created_at")).values("minute", "item_id").annotate(sales=Sum(_SALES))
    for row in rows:
        index = int((row["minute"] - origin) / timedelta(minutes=bucket))
        # Snap-ups only happen inside the window; clamp anyway so none is dropped from the chart.
        index = min(max(index, 0), len(series) - 1)
        per_item = series[index][1]
        per_item[row["item_id"]] = per_item.get(row["item_id"], ZERO) + row["sales"]
    return series


def seller_live_event_get(*, vendor: Vendor, pk: int) -> LiveEvent:
    """An event featuring at least one of the shop's items; Http404 for any other (ids don't leak)."""
    event = LiveEvent.objects.filter(pk=pk, items__vendor=vendor).distinct().first()
    if event is None:
        raise Http404
    return event


# Numbers the way a Chinese news headline writes them.


def _trimmed(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.1'), ROUND_HALF_UP)}"
    return text[:-2] if text.endswith(".0") else text


def cn_number(value) -> str:
    """350000 -> "35 万", 16000 -> "1.6 万", 120000000 -> "1.2 亿"; under 10,000 as is (whole)."""
    value = Decimal(value)
    if value >= 100_000_000:
        return f"{_trimmed(value / 100_000_000)} 亿"
    if value >= 10_000:
        wan = value / 10_000
        # 9,999.6 万 rounds to 10000 万: say 1 亿
        return f"{_trimmed(wan)} 万" if wan.quantize(Decimal("0.1"), ROUND_HALF_UP) < 10_000 else "1 亿"
    return f"{value.quantize(Decimal('1'), ROUND_HALF_UP)}"


def _before_unit(text: str) -> str:
    """A space between a bare number and the word after it ("3200 人"), none after 万/亿 ("35 万人"): the
    Chinese templates put the word right after the number; a doubled space (English) is collapsed."""
    return f"{text} " if text[-1].isdigit() else text


def _spaced(text: str) -> str:
    return re.sub(r" {2,}", " ", text).strip()


def cn_duration(event: LiveEvent) -> str:
    minutes = int((event.ends_at - event.starts_at) / timedelta(minutes=1))
    if minutes < 60:
        return _spaced(pgettext("live headline", "%(minutes)s minutes") % {"minutes": _before_unit(str(minutes))})
    return _spaced(
        pgettext("live headline", "%(hours)s hours") % {"hours": _before_unit(_trimmed(Decimal(minutes) / 60))}
    )


def live_headline(*, event: LiveEvent, unique_viewers: int | None, sales: Decimal, with_sales: bool) -> str:
    """ "3 小时 · 35 万人观看 · 售出 16 万元": viewers left out when never counted."""
    parts = [cn_duration(event)]
    if unique_viewers is not None:
        parts.append(
            pgettext("live headline", "%(count)s viewers") % {"count": _before_unit(cn_number(unique_viewers))}
        )
    if with_sales:
        parts.append(pgettext("live headline", "%(amount)s yuan sold") % {"amount": _before_unit(cn_number(sales))})
    return " · ".join(_spaced(part) for part in parts)


def live_event_public_summary(event: LiveEvent) -> dict:
    """What the public report page shows: the headline and the event's totals (no shop's money)."""
    report = live_event_report(event=event)
    return {
        "event": event,
        "phase": report.phase,
        "headline": report.headline,
        "duration": cn_duration(event),
        "views": report.views,
        "unique_viewers": report.unique_viewers,
        "peak_viewers": report.peak_viewers,
        "peak_at": report.peak_at,
        "orders": report.total.orders,
        "units": report.total.units,
        "buyers": report.total.buyers,
        "sales": report.total.sales,
        "items": len(report.items),
        "shops": len(report.shops),
    }
