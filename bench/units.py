"""Registering units at national scale stays linear.

Registers N units one command at a time on the embedded SQLite store, timing each block of
1,000, against a baseline measured in the same run: the same number of plain single-row
inserts, each committed on its own. A linear register keeps each block's time flat.

``units: ratio <x> (target 0.33)``: the baseline's time over the registrations' for the last
block of 1,000 (the slowest when growth is quadratic): within 3× of a plain insert.

    .venv/bin/python -m bench.units [--units 10000]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from domain.context import Actor, CommandContext, Grant, Role
from domain.units import UnitRegistry
from service.nomination_service import NominationService
from thidua.bootstrap import SQLITE_FACTORY
from thidua.settings import Settings

BLOCK = 1000
ADMIN = Actor("admin", (Grant(Role.ADMIN),))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10_000)
    args = parser.parse_args()
    units = UnitRegistry.from_json(Settings().units_file.read_bytes())
    from datetime import UTC, datetime

    with tempfile.TemporaryDirectory(prefix="thidua-units-") as folder:
        env = {
            "PERSISTENCE_MODULE": SQLITE_FACTORY,
            "SQLITE_DBNAME": str(Path(folder) / "e.db"),
            "AGGREGATE_CACHE_MAXSIZE": str(Settings().aggregate_cache_size),  # as deployed
        }
        service = NominationService(env, units=units)
        blocks: list[float] = []
        started = time.perf_counter()
        block_start = started
        for n in range(args.units):
            now = datetime.now(UTC)
            service.register_unit(
                CommandContext(ADMIN, f"u{n}", "bench", now.date(), at=now),
                {
                    "code": f"N-{n:06d}",
                    "name": f"Xã {n} (dữ liệu mẫu)",
                    "kind": "commune",
                    "parent_code": "831",
                    "valid_from": "2020-02-01",
                    "valid_to": "2025-06-30",
                    "synthetic": True,
                },
            )
            if (n + 1) % BLOCK == 0:
                blocks.append(time.perf_counter() - block_start)
                print(f"{n + 1:>6} units: last {BLOCK} in {blocks[-1]:.2f} s", flush=True)
                block_start = time.perf_counter()
        total = time.perf_counter() - started
        service.close()

        baseline_db = sqlite3.connect(str(Path(folder) / "baseline.db"), isolation_level=None)
        baseline_db.execute("PRAGMA journal_mode=WAL")
        baseline_db.execute("CREATE TABLE t (code TEXT PRIMARY KEY, body TEXT)")
        began = time.perf_counter()
        for n in range(BLOCK):
            baseline_db.execute("BEGIN IMMEDIATE")
            baseline_db.execute("INSERT INTO t VALUES (?, ?)", (f"N-{n:06d}", "x" * 200))
            baseline_db.execute("COMMIT")
        baseline = time.perf_counter() - began
        baseline_db.close()
    print(
        f"registered {args.units} units in {total:.1f} s;"
        f" first block {blocks[0]:.2f} s, last {blocks[-1]:.2f} s"
    )
    print(f"baseline: {BLOCK} single-row inserts in {baseline:.2f} s")
    print(f"goal: 10,000 units in under 60 s; took {total:.1f} s for {args.units}")
    print(f"units: ratio {baseline / blocks[-1]:.2f} (target 0.33)")


if __name__ == "__main__":
    main()
