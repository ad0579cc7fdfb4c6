"""Loading a nomination with 1,000 events on PostgreSQL, with and without a snapshot.

Prints ``load: ratio <x> (target 10)`` where x is how many times faster the load from a
snapshot is than replaying every event, both measured in this run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from uuid import UUID

from eventsourcing.application import Repository

from bench.append import OFFICER, SYSTEM, ctx
from bench.support import postgres, schema
from service.nomination_service import NominationService
from thidua.bootstrap import load_units, postgres_env
from thidua.settings import Settings


def timed_load(repository: Repository[UUID], nid: UUID, events: int, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        aggregate = repository.get(nid)
        samples.append(time.perf_counter() - started)
        assert aggregate.version == events
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with postgres() as url, schema(url) as name:
        service = NominationService(
            postgres_env(url, name), units=load_units(Settings().units_file)
        )
        try:
            nid = service.open_nomination(ctx(OFFICER), "S-831-01", "bang-khen-tinh", 2023).id
            for i in range(args.events - 1):
                service.record_reminder(ctx(SYSTEM), nid, "collecting", ["a@example.org"], f"#{i}")
            replay = timed_load(Repository(service.events), nid, args.events, args.repeat)
            assert service.snapshots is not None
            with_snapshot = timed_load(
                Repository(service.events, snapshot_store=service.snapshots),
                nid,
                args.events,
                args.repeat,
            )
        finally:
            service.close()
    ratio = replay / with_snapshot
    print(
        f"{args.events} events: replay {replay * 1000:.1f} ms, from the latest snapshot"
        f" {with_snapshot * 1000:.2f} ms"
    )
    print(f"load: ratio {ratio:.1f} (target 10)")


if __name__ == "__main__":
    main()
