"""CSV files the app writes, safe to open in a spreadsheet: every writer goes through here.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula ("CSV injection"): a worker's name or address
could then fetch a URL or run a command on the desk of whoever opens the file. OWASP's
remedy: prefix such a cell with a single quote, which spreadsheets show as text. Only text
cells are touched (a number we wrote is never a formula), and every one of them, without
exceptions by column: a phone in E.164 is written `'+6281…` (see docs/peduli-wni-export.md).
"""
import csv

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value as a spreadsheet will show it, never run it."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _SafeRows:
    """A csv.writer whose rows are neutralised cell by cell.

    Always the `excel` dialect (RFC 4180, CRLF line ends): with a bare LF line end, Python's csv
    leaves a carriage return inside a cell unquoted, and a reader would take it for a new row.
    """

    def __init__(self, out):
        self._writer = csv.writer(out, dialect="excel")

    def writerow(self, row):
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out) -> _SafeRows:
    """csv.writer(out), with formula cells neutralised."""
    return _SafeRows(out)


class DictWriter(csv.DictWriter):
    """csv.DictWriter(out, fieldnames), with formula cells neutralised."""

    def __init__(self, out, fieldnames):
        super().__init__(out, fieldnames)
        self.writer = _SafeRows(out)
