"""Reads at 100,000 nominations on PostgreSQL stay within a few times a trivial request.

Generates a national data set (``bench.nation``: 100,000 nominations across 34 provinces
with figures, checks, every stage and council sessions), builds the views, and starts the
API in its own process. A separate load process (``bench.loadgen``, 8 threads) then
measures p50 and p99 of the board as the auditor, as one district's reviewer and as one
inspection team's inspector, the district reviewer's task inbox and one nomination's page,
against ``/healthz`` of the same server in the same run.

``scale: ratio <trivial p99 / worst p99> (target 0.33)``: the slowest read within 3×.

    .venv/bin/python -m bench.scale [--nominations 100000] [--seconds 8]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date

from bench.api import free_port, load, token, wait_ready
from bench.nation import (
    ADMIN,
    generate,
    rebuild_views,
    team_of,
)
from bench.support import postgres, schema
from domain.context import CommandContext
from projections.runner import CATALOGUE
from service.nomination_service import NominationService
from thidua.bootstrap import load_units, postgres_env
from thidua.settings import Settings

PASSWORD = "bench-scale-password"  # noqa: S105 - a throwaway schema's accounts
DISTRICT = "X01-1"


def accounts(env: dict[str, str]) -> None:
    from thidua.passwords import hash_password

    service = NominationService(env, units=load_units(Settings().units_file))
    hashed = hash_password(PASSWORD)
    for username, grants in (
        ("bench-auditor", [{"role": "auditor", "scope": None}]),
        ("bench-district", [{"role": "district_reviewer", "scope": DISTRICT}]),
        ("bench-inspector", [{"role": "inspector", "scope": team_of("X01")}]),
    ):
        ctx = CommandContext(ADMIN, f"scale/account/{username}", "scale", date(2024, 1, 2))
        service.register_account(ctx, username, hashed, grants, username)
    service.close()


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn\n"
        "from thidua.bootstrap import build_app\n"
        "from thidua.settings import Settings\n"
        f"uvicorn.run(build_app(Settings()), host='127.0.0.1', port={port},"
        " log_level='warning', access_log=False)\n"
    )
    return subprocess.Popen(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nominations", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    with postgres() as url, schema(url) as name, tempfile.TemporaryDirectory() as folder:
        env = {**postgres_env(url, name), "AGGREGATE_CACHE_MAXSIZE": "2000"}
        nation = generate(env, args.nominations, progress=lambda m: print(m, flush=True))
        print(
            f"registered {nation.units:,} units in {nation.units_seconds:.1f} s"
            " (goal: 10,000 in under a minute)",
            flush=True,
        )
        print(
            f"generated {len(nation.nominations):,} nominations in {nation.seconds:.0f} s"
            f" ({nation.saves:,} saves): {json.dumps(nation.stages)}",
            flush=True,
        )
        started = time.perf_counter()
        built = rebuild_views(url, name, list(CATALOGUE))
        print(f"views built in {time.perf_counter() - started:.0f} s: {built}", flush=True)
        accounts(env)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server_env = {
            **os.environ,
            "THIDUA_LOG_LEVEL": "WARNING",
            "THIDUA_DATA_DIR": folder,
            "THIDUA_STORE": "postgres",
            "THIDUA_POSTGRES_URL": url,
            "THIDUA_POSTGRES_SCHEMA": name,
            "THIDUA_DEMO": "0",
        }
        server = serve(server_env, port)
        try:
            wait_ready(base)
            bearer = {u: token(base, u, PASSWORD) for u in ("bench-auditor", "bench-district")}
            bearer["bench-inspector"] = token(base, "bench-inspector", PASSWORD)
            one = nation.nominations[len(nation.nominations) // 2]
            routes = {
                "board, auditor": ("/api/v1/nominations", "bench-auditor"),
                "board, district reviewer": ("/api/v1/nominations", "bench-district"),
                "board, inspector": ("/api/v1/nominations", "bench-inspector"),
                "task inbox, district reviewer": ("/api/v1/tasks", "bench-district"),
                "one nomination": (f"/api/v1/nominations/{one}", "bench-auditor"),
            }
            trivial = load("GET", f"{base}/healthz", args.seconds, args.threads)
            results = {
                label: load("GET", base + path, args.seconds, args.threads, bearer[who])
                for label, (path, who) in routes.items()
            }
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(f"{'route':<32}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>8}{'errors':>8}{'ratio':>8}")
    for label, r in {"trivial (/healthz)": trivial, **results}.items():
        print(
            f"{label:<32}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['rps']:>8.0f}"
            f"{r['errors']:>8}{trivial['p99_ms'] / r['p99_ms']:>8.2f}"
        )
    if any(r["errors"] for r in results.values()):
        raise SystemExit("some requests failed")
    worst = max(r["p99_ms"] for r in results.values())
    print(f"scale: ratio {trivial['p99_ms'] / worst:.2f} (target 0.33)")


if __name__ == "__main__":
    main()
