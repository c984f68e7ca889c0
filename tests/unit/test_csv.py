from decimal import Decimal

import pytest

from shop.core.spreadsheet import neutralise_cell
from vendors.web.csv import excel_csv_response


@pytest.mark.parametrize(
    "typed, written",
    [
        ('=HYPERLINK("http://x","点我")', '\'=HYPERLINK("http://x","点我")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("临县红枣 =1", "临县红枣 =1"),
        ("-12.50", "-12.50"),
        ("12.00%", "12.00%"),
        (None, ""),
        (Decimal("-3.20"), Decimal("-3.20")),
        (7, 7),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(typed, written):
    assert neutralise_cell(typed) == written


def test_a_csv_download_neutralises_every_cell():
    # when
    response = excel_csv_response(
        filename="x.csv", header=["店铺", "=金额"], rows=[["=cmd|' /C calc'!A0", "-12.50"], ["@王家", Decimal("5.00")]]
    )
    # then
    assert response.content.decode("utf-8") == ("\ufeff店铺,'=金额\r\n'=cmd|' /C calc'!A0,-12.50\r\n'@王家,5.00\r\n")
