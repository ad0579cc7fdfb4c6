"""The worker process: workflows, the clock's activities, and (optionally) the relay."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Sequence

import structlog
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from domain.service import NominationService
from projections.views.database import Database
from workflows.activities import ClockActivities
from workflows.council import CouncilSessionWorkflow
from workflows.inspection import InspectionVisitWorkflow
from workflows.nomination import NominationClockWorkflow
from workflows.notifier import Directory, Notifier
from workflows.relay import Relay

WORKFLOWS: Sequence[type] = (
    NominationClockWorkflow,
    InspectionVisitWorkflow,
    CouncilSessionWorkflow,
)


async def connect(address: str, namespace: str, *, lazy: bool = False) -> Client:
    """``lazy`` connects on first use, so a process can start while Temporal is down."""
    return await Client.connect(
        address, namespace=namespace, data_converter=pydantic_data_converter, lazy=lazy
    )


def build_worker(
    client: Client,
    task_queue: str,
    service: NominationService,
    notifier: Notifier,
    directory: Directory,
    executor: concurrent.futures.Executor,
) -> Worker:
    activities = ClockActivities(service, notifier, directory)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=list(WORKFLOWS),
        activities=activities.all(),
        activity_executor=executor,
    )


async def run(
    client: Client,
    task_queue: str,
    service: NominationService,
    database: Database,
    notifier: Notifier,
    directory: Directory,
    stop: asyncio.Event,
    *,
    with_worker: bool = True,
    with_relay: bool = True,
) -> None:
    """Runs the worker, the relay or both until ``stop`` is set."""
    log = structlog.get_logger()
    tasks = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as executor:
        worker = None
        if with_worker:
            worker = build_worker(client, task_queue, service, notifier, directory, executor)
            tasks.append(asyncio.create_task(worker.run()))
            log.info("worker.started", task_queue=task_queue)
        if with_relay:
            relay = Relay(service, database, client, task_queue)
            tasks.append(asyncio.create_task(relay.run(stop)))
            log.info("relay.started")
        await stop.wait()
        if worker is not None:
            await worker.shutdown()
        await asyncio.gather(*tasks, return_exceptions=True)
