"""CSV downloads of the seller center and the dashboard, in the form Excel on a Chinese Windows opens.

Every cell is text typed by strangers somewhere upstream (shop names, product titles, addresses,
transfer references), so a cell a spreadsheet would run as a formula (one starting with =, +, -, @,
a tab or a carriage return) is neutralised with a leading apostrophe, which spreadsheets show as text.
A plain number (-12.50, 3%) is left as it is: it is read as a number, never run.
"""

import csv
import io
import re
from decimal import Decimal

from django.http import HttpResponse

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?%?", re.ASCII)


def neutralise_cell(value) -> object:
    """The value as a spreadsheet may safely open it: text that would start a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def excel_csv_response(*, filename: str, header: list, rows) -> HttpResponse:
    """A CSV download that Excel on a Chinese Windows opens as UTF-8 (a byte-order mark first); never cached."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise_cell(cell) for cell in header])
    writer.writerows([neutralise_cell(cell) for cell in row] for row in rows)
    response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
