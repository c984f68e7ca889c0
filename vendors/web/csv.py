"""CSV downloads of the seller center and the dashboard, in the form Excel on a Chinese Windows opens."""

import csv
import io

from django.http import HttpResponse


def excel_csv_response(*, filename: str, header: list, rows) -> HttpResponse:
    """A CSV download that Excel on a Chinese Windows opens as UTF-8 (a byte-order mark first); never cached."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
