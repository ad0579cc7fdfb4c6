"""Streaming exports of the audit trail and the criterion checks: CSV and JSON Lines."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from projections.audit_trail import CHECK_COLUMNS, ROW_COLUMNS

FORMATS = ("csv", "jsonl")


def columns_for(what: str) -> tuple[str, ...]:
    return CHECK_COLUMNS if what == "checks" else ROW_COLUMNS


def write_csv(rows: Iterable[dict[str, Any]], out: TextIO, columns: tuple[str, ...]) -> int:
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
        count += 1
    return count


def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO, columns: tuple[str, ...]) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False, default=str))
        out.write("\n")
        count += 1
    return count


def export(
    rows: Iterator[dict[str, Any]], out: TextIO, *, what: str = "trail", fmt: str = "csv"
) -> int:
    """Writes every row as it is read, so memory stays flat whatever the size."""
    if fmt not in FORMATS:
        raise ValueError(f"format: must be one of {', '.join(FORMATS)}")
    writer = write_csv if fmt == "csv" else write_jsonl
    return writer(rows, out, columns_for(what))


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else value
