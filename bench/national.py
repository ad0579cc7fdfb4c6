"""A national-scale log on PostgreSQL, replayed and proved: every view rebuilt, every chain
verified, a receipt sealed over the whole log and the full audit trail exported as CSV.

The log comes from ``bench.nation`` (34 provinces of units, five years of official
figures, nominations through every stage, council sessions; about fifteen events per
nomination). Each measured task runs in a fresh process, so its peak resident memory is
its own. The views rebuild in parallel, one process per view, two at a time (the
machine's cores): each view reads the log in order, as a single runner would.

The raw limit, measured in the same run: the same rows read in pages of 500 with psycopg
and one plain row inserted per event, one commit per page.

``national: ratio <raw limit's time / the rebuild's wall time> (target 0.5)``.

    .venv/bin/python -m bench.national [--events 1000000] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from bench.nation import _service, generate, peak_mb, rebuild_views
from bench.projections import raw_catch_up
from bench.support import postgres, schema
from projections.runner import CATALOGUE
from thidua.bootstrap import postgres_env

EVENTS_PER_NOMINATION = 15


def in_child(task: str, url: str, schema_name: str) -> dict[str, float]:
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_task, task, url, schema_name).result()


def _task(task: str, url: str, schema_name: str) -> dict[str, float]:
    from projections.audit_trail_view import AuditTrailView
    from projections.exports import export
    from service.audit import verify_store
    from service.receipts import Receipts, SigningKey
    from storage.views import PostgresDatabase

    service = _service(postgres_env(url, schema_name))
    database = PostgresDatabase(url, schema_name)
    started = time.perf_counter()
    result: dict[str, Any] = {}
    if task == "verify":
        digests = AuditTrailView(database).digests()
        report = verify_store(service, digests)
        if not report.ok:
            raise SystemExit(f"the log does not verify: {report.first_broken}")
        result["events"] = report.checked_events
    elif task == "seal":
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        receipt = Receipts(service, database, SigningKey(Ed25519PrivateKey.generate())).seal()
        result["position"] = receipt["position"]
    elif task == "export":
        with open("/dev/null", "w", encoding="utf-8") as sink:
            result["rows"] = export(AuditTrailView(database).rows(), sink, fmt="csv")
    result["seconds"] = time.perf_counter() - started
    result["peak_mb"] = peak_mb()
    database.close()
    service.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with postgres() as url, schema(url) as name:
        env = {**postgres_env(url, name), "AGGREGATE_CACHE_MAXSIZE": "2000"}
        nation = generate(
            env, max(args.events // EVENTS_PER_NOMINATION, 100), parts=args.workers, progress=print
        )
        service = _service(postgres_env(url, name))
        events = service.recorder.max_notification_id() or 0
        table: Any = service.recorder.events_table_name  # type: ignore[attr-defined]
        service.close()
        print(
            f"generated {events:,} events ({len(nation.nominations):,} nominations,"
            f" {len(nation.sessions):,} sessions) in {nation.seconds:.0f} s",
            flush=True,
        )
        raw_rate = raw_catch_up(url, name, table)
        raw_seconds = events / raw_rate
        print(f"raw limit: {raw_seconds:.1f} s ({raw_rate:,.0f} events/s)", flush=True)

        started = time.perf_counter()
        views = rebuild_views(url, name, list(CATALOGUE), workers=args.workers)
        rebuild = time.perf_counter() - started
        print(f"rebuild: {rebuild:.1f} s wall, {json.dumps(views)}", flush=True)
        tasks = {task: in_child(task, url, name) for task in ("verify", "seal", "export")}
        for task, figures in tasks.items():
            print(f"{task}: {json.dumps(figures)}", flush=True)

    peak = max([v["peak_mb"] for v in views.values()] + [t["peak_mb"] for t in tasks.values()])
    both = rebuild + tasks["verify"]["seconds"]
    print(
        json.dumps(
            {
                "events": events,
                "rebuild_seconds": round(rebuild, 1),
                "rebuild_peak_mb": round(max(v["peak_mb"] for v in views.values())),
                "verify_seconds": round(tasks["verify"]["seconds"], 1),
                "verify_peak_mb": round(tasks["verify"]["peak_mb"]),
                "seal_seconds": round(tasks["seal"]["seconds"], 1),
                "seal_peak_mb": round(tasks["seal"]["peak_mb"]),
                "export_seconds": round(tasks["export"]["seconds"], 1),
                "export_peak_mb": round(tasks["export"]["peak_mb"]),
                "raw_seconds": round(raw_seconds, 1),
            }
        )
    )
    print(f"goal: rebuild + verify under 60 s, each under 300 MB: {both:.1f} s, peak {peak:.0f} MB")
    print(f"national: ratio {raw_seconds / rebuild:.2f} (target 0.5)")


if __name__ == "__main__":
    main()
