"""The paper records' file for `eklinik visit import`: CSV (comma or semicolon, as Excel saves
it in Indonesia) or Excel (.xlsx), read into rows by column name (flows/services.py COLUMNS),
each with its line in the file."""

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from flows.catalogue import staff
from flows.services import COLUMNS, column_key

Row = tuple[int, dict[str, str]]


class BadFile(Exception):
    """The file cannot be read as the documented layout; the message says why."""


def _cell(value: object) -> str:
    """A spreadsheet's cell as the text staff typed: dates in ISO, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(header: list[str], lines: Iterator[tuple[int, list[str]]]) -> list[Row]:
    columns = [column_key(name) for name in header]
    known = {column for column, _field, _required in COLUMNS}
    if unknown := [
        name for name, key in zip(header, columns, strict=True) if key and key not in known
    ]:
        raise BadFile(staff("import.unknown_columns", columns=", ".join(unknown),
                            known=", ".join(column for column, _f, _r in COLUMNS)))  # fmt: skip
    if missing := [
        column for column, _field, required in COLUMNS if required and column not in columns
    ]:
        raise BadFile(staff("import.missing_columns", columns=", ".join(missing)))
    rows = []
    for line, cells in lines:
        values = dict(zip(columns, (_cell(cell) for cell in cells), strict=False))
        if any(values.values()):  # an empty line is no service
            rows.append((line, values))
    return rows


def _csv(data: bytes) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # an older Excel's "CSV"
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise BadFile(staff("import.empty"))
    return _rows(header, ((reader.line_num, cells) for cells in reader))


def _xlsx(data: bytes) -> list[Row]:
    from openpyxl import load_workbook  # only for an Excel file: ~150 ms at import

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a file that is not xlsx
        raise BadFile(staff("import.unreadable", why=type(error).__name__)) from error
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None)
    if not header:
        raise BadFile(staff("import.empty"))
    return _rows([_cell(name) for name in header],
                 ((number, list(cells)) for number, cells in enumerate(lines, 2)))  # fmt: skip


def read_records(path: Path) -> list[Row]:
    """Every non-empty row of the file, with its line (the header is line 1)."""
    data = path.read_bytes()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx(data)
    if path.suffix.lower() in (".csv", ".txt"):
        return _csv(data)
    raise BadFile(staff("import.unknown_format", suffix=path.suffix or "-"))
