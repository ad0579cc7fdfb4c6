"""Writes the poverty-review spreadsheets: the template, the sample, and test files.

``python -m tests.xlsx`` writes the shipped template and sample again (``make samples``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from documents.spreadsheets import COLUMNS

ROOT = Path(__file__).parents[1]
TEMPLATE = ROOT / "src" / "api" / "templates" / "poverty-figures.xlsx"
SAMPLE = ROOT / "data" / "samples" / "poverty-figures-2021-2025.xlsx"
ORDER = (
    "unit_code",
    "unit_name",
    "year",
    "total_households",
    "poor_households",
    "near_poor_households",
    "poverty_rate",
    "exited",
    "newly_poor",
    "fallen_back",
    "removed",
    "decision_number",
    "decision_date",
    "issuing_body",
)


def write_figures(path: Path, rows: Iterable[dict[str, Any]], *, labels: bool = True) -> Path:
    """One sheet: a header (Vietnamese labels, or the English keys) and one row per dict."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "So lieu ho ngheo"
    sheet.append([COLUMNS[k] if labels else k for k in ORDER])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(k) for k in ORDER])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    book.save(path)
    return path


def sample_rows() -> list[dict[str, Any]]:
    """The synthetic figures of the shipped unit data, as the province would publish them."""
    data = json.loads((ROOT / "data" / "units" / "ben-tre.json").read_text("utf-8"))
    names = {u["code"]: u["name"] for u in data["units"]}
    rows = []
    for code, years in sorted(data["synthetic_statistics"].items()):
        for year, figures in sorted(years.items()):
            total, poor = figures["total_households"], figures["poor_households"]
            rows.append(
                {
                    "unit_code": code,
                    "unit_name": names.get(code, code),
                    "year": int(year),
                    "total_households": total,
                    "poor_households": poor,
                    "near_poor_households": figures.get("near_poor_households"),
                    "poverty_rate": round(100 * poor / total, 2),
                    "decision_number": f"{int(year) % 100:02d}/QĐ-UBND (mẫu)",
                    "decision_date": f"{year}-12-20",
                    "issuing_body": "UBND tỉnh Bến Tre (dữ liệu mẫu)",
                }
            )
    return rows


if __name__ == "__main__":
    write_figures(TEMPLATE, [])
    write_figures(SAMPLE, sample_rows())
    print(TEMPLATE, SAMPLE)
