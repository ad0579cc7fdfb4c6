"""Workflows under a time-skipping Temporal test server (``temporal-test-server``)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from domain.calendar import VIETNAM
from domain.units import UnitRegistry
from projections.tracking import Positions
from service.nomination_service import NominationService
from storage.views import SQLiteDatabase
from thidua.binaries import find_binary
from workflows.notifier import Directory
from workflows.relay import Relay
from workflows.worker import build_worker


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--workflow-environment",
        default="time-skipping",
        help="time-skipping (default) or the address of an existing Temporal server",
    )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def env(request: pytest.FixtureRequest) -> AsyncIterator[WorkflowEnvironment]:
    option = request.config.getoption("--workflow-environment")
    if option != "time-skipping":
        from temporalio.client import Client

        client = await Client.connect(option, data_converter=pydantic_data_converter)
        yield WorkflowEnvironment.from_client(client)
        return
    path = find_binary("temporal-test-server")
    converter = pydantic_data_converter
    start = WorkflowEnvironment.start_time_skipping
    environment = await start(test_server_existing_path=path, data_converter=converter)
    yield environment
    await environment.shutdown()


@dataclass
class Outbox:
    """A notifier that keeps what it was asked to send."""

    sent: list[tuple[list[str], str]] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)

    def send(self, recipients: list[str], subject: str, body: str) -> None:
        self.sent.append((list(recipients), subject))
        self.bodies.append(body)


@dataclass
class Clock:
    env: WorkflowEnvironment
    service: NominationService
    relay: Relay
    outbox: Outbox
    task_queue: str
    prefix: str

    async def today(self) -> date:
        return (await self.env.get_current_time()).astimezone(VIETNAM).date()

    async def now(self) -> datetime:
        return await self.env.get_current_time()

    async def relay_events(self) -> None:
        await self.relay.catch_up()

    async def sleep_until(self, moment: datetime) -> None:
        delay = moment - await self.now()
        if delay > timedelta(0):
            await self.env.sleep(delay)

    def events(self, aggregate_id: uuid.UUID) -> list[str]:
        return [type(e).__name__ for e in self.service.events.get(aggregate_id)]


@pytest.fixture
def executor() -> Iterator[concurrent.futures.ThreadPoolExecutor]:
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        yield pool


HISTORIES = Path(__file__).parent / "histories"


async def _record_histories(
    env: WorkflowEnvironment, workflow_ids: list[str], prefix: str, name: str
) -> None:
    """With THIDUA_RECORD_HISTORIES=1, keeps each workflow's history for the replay test."""
    HISTORIES.mkdir(exist_ok=True)
    for workflow_id in workflow_ids:
        with contextlib.suppress(Exception):
            history = await env.client.get_workflow_handle(workflow_id).fetch_history()
            kind = workflow_id.removeprefix(prefix).split("-")[0]
            (HISTORIES / f"{name}.{kind}.json").write_text(history.to_json(), "utf-8")


@pytest_asyncio.fixture(loop_scope="session")
async def clock(
    env: WorkflowEnvironment,
    units: UnitRegistry,
    tmp_path: Path,
    executor: concurrent.futures.ThreadPoolExecutor,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Clock]:
    service = NominationService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, units=units)
    task_queue = f"test-{uuid.uuid4().hex[:8]}"
    outbox = Outbox()
    directory = Directory()
    prefix = f"{task_queue}-"
    relay = Relay(
        service,
        Positions(SQLiteDatabase(str(tmp_path / "relay.sqlite3")), "relay"),
        env.client,
        task_queue,
        id_prefix=prefix,
    )
    worker = build_worker(env.client, task_queue, service, outbox, directory, executor)
    async with worker:
        yield Clock(env, service, relay, outbox, task_queue, prefix)
        if os.environ.get("THIDUA_RECORD_HISTORIES") == "1":
            ids = sorted(relay.workflow_ids)
            for workflow_id in list(ids):
                with contextlib.suppress(Exception):
                    state = await env.client.get_workflow_handle(workflow_id).query("get_state")
                    ids += [f"{prefix}inspection-{v}" for v in state.get("visits", [])]
            await _record_histories(env, ids, prefix, request.node.name.removeprefix("test_"))
        # Workflows left waiting would hold the shared test server's clock still.
        for workflow_id in sorted(relay.workflow_ids):
            handle = env.client.get_workflow_handle(workflow_id)
            with contextlib.suppress(Exception):  # a finished workflow answers no query
                state = await handle.query("get_state")
                for visit in state.get("visits", []):
                    await _terminate(env, f"{prefix}inspection-{visit}")
            await _terminate(env, workflow_id)


async def _terminate(env: WorkflowEnvironment, workflow_id: str) -> None:
    with contextlib.suppress(Exception):  # already finished
        await env.client.get_workflow_handle(workflow_id).terminate("test finished")
