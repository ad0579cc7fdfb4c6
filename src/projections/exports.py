"""Streaming exports of the audit trail and the criterion checks: CSV and JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from projections.audit_trail_view import CHECK_COLUMNS, ROW_COLUMNS

FORMATS = ("csv", "jsonl")


def columns_for(what: str) -> tuple[str, ...]:
    return CHECK_COLUMNS if what == "checks" else ROW_COLUMNS


def row_writer(fmt: str, out: TextIO, columns: tuple[str, ...]) -> Callable[[dict[str, Any]], None]:
    """Writes the header now (CSV) and returns what writes one row: the one CSV and JSON
    Lines encoding of rows, for files, the CLI and HTTP alike."""
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        return lambda row: writer.writerow([_cell(row.get(c)) for c in columns])

    def line(row: dict[str, Any]) -> None:
        out.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False, default=str))
        out.write("\n")

    return line


def write_csv(rows: Iterable[dict[str, Any]], out: TextIO, columns: tuple[str, ...]) -> int:
    return _write(rows, row_writer("csv", out, columns))


def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO, columns: tuple[str, ...]) -> int:
    return _write(rows, row_writer("jsonl", out, columns))


def _write(rows: Iterable[dict[str, Any]], write: Callable[[dict[str, Any]], None]) -> int:
    count = 0
    for row in rows:
        write(row)
        count += 1
    return count


def chunks(
    rows: Iterable[dict[str, Any]], fmt: str, columns: tuple[str, ...], size: int = 1 << 16
) -> Iterator[str]:
    """The same encoding in pieces of about ``size`` characters, for a streamed response."""
    buffer = io.StringIO()
    write = row_writer(fmt, buffer, columns)
    for row in rows:
        write(row)
        if buffer.tell() > size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export(
    rows: Iterator[dict[str, Any]], out: TextIO, *, what: str = "trail", fmt: str = "csv"
) -> int:
    """Writes every row as it is read, so memory stays flat whatever the size."""
    if fmt not in FORMATS:
        raise ValueError(f"format: must be one of {', '.join(FORMATS)}")
    writer = write_csv if fmt == "csv" else write_jsonl
    return writer(rows, out, columns_for(what))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula (OWASP's CSV injection list)."""


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if value is None:
        return ""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value  # shown as text, never run
    return value
