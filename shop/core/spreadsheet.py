"""Cells of the CSV files we produce, made safe for a spreadsheet.

Shop names, product titles, addresses and transfer references are typed by strangers; a cell that starts
with =, +, -, @, a tab or a carriage return is run as a formula by Excel and its kin. Such text gets a
leading apostrophe (spreadsheets show it as text). A plain number (-12.50, 3%) is left as it is: it is
read as a number, never run.
"""

import re
from decimal import Decimal

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
