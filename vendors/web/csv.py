"""CSV downloads of the seller center and the dashboard, in the form Excel on a Chinese Windows opens.

Every cell goes through shop.core.spreadsheet.neutralise_cell: nothing a stranger typed runs as a formula.
"""

import csv
import io

from django.http import HttpResponse

from shop.core.spreadsheet import neutralise_cell


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
