"""Workflow overhead under time skipping: nomination clocks started by the relay and driven
to completion, against trivial workflows started and completed on the same test server.
Prints ``workflows: ratio <x> (target 0.2)``.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import tempfile
import time
from datetime import date
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench.append import OFFICER, ctx
from bench.trivial import TrivialWorkflow
from domain.errors import DomainError
from projections.tracking import Positions
from service.nomination_service import NominationService
from storage.views import SQLiteDatabase
from thidua.binaries import find_binary
from thidua.bootstrap import load_units
from thidua.settings import Settings
from workflows.notifier import Directory, LogNotifier
from workflows.relay import Relay
from workflows.worker import build_worker


async def main_async(rounds: int) -> None:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=find_binary("temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    try:
        with (
            tempfile.TemporaryDirectory() as folder,
            concurrent.futures.ThreadPoolExecutor(8) as pool,
        ):
            service = NominationService(
                {"PERSISTENCE_MODULE": "eventsourcing.popo"},
                units=load_units(Settings().units_file),
            )
            relay = Relay(
                service,
                Positions(SQLiteDatabase(str(Path(folder) / "r.db")), "relay"),
                env.client,
                "bench",
            )
            worker = build_worker(env.client, "bench", service, LogNotifier(), Directory(), pool)
            trivial = Worker(env.client, task_queue="trivial", workflows=[TrivialWorkflow])
            async with worker, trivial:
                today = date(2024, 1, 10)
                units = [u.code for u in service.units if u.kind.value not in ("province",)]
                started = time.perf_counter()
                nids = []
                for year in (2023, 2024, 2025)[:rounds]:
                    for unit in units:
                        for form in ("bang-khen-tinh", "co-thi-dua-tinh"):
                            try:
                                result = service.open_nomination(
                                    ctx(OFFICER, today), unit, form, year
                                )
                            except DomainError:
                                continue  # a unit that no longer exists, or a form it cannot get
                            nids.append(result.id)
                await relay.catch_up()
                for nid in nids:
                    service.withdraw_nomination(ctx(OFFICER, today), nid, "Rút.")
                await relay.catch_up()
                for nid in nids:
                    await env.client.get_workflow_handle(f"nomination-{nid}").result()
                count = len(nids)
                nomination_rate = count / (time.perf_counter() - started) * 60

                started = time.perf_counter()
                for i in range(count):
                    await env.client.execute_workflow(
                        TrivialWorkflow.run, f"t{i}", id=f"trivial-{i}", task_queue="trivial"
                    )
                trivial_rate = count / (time.perf_counter() - started) * 60
    finally:
        await env.shutdown()
    print(
        f"{count} nomination workflows: {nomination_rate:,.0f}/min started and completed;"
        f" trivial workflows {trivial_rate:,.0f}/min"
    )
    print(f"workflows: ratio {nomination_rate / trivial_rate:.2f} (target 0.2)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main_async(args.rounds))


if __name__ == "__main__":
    main()
