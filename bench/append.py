"""Command throughput on PostgreSQL against raw single-row-commit inserts, in one run.

Both sides append one event per operation and commit it: the service loads the cached
nomination, decides, stamps and hash-chains the event and saves it in notification-id
order; the baseline inserts a row into a table with the event table's columns and
primary key, in autocommit. Prints both client counts, then
``append: ratio <x> (target 0.5)`` for one client.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import cast
from uuid import uuid4

import psycopg
from psycopg import sql

from bench.support import postgres, schema
from domain.context import Actor, CommandContext, Grant, Role
from domain.store import ChainMapper
from domain.writers import WriterKey
from service.nomination_service import NominationService
from thidua.bootstrap import load_units, postgres_env
from thidua.settings import Settings

OFFICER = Actor("bench-officer", (Grant(Role.UNIT_OFFICER, "83"),))
SYSTEM = Actor("system", (Grant(Role.SYSTEM),))
STATE = b'{"stage":"collecting","recipients":["a@example.org"],"message":"reminder"}' * 3


def ctx(actor: Actor, today: date = date(2024, 1, 10)) -> CommandContext:
    return CommandContext(actor, uuid4().hex, "bench", today)


def run_clients(clients: int, per_client: int, work: Callable[[int, int], None]) -> float:
    """Operations per second with ``clients`` threads each doing ``per_client`` operations."""
    barrier = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        barrier.wait()
        for i in range(per_client):
            work(index, i)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return clients * per_client / (time.perf_counter() - started)


def raw_inserts(url: str, clients: int, per_client: int) -> float:
    with schema(url) as name:
        table = sql.Identifier(name, "raw_events")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                sql.SQL(
                    "CREATE TABLE {} (originator_id uuid NOT NULL,"
                    " originator_version bigint NOT NULL, topic text, state bytea,"
                    " PRIMARY KEY (originator_id, originator_version))"
                ).format(table)
            )
        insert = sql.SQL("INSERT INTO {} VALUES (%s, %s, %s, %s)").format(table)
        connections = [psycopg.connect(url, autocommit=True) for _ in range(clients)]
        ids = [uuid4() for _ in range(clients)]
        try:
            return run_clients(
                clients,
                per_client,
                lambda c, i: connections[c].execute(
                    insert, (ids[c], i + 1, "bench:Event", STATE), prepare=True
                ),
            )
        finally:
            for conn in connections:
                conn.close()


def service_commands(
    url: str, clients: int, per_client: int, cache: int, *, signed: bool = True
) -> float:
    with schema(url) as name:
        env = postgres_env(url, name)
        env["AGGREGATE_CACHE_MAXSIZE"] = str(cache)
        env["POSTGRES_POOL_SIZE"] = str(max(clients, 2))
        service = NominationService(env, units=load_units(Settings().units_file))
        if not signed:  # only to show what the writer signature costs
            cast(ChainMapper, service.mapper).writer = None
        try:
            codes = ["S-829-01", "S-831-01", "S-832-01", "S-834-01", "S-836-02", "S-838-01"]
            nominations = [
                service.open_nomination(ctx(OFFICER), codes[c], "bang-khen-tinh", 2023).id
                for c in range(clients)
            ]
            return run_clients(
                clients,
                per_client,
                lambda c, i: service.record_reminder(
                    ctx(SYSTEM), nominations[c], "collecting", ["a@example.org"], f"#{i}"
                ),
            )
        finally:
            service.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=2000, help="operations per client")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cache", type=int, default=1000, help="aggregate cache size")
    args = parser.parse_args()
    ratios: dict[int, float] = {}
    key = WriterKey.generate()
    started = time.perf_counter()
    for i in range(5000):
        key.sign(f"{i:064x}")
    print(f"writer signature: {(time.perf_counter() - started) / 5000 * 1e6:.1f} µs an event")
    with postgres() as url:
        for clients in (1, 4):
            raw, svc, unsigned = [], [], []
            for _ in range(args.repeat):
                raw.append(raw_inserts(url, clients, args.commands))
                svc.append(service_commands(url, clients, args.commands, args.cache))
                unsigned.append(
                    service_commands(url, clients, args.commands, args.cache, signed=False)
                )
            raw_rate, svc_rate = statistics.median(raw), statistics.median(svc)
            ratio = svc_rate / raw_rate
            ratios[clients] = ratio
            print(
                f"{clients} client(s): raw insert {raw_rate:,.0f}/s, service command"
                f" {svc_rate:,.0f}/s, ratio {ratio:.2f}; unsigned"
                f" {statistics.median(unsigned):,.0f}/s"
            )
    print(f"append: ratio {ratios[1]:.2f} (target 0.5)")


if __name__ == "__main__":
    main()
