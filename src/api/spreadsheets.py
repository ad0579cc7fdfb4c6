"""Exports as XLSX, written a row at a time (XlsxWriter's constant-memory mode), so a large
register costs the rows of one line in memory, not the whole sheet."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_of(sheet: str, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    """One sheet: a bold header of ``columns``, then each row's values in that order. A text
    that looks like a formula is written as text, never evaluated."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    page = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    page.write_row(0, 0, list(columns), bold)
    for line, row in enumerate(rows, start=1):
        for column, name in enumerate(columns):
            value = row.get(name)
            if value is None:
                continue
            if isinstance(value, bool | int | float):
                page.write_number(line, column, value)
            else:
                page.write_string(line, column, str(value))
    book.close()
    return out.getvalue()
