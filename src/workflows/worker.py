"""The worker process: workflows, the clock's activities, and (optionally) the relay."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Sequence
from datetime import timedelta

import structlog
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from projections.lease import Lease, LeaseTiming
from projections.tracking import Positions
from service.nomination_service import NominationService
from service.receipts import Receipts
from storage.views import Database
from workflows.activities import ClockActivities
from workflows.chain_activities import ChainActivities
from workflows.council import CouncilSessionWorkflow
from workflows.inspection import InspectionVisitWorkflow
from workflows.nomination import NominationClockWorkflow
from workflows.notifier import Directory, Notifier
from workflows.recovery import PrizeRecoveryWorkflow
from workflows.recovery_activities import RecoveryActivities
from workflows.relay import Relay
from workflows.sealing import SEAL_WORKFLOW_ID, AuditSealWorkflow, SealActivities
from workflows.submission import SubmissionWorkflow

WORKFLOWS: Sequence[type] = (
    NominationClockWorkflow,
    InspectionVisitWorkflow,
    CouncilSessionWorkflow,
    SubmissionWorkflow,
    PrizeRecoveryWorkflow,
    AuditSealWorkflow,
)


async def connect(address: str, namespace: str, *, lazy: bool = False) -> Client:
    """``lazy`` connects on first use, so a process can start while Temporal is down."""
    return await Client.connect(
        address, namespace=namespace, data_converter=pydantic_data_converter, lazy=lazy
    )


GRACEFUL_SHUTDOWN = timedelta(seconds=30)


def build_worker(
    client: Client,
    task_queue: str,
    service: NominationService,
    notifier: Notifier,
    directory: Directory,
    executor: concurrent.futures.Executor,
    receipts: Receipts | None = None,
) -> Worker:
    activities: list[Callable[..., object]] = ClockActivities(service, notifier, directory).all()
    activities += ChainActivities(service, notifier, directory).all()
    activities += RecoveryActivities(service, notifier, directory).all()
    if receipts is not None:
        activities.append(SealActivities(receipts).seal_log)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=list(WORKFLOWS),
        activities=activities,
        activity_executor=executor,
        # SIGTERM lets activities in flight finish (a reminder half-sent is sent and
        # recorded) before the worker hands its task queue back; past this, they are
        # cancelled and Temporal retries them on another worker.
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
    )


async def start_sealing(client: Client, task_queue: str, hours: int) -> None:
    """The daily seal runs once per Temporal namespace, whichever worker starts it first."""
    await client.start_workflow(
        AuditSealWorkflow.run,
        hours,
        id=SEAL_WORKFLOW_ID,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
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
    receipts: Receipts | None = None,
    seal_hours: int = 24,
    lease_timing: LeaseTiming | None = None,
) -> None:
    """Runs the worker, the relay or both until ``stop`` is set."""
    log = structlog.get_logger()
    tasks = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as executor:
        worker = None
        if with_worker:
            worker = build_worker(
                client, task_queue, service, notifier, directory, executor, receipts
            )
            tasks.append(asyncio.create_task(worker.run()))
            log.info("worker.started", task_queue=task_queue)
            if receipts is not None:
                await start_sealing(client, task_queue, seal_hours)
        if with_relay:
            timing = lease_timing or LeaseTiming()
            lease = Lease(database, "relay", ttl_seconds=timing.ttl)
            relay = Relay(
                service,
                Positions(database, "relay", lease),
                client,
                task_queue,
                lease=lease,
                timing=timing,
            )
            tasks.append(asyncio.create_task(relay.run(stop)))
            log.info("relay.started")
        await stop.wait()
        if worker is not None:
            await worker.shutdown()
        await asyncio.gather(*tasks, return_exceptions=True)
