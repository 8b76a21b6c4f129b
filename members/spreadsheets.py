"""Spreadsheet cells that cannot run formulas (CSV/Excel formula injection).

Plain Python, no Django. A text cell that starts with =, +, - or @ (or a tab or carriage
return) would be taken for a formula by Excel or WPS; a leading apostrophe makes it text.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
