"""Importing the poverty review's spreadsheet: 10,000 rows on the embedded SQLite store.

The import reads the file, checks every row, builds one hash-chained aggregate per unit and
year and records them all in one transaction. The baseline, measured in the same run, reads
the same file alone and then inserts the same number of plain rows one by one, each in its
own transaction, as a naive loader would. Prints both times, then
``import: ratio <x> (target 0.3)``: the import's time over the baseline's.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from tests.xlsx import write_figures

from documents.spreadsheets import read_figures
from domain.context import Actor, CommandContext, Grant, Role
from domain.units import Unit, UnitKind, UnitRegistry
from service.nomination_service import NominationService
from thidua.bootstrap import SQLITE_FACTORY

ADMIN = Actor("bench-admin", (Grant(Role.ADMIN),))
YEARS = (2021, 2022, 2023, 2024, 2025)


def units(count: int) -> UnitRegistry:
    province = Unit("83", "Tỉnh mẫu", UnitKind.PROVINCE, None, date(1976, 1, 1))
    communes = (
        Unit(f"B-{i:05d}", f"Xã mẫu {i}", UnitKind.COMMUNE, "83", date(2000, 1, 1))
        for i in range(count)
    )
    return UnitRegistry([province, *communes])


def spreadsheet(folder: Path, rows: int) -> Path:
    per_year = rows // len(YEARS)
    return write_figures(
        folder / "figures.xlsx",
        (
            {
                "unit_code": f"B-{i:05d}",
                "year": year,
                "total_households": 4000 + i,
                "poor_households": 100 + (i % 50),
                "decision_number": f"{year}/QĐ-UBND",
                "decision_date": f"{year}-12-20",
                "issuing_body": "UBND tỉnh mẫu",
            }
            for year in YEARS
            for i in range(per_year)
        ),
    )


def timed_import(folder: Path, file: Path, registry: UnitRegistry) -> float:
    store = folder / f"events-{time.monotonic_ns()}.sqlite3"
    service = NominationService(
        {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(store)}, units=registry
    )
    try:
        started = time.perf_counter()
        sheet = read_figures(file)
        ctx = CommandContext(ADMIN, "bench/import", "bench", date(2026, 6, 1))
        outcome = service.import_official_figures(ctx, sheet.rows, "bench", apply=True)
        elapsed = time.perf_counter() - started
        if not outcome.applied or outcome.errors:
            raise RuntimeError(f"the import did not apply: {outcome.errors[:3]}")
        return elapsed
    finally:
        service.close()


def timed_baseline(folder: Path, file: Path, rows: int) -> float:
    path = folder / f"plain-{time.monotonic_ns()}.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE figures (unit TEXT, year INTEGER, total INTEGER, poor INTEGER)")
    try:
        started = time.perf_counter()
        read_figures(file)
        for i in range(rows):
            db.execute("BEGIN")
            db.execute("INSERT INTO figures VALUES (?, ?, ?, ?)", (f"B-{i:05d}", 2024, 4000, 100))
            db.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    registry = units(args.rows // len(YEARS))
    with tempfile.TemporaryDirectory(prefix="thidua-bench-import-") as scratch:
        folder = Path(scratch)
        file = spreadsheet(folder, args.rows)
        imports = [timed_import(folder, file, registry) for _ in range(args.runs)]
        baselines = [timed_baseline(folder, file, args.rows) for _ in range(args.runs)]
    mine, theirs = statistics.median(imports), statistics.median(baselines)
    print(f"import of {args.rows} rows: {mine:.2f} s (median of {args.runs})")
    print(f"baseline (read + {args.rows} single-row inserts): {theirs:.2f} s")
    print(f"import: ratio {mine / theirs:.2f} (target 0.3)")


if __name__ == "__main__":
    main()
