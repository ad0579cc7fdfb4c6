"""Relay throughput against a Temporal dev server with a database file, like with like.

Nominations go back and forth between collection and province review, so each relayed event
is a signal to an already-running workflow. Baseline in the same run: raw
``signal_workflow`` calls to one running workflow on the same server. No worker runs, so
both measure what the server accepts. Prints ``relay: ratio <x> (target 0.5)``.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.append import OFFICER, ctx
from domain.context import Actor, Grant, Role
from projections.tracking import Positions
from service.nomination_service import NominationService
from storage.views import SQLiteDatabase
from thidua.bootstrap import SQLITE_FACTORY, load_units
from thidua.services import temporal_dev_server
from thidua.settings import Settings
from workflows.inputs import NominationClockInput, StageChanged
from workflows.nomination import NominationClockWorkflow
from workflows.relay import Relay
from workflows.worker import connect

PROVINCE = Actor("bench-province", (Grant(Role.PROVINCE_REVIEWER),))
UNITS = ["S-SO-LDTBXH", "S-SO-NV", "S-MTTQ", "S-NHCSXH", "S-TCTD-01", "S-DN-01"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def back_and_forth(service: NominationService, events: int) -> int:
    today = date(2024, 1, 10)
    nids = []
    for unit in UNITS:
        for form in ("bang-khen-tinh", "co-thi-dua-tinh"):
            nid = service.open_nomination(ctx(OFFICER, today), unit, form, 2023).id
            service.write_achievement_report(ctx(OFFICER, today), nid, "Báo cáo.")
            nids.append(nid)
    return_nids = nids
    made = 0
    while made < events:
        for nid in return_nids:
            service.submit_nomination(ctx(OFFICER, today), nid)
            service.complete_province_review(ctx(PROVINCE, today), nid, "return", "Bổ sung.")
            made += 2
    return made


async def main_async(events: int) -> None:
    with tempfile.TemporaryDirectory(prefix="thidua-bench-relay-") as folder:
        data = Path(folder)
        port = free_port()
        settings = Settings(  # type: ignore[call-arg]
            data_dir=data, temporal_address=f"127.0.0.1:{port}", temporal_ui_port=free_port()
        )
        env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(data / "e.db")}
        service = NominationService(env, units=load_units(settings.units_file))
        with temporal_dev_server(settings):
            client = await connect(settings.temporal_address, "default")
            relay = Relay(
                service, Positions(SQLiteDatabase(str(data / "e.db")), "relay"), client, "bench"
            )
            # Start every nomination's workflow first: then each event is a plain signal.
            await relay.catch_up()
            signals = back_and_forth(service, events)  # submissions and returns
            relayed = service.recorder.max_notification_id() or 0
            started = time.perf_counter()
            await relay.catch_up()
            relay_seconds = time.perf_counter() - started

            handle = await client.start_workflow(
                NominationClockWorkflow.run,
                NominationClockInput(nomination_id="baseline"),
                id="bench-baseline",
                task_queue="bench",
            )
            started = time.perf_counter()
            for i in range(signals):
                await handle.signal(
                    NominationClockWorkflow.stage_changed,
                    StageChanged(event_id=f"b{i}", version=i + 1, stage="collecting"),
                )
            raw_seconds = time.perf_counter() - started
        service.close()
    relay_rate, raw_rate = signals / relay_seconds, signals / raw_seconds
    print(
        f"{signals} signals ({relayed} events in the log): relay {relay_rate:,.0f}/s,"
        f" raw signal_workflow {raw_rate:,.0f}/s"
    )
    print(f"relay: ratio {relay_rate / raw_rate:.2f} (target 0.5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main_async(args.events))


if __name__ == "__main__":
    main()
