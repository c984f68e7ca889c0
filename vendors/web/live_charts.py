"""The event report's charts, drawn on the server as SVG (pygal) and served by us: no CDN, no script.

Rules:
- Labels are SVG <text>: the viewer's browser draws the Chinese with its own fonts, so the server needs no
  CJK font (and neither does CI).
- Untrusted text (product titles) goes in only through pygal's ElementTree, which escapes it; the chart's
  own <script> (pygal's tooltip config) is removed, and the response forbids scripts and loads
  (``svg_response``). The pages show the charts with <img>, where an SVG can run nothing anyway.
"""

from datetime import timedelta
from decimal import Decimal

import pygal
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from pygal.style import Style

from vendors.live.report import LiveReport

# Series beyond these many items are summed as "other items" (a legend stays readable on a phone).
TOP_ITEMS = 6
FONTS = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#333",
    foreground_strong="#333",
    foreground_subtle="#ddd",
    opacity="0.9",
    opacity_hover="1",
    colors=("#e4393c", "#ff9f1a", "#2f9e44", "#1c7ed6", "#7048e8", "#0ca678", "#868e96"),
    font_family=FONTS,
    label_font_family=FONTS,
    major_label_font_family=FONTS,
    title_font_family=FONTS,
    legend_font_family=FONTS,
    value_font_family=FONTS,
    tooltip_font_family=FONTS,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
)
SVG_NS = "{http://www.w3.org/2000/svg}"


def _without_scripts(root):
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{SVG_NS}script", "script"):
                parent.remove(child)
    return root


# A phone gets a chart drawn for its width (labels stay readable instead of shrinking to 5 px).
SIZES = {"wide": (720, 360, 2), "phone": (400, 400, 1)}


def _config(size: str, **extra) -> dict:
    width, height, legend_columns = SIZES.get(size, SIZES["wide"])
    return {
        "style": STYLE,
        "js": [],
        "width": width,
        "height": height,
        # pygal would cut "20:05" to "…" when it guesses the labels are crowded; we show few enough.
        "truncate_label": -1,
        "show_minor_x_labels": False,
        "x_label_rotation": 0,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": legend_columns,
        "truncate_legend": 24,
        "margin": 12,
        "no_data_text": _("No data yet"),
        **extra,
    }


def _label(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def _every(count: int, labels: int) -> int:
    return max(1, -(-count // labels))


def sales_chart_svg(report: LiveReport, *, size: str = "wide") -> bytes:
    """Sales (¥) per bucket of time, stacked by item (the best-selling ones, the rest as "other items")."""
    series = report.sales_over_time
    titles = {row.item.pk: row.item.product.get_title() for row in report.items}
    top = [row.item.pk for row in report.items if row.sales > 0][:TOP_ITEMS]
    chart = pygal.StackedBar(
        **_config(
            size,
            title=_("Sales every %(minutes)s minutes (¥)") % {"minutes": report.bucket_minutes},
            x_title=_("Time"),
            y_title=_("Sales (¥)"),
            x_labels_major_every=_every(len(series), 4 if size == "phone" else 8),
            value_formatter=lambda value: f"¥{value:,.0f}",
        )
    )
    chart.add_xml_filter(_without_scripts)
    chart.x_labels = [_label(start) for start, _sales in series]
    for pk in top:
        chart.add(titles[pk], [float(per_item.get(pk, 0)) for _start, per_item in series])
    rest = [float(sum((v for k, v in per_item.items() if k not in top), Decimal(0))) for _start, per_item in series]
    if any(rest):
        chart.add(_("Other items"), rest)
    return chart.render()


def viewers_chart_svg(report: LiveReport, *, size: str = "wide") -> bytes:
    """Distinct viewers of the event page per minute, over the event's window."""
    stored = {moment: viewers for moment, viewers in report.minutes}
    start = report.event.starts_at.replace(second=0, microsecond=0)
    end = min(report.event.ends_at, max(timezone.now(), start + timedelta(minutes=1)))
    minutes = []
    moment = start
    while moment < end:
        minutes.append(moment)
        moment += timedelta(minutes=1)
    chart = pygal.Line(
        **_config(
            size,
            title=_("Viewers per minute"),
            x_title=_("Time"),
            y_title=_("Viewers"),
            show_dots=False,
            fill=True,
            show_legend=False,
            x_labels_major_every=_every(len(minutes), 4 if size == "phone" else 8),
            value_formatter=lambda value: f"{value:,.0f}",
        )
    )
    chart.add_xml_filter(_without_scripts)
    chart.x_labels = [_label(moment) for moment in minutes]
    if stored:
        chart.add(_("Viewers"), [stored.get(moment, 0) for moment in minutes])
    return chart.render()


def svg_response(svg: bytes) -> HttpResponse:
    """An SVG that can run nothing and load nothing if opened on its own; private (it has a shop's sales)."""
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
