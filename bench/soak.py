"""Soak: a steady mixed load against `thidua cluster` for ten minutes.

Before the clock starts, writers open their dossiers (units and cycles are set up first).
Then, for the measured minutes, writers record and correct figures through both API
processes while readers page the board and the inspectors' inbox. Each minute reports the
throughput of answered requests, their p50 and p99, and the resident memory of every
process of the cluster.

``soak: ratio <x> (target 0.8)``: the last minute's throughput over the first minute's.
Memory is flat when each process's last minute is within 20 % of its second.

    .venv/bin/python -m bench.soak [--minutes 10] [--writers 4] [--readers 4]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
from tests.faults.cluster import ADMIN_PASSWORD, Answer, Http, RunningCluster

OFFICER_PASSWORD = "Soak Walnut Ferry 2290"  # noqa: S105 - a throwaway cluster


class Minutes:
    """Latencies of answered requests, by minute since the start."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.latencies: dict[int, list[float]] = defaultdict(list)
        self.failures: dict[int, int] = defaultdict(int)
        self.by_kind: dict[tuple[int, str], list[float]] = defaultdict(list)
        self.lock = threading.Lock()

    def minute(self) -> int:
        return int((time.monotonic() - self.start) // 60)

    def record(self, seconds: float, ok: bool, kind: str) -> None:
        with self.lock:
            if ok:
                self.latencies[self.minute()].append(seconds)
                self.by_kind[(self.minute(), kind)].append(seconds)
            else:
                self.failures[self.minute()] += 1


def timed(minutes: Minutes, call: Callable[..., Answer], *args: Any, **kwargs: Any) -> Answer:
    began = time.monotonic()
    answer = call(*args, **kwargs)
    method, path = (args[0], args[1]) if len(args) > 1 else ("GET", args[0])
    parts = path.split("?")[0].split("/")
    kind = f"{method} {parts[3]}" + (f"/{parts[5]}" if len(parts) > 5 else "")
    minutes.record(time.monotonic() - began, answer.status in (200, 201), kind)
    return answer


FORMS = ("bang-khen-tinh", "co-thi-dua-tinh")
CYCLES = (2023, 2024, 2025)
UNITS_PER_WRITER = 40


def opener(number: int, officer: Http) -> list[tuple[str, int]]:
    """Before the clock starts: a dossier for each of the writer's units, forms and cycles,
    with its figures, so the measured minutes all carry the same mix."""
    opened: list[tuple[str, int]] = []
    for cycle in CYCLES:
        for form in FORMS:
            for u in range(UNITS_PER_WRITER):
                code = f"SOAK{number}-{u:03d}"
                answer = officer.request(
                    "POST",
                    "/api/v1/nominations",
                    body={"unit_code": code, "award_form": form, "cycle_year": cycle},
                    key=f"o-{code}-{form}-{cycle}",
                )
                if answer.status != 201:
                    raise RuntimeError(f"opening {code} {form} {cycle}: {answer}")
                opened.append((answer.body["id"], cycle))
    return opened


def writer(
    number: int,
    officer: Http,
    opened: list[tuple[str, int]],
    minutes: Minutes,
    stop: threading.Event,
) -> None:
    """As officers do all season: one dossier's figures after another, recorded and
    corrected, each year in turn."""
    corrections = 0
    while not stop.is_set():
        corrections += 1
        nid, cycle = opened[corrections % len(opened)]
        year = (2021, cycle - 2, cycle - 1, cycle)[corrections % 4]  # baseline and window
        timed(
            minutes,
            officer.request,
            "PUT",
            f"/api/v1/nominations/{nid}/statistics/{year}",
            body={"total_households": 1000, "poor_households": 50 + corrections % 40},
            key=f"c-{number}-{corrections}",
        )


def reader(sessions: list[Http], minutes: Minutes, stop: threading.Event) -> None:
    province, inspector = sessions
    while not stop.is_set():
        timed(minutes, province.get, "/api/v1/nominations?limit=50")
        timed(minutes, inspector.get, "/api/v1/tasks")


def memory(cluster: RunningCluster) -> dict[str, float]:
    """Resident MiB of each part of the cluster."""
    found: dict[str, float] = {}
    for part in cluster.state()["parts"]:
        try:
            process = psutil.Process(part["pid"])
            found[part["name"]] = process.memory_info().rss / 2**20
        except psutil.Error:
            continue
    return found


def postgres_memory(cluster: RunningCluster) -> float:
    """Resident MiB of the PostgreSQL server and its backends, for the record: its shared
    buffers fill as the database grows, so it is not held to the flatness target."""
    pid_file = Path(cluster.state()["postgres_data"]) / "postmaster.pid"
    try:
        server = psutil.Process(int(pid_file.read_text().split()[0]))
        return sum(p.memory_info().rss for p in [server, *server.children()]) / 2**20
    except (OSError, ValueError, psutil.Error):
        return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="thidua-soak-") as folder:
        cluster = RunningCluster(Path(folder))
        cluster.start()
        try:
            admin = Http(cluster.bases[0]).signed_in("admin", ADMIN_PASSWORD)
            for username, role, scope in (
                ("soak-officer", "unit_officer", "86"),
                ("soak-province", "province_reviewer", None),
                ("soak-inspector", "inspector", "team-1"),
            ):
                admin.request(
                    "POST",
                    "/api/v1/accounts",
                    body={
                        "username": username,
                        "password": OFFICER_PASSWORD,
                        "roles": [{"role": role, "scope": scope}],
                    },
                    key=f"account-{username}",
                )
            for year, kind in ((2023, "preliminary"), (2024, "annual"), (2025, "final")):
                admin.request(
                    "PUT",
                    f"/api/v1/cycles/{year}",
                    body={
                        "kind": kind,
                        "closes_on": "2099-01-30",
                        "evaluation_years": [year - 1, year],
                    },
                    key=f"cycle-{year}",
                )
            for n in range(args.writers):  # reference data, before the clock starts
                for u in range(UNITS_PER_WRITER):
                    code = f"SOAK{n}-{u:03d}"
                    admin.request(
                        "POST",
                        "/api/v1/units",
                        body={
                            "code": code,
                            "name": f"Xã Bền {code} (dữ liệu mẫu)",
                            "kind": "commune",
                            "parent_code": "86",
                            "valid_from": "2025-07-01",
                            "synthetic": True,
                        },
                        key=f"u-{code}",
                    )

            def session(index: int, username: str, password: str) -> Http:
                return Http(cluster.bases[index % 2]).signed_in(username, password)

            officers = [session(n, "soak-officer", OFFICER_PASSWORD) for n in range(args.writers)]
            with ThreadPoolExecutor(args.writers) as pool:
                dossiers = list(pool.map(opener, range(args.writers), officers))
            print(f"opened {sum(map(len, dossiers))} dossiers; the clock starts", flush=True)
            minutes = Minutes()
            stop = threading.Event()
            threads = [
                threading.Thread(target=writer, args=(n, officers[n], dossiers[n], minutes, stop))
                for n in range(args.writers)
            ] + [
                threading.Thread(
                    target=reader,
                    args=(
                        [
                            session(n, "soak-province", OFFICER_PASSWORD),
                            session(n, "soak-inspector", OFFICER_PASSWORD),
                        ],
                        minutes,
                        stop,
                    ),
                )
                for n in range(args.readers)
            ]
            for thread in threads:
                thread.start()
            rss: dict[int, dict[str, float]] = {}
            for minute in range(args.minutes):
                time.sleep(max(minutes.start + 60 * (minute + 1) - time.monotonic() - 2, 0))
                rss[minute] = memory(cluster)
                postgres = postgres_memory(cluster)
                time.sleep(max(minutes.start + 60 * (minute + 1) - time.monotonic(), 0))
                done = sorted(minutes.latencies[minute])
                print(
                    f"minute {minute + 1}: {len(done) / 60:.1f} req/s,"
                    f" p50 {statistics.median(done) * 1000:.1f} ms,"
                    f" p99 {done[int(len(done) * 0.99) - 1] * 1000:.1f} ms,"
                    f" failed {minutes.failures[minute]};"
                    " RSS MiB "
                    + ", ".join(f"{k} {v:.0f}" for k, v in sorted(rss[minute].items()))
                    + f"; postgres {postgres:.0f}",
                    flush=True,
                )
                kinds = sorted(k for m, k in minutes.by_kind if m == minute)
                print(
                    "  p50 by request: "
                    + ", ".join(
                        f"{k} {statistics.median(minutes.by_kind[(minute, k)]) * 1000:.0f} ms"
                        for k in kinds
                    ),
                    flush=True,
                )
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        finally:
            cluster.stop()
    last, second = args.minutes - 1, min(1, args.minutes - 1)
    grown = {
        name: rss[last][name] / rss[second][name]
        for name in rss[last]
        if name in rss[second] and rss[second][name] > 0
    }
    worst = max(grown, key=lambda n: grown[n])
    flat = all(g <= 1.2 for g in grown.values())
    print(
        f"memory: the last minute over the second, worst {worst} x{grown[worst]:.2f}"
        f" ({'flat' if flat else 'GROWING'}: target within 20 %)"
    )
    first_rate = len(minutes.latencies[0]) / 60
    last_rate = len(minutes.latencies[last]) / 60
    print(f"soak: ratio {last_rate / first_rate:.2f} (target 0.8)")


if __name__ == "__main__":
    main()
