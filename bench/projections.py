"""Audit-trail catch-up over a large log on PostgreSQL, against the same work done raw.

The baseline reads the same notification rows in pages of 500 with psycopg and inserts one
plain row per event, committing once per page. Also measures a full rebuild's wall time,
and the peak resident memory of a rebuild and of a full export (each in its own process).
Prints ``projections: ratio <x> (target 0.5)``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from typing import Any

import psycopg
from psycopg import sql

from bench.append import OFFICER, SYSTEM, ctx
from bench.support import postgres, schema
from domain.errors import DomainError
from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from storage.views import PostgresDatabase
from thidua.bootstrap import load_units, postgres_env
from thidua.settings import Settings

CODES = ["S-829-01", "S-829-02", "S-831-01", "S-831-02", "S-832-01", "S-834-01", "S-836-02"]
FIGURES = {
    2021: {"total_households": 4000, "poor_households": 400},
    2022: {"total_households": 4020, "poor_households": 310},
    2023: {"total_households": 4040, "poor_households": 220},
}


def fill(service: NominationService, events: int) -> int:
    """Nominations with figures, then reminders round-robin until the log holds ``events``."""
    nominations = []
    for code in CODES:
        for form in ("bang-khen-tinh", "co-thi-dua-tinh"):
            for cycle in (2023, 2024, 2025):
                try:
                    nid = service.open_nomination(
                        ctx(OFFICER, date(2024, 1, 8)), code, form, cycle
                    ).id
                except DomainError:
                    continue  # a unit the form or the cycle does not fit
                for year, figures in FIGURES.items():
                    service.record_statistics(ctx(OFFICER), nid, year, figures)
                nominations.append(nid)
    made = service.recorder.max_notification_id() or 0
    i = 0
    while made < events:
        nid = nominations[i % len(nominations)]
        service.record_reminder(ctx(SYSTEM), nid, "collecting", ["a@x.org"], f"#{i}")
        made, i = made + 1, i + 1
    return made


def raw_catch_up(url: str, schema_name: str, table: str) -> float:
    """Events per second: pages of 500 read, one plain row inserted per event, one commit."""
    target = sql.Identifier(schema_name, "raw_trail")
    source = sql.Identifier(schema_name, table)
    with psycopg.connect(url) as conn:
        conn.execute(
            sql.SQL(
                "CREATE TABLE {} (position bigint PRIMARY KEY, aggregate_id uuid,"
                " version bigint, topic text)"
            ).format(target)
        )
        conn.commit()
        select = sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {}"
            " WHERE notification_id > %s ORDER BY notification_id LIMIT 500"
        ).format(source)
        insert = sql.SQL("INSERT INTO {} VALUES (%s, %s, %s, %s)").format(target)
        position, count = 0, 0
        started = time.perf_counter()
        while True:
            rows = conn.execute(select, (position,), prepare=True).fetchall()
            if not rows:
                break
            for row in rows:
                conn.execute(insert, row[:4], prepare=True)
            conn.commit()
            position, count = rows[-1][0], count + len(rows)
        return count / (time.perf_counter() - started)


def peak_memory(kind: str, url: str, schema_name: str) -> float:
    """Peak resident memory in MB of a rebuild or an export, run in a fresh process."""
    code = (
        "import resource, sys\n"
        "from bench.projections import measure_in_child\n"
        f"measure_in_child({kind!r}, {url!r}, {schema_name!r})\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=1800
    )
    return float(done.stdout.strip().splitlines()[-1])


def measure_in_child(kind: str, url: str, schema_name: str) -> None:
    service = NominationService(
        postgres_env(url, schema_name), units=load_units(Settings().units_file)
    )
    runner = ProjectionRunner(service, PostgresDatabase(url, schema_name), ["audit_trail"])
    if kind == "rebuild":
        runner.rebuild("audit_trail")
    else:
        from projections.exports import export

        with open("/dev/null", "w", encoding="utf-8") as sink:
            export(runner.audit_trail_view.rows(), sink, fmt="csv")
    service.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with postgres() as url, schema(url) as name:
        env = {**postgres_env(url, name), "AGGREGATE_CACHE_MAXSIZE": "1000"}
        service = NominationService(env, units=load_units(Settings().units_file))
        started = time.perf_counter()
        fill(service, args.events)
        total = service.recorder.max_notification_id() or 0
        print(f"wrote {total:,} events in {time.perf_counter() - started:.1f} s", flush=True)

        table: Any = service.recorder.events_table_name  # type: ignore[attr-defined]
        baseline = raw_catch_up(url, name, table)

        runner = ProjectionRunner(service, PostgresDatabase(url, name), ["audit_trail"])
        started = time.perf_counter()
        runner.catch_up("audit_trail")
        catch_up = total / (time.perf_counter() - started)

        started = time.perf_counter()
        runner.rebuild("audit_trail")
        rebuild_seconds = time.perf_counter() - started
        service.close()

        rebuild_mb = peak_memory("rebuild", url, name)
        export_mb = peak_memory("export", url, name)

    ratio = catch_up / baseline
    print(
        json.dumps(
            {
                "events": total,
                "catch_up_events_per_s": round(catch_up),
                "raw_events_per_s": round(baseline),
                "rebuild_seconds": round(rebuild_seconds, 1),
                "rebuild_peak_mb": round(rebuild_mb),
                "export_peak_mb": round(export_mb),
            }
        )
    )
    print(f"projections: ratio {ratio:.2f} (target 0.5)")


if __name__ == "__main__":
    main()
