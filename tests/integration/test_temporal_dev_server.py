"""Against a real Temporal dev server started by the tests: the whole path through the
relay, an inspection task, and timers that survive a server restart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import pytest_asyncio
from temporalio.client import Client

from domain.submission import Signer
from domain.units import UnitRegistry
from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from storage.views import SQLiteDatabase
from tests.factories import ADMIN, PROVINCE, SECRETARY, chairman, ctx, inspector, member, officer
from tests.processes import free_port
from tests.workflows.conftest import Outbox
from thidua.bootstrap import SQLITE_FACTORY
from thidua.services import temporal_dev_server
from thidua.settings import Settings
from workflows import council_workflow_id, inspection_workflow_id, nomination_workflow_id
from workflows.notifier import Directory
from workflows.worker import connect
from workflows.worker import run as run_worker_and_relay

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


@contextmanager
def dev_server(data_dir: Path, port: int) -> Iterator[str]:
    settings = Settings(  # type: ignore[call-arg]
        data_dir=data_dir,
        temporal_address=f"127.0.0.1:{port}",
        temporal_ui_port=free_port(),
        _env_file=None,
    )
    with temporal_dev_server(settings):
        yield settings.temporal_address


class Product:
    """The worker and relay of one process, on a SQLite file, talking to a dev server."""

    def __init__(self, data_dir: Path, units: UnitRegistry) -> None:
        self.path = data_dir / "events.sqlite3"
        self.env = {
            "PERSISTENCE_MODULE": SQLITE_FACTORY,
            "SQLITE_DBNAME": str(self.path),
            "AGGREGATE_CACHE_MAXSIZE": "100",
        }
        self.service = NominationService(self.env, units=units)
        self.outbox = Outbox()
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def start(self, address: str) -> Client:
        client = await connect(address, "default")
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(
            run_worker_and_relay(
                client,
                "thidua",
                self.service,
                SQLiteDatabase(str(self.path)),
                self.outbox,
                Directory(),
                self.stop,
            )
        )
        return client

    async def halt(self) -> None:
        self.stop.set()
        if self.task is not None:
            await asyncio.wait_for(self.task, timeout=30)


async def eventually(check: Any, timeout: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if await asyncio.to_thread(check):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.2)


async def started(handle: Any, timeout: float = 30) -> Any:
    """The handle, once its workflow exists (the relay starts workflows as it reads)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            await handle.describe()
            return handle
        except Exception:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)


@pytest_asyncio.fixture(loop_scope="session")
async def product(tmp_path: Path, units: UnitRegistry) -> AsyncIterator[tuple[Product, Client]]:
    with dev_server(tmp_path, free_port()) as address:
        app = Product(tmp_path, units)
        client = await app.start(address)
        try:
            yield app, client
        finally:
            await app.halt()
            app.service.close()


def prepare_council(s: NominationService, today: date) -> UUID:
    """A department's nomination, judged and forwarded, waiting for the council."""
    from domain.cycles import CycleKind, CycleTerms

    s.configure_cycle(
        ctx(ADMIN, today),
        CycleTerms(2025, CycleKind.FINAL, today + timedelta(days=30), (2024, 2025), 0),
    )
    nid = s.open_nomination(ctx(officer(), today), "S-SO-LDTBXH", "bang-khen-tinh", 2025).id
    s.write_achievement_report(ctx(officer(), today), nid, "Báo cáo.")
    s.submit_nomination(ctx(officer(), today), nid)
    return nid


async def test_a_submitted_nomination_reaches_a_decision_through_the_relay_and_its_inspection(
    product: tuple[Product, Client],
) -> None:
    app, client = product
    s, today = app.service, datetime.now(UTC).date()
    nid = prepare_council(s, today)
    s.schedule_inspection_visit(ctx(PROVINCE, today), nid, "team-1", today + timedelta(days=5))
    vid = next(iter(s.get_nomination(nid).visits))

    runner = ProjectionRunner(s, SQLiteDatabase(str(app.path)), ["task_inbox"])
    runner.catch_up_all()
    [task] = runner.task_inbox_view.visits_for("team-1")
    assert task["visit_id"] == vid
    child = await started(client.get_workflow_handle(inspection_workflow_id(vid)))
    s.claim_visit(ctx(inspector(), today), UUID(vid))
    s.file_visit_report(ctx(inspector(), today), UUID(vid), today, "Đạt.", "confirm")
    assert await asyncio.wait_for(child.result(), 60) == "reported"

    s.record_criterion_check(ctx(PROVINCE, today), nid, "plan-1067-tasks", "met", "Đạt.")
    s.complete_province_review(ctx(PROVINCE, today), nid, "approve", "")
    sid = s.schedule_council_session(
        ctx(SECRETARY, today), "Phiên họp", today, ["m1", "m2", "m3"], "bang-khen-tinh"
    ).id
    s.add_to_agenda(ctx(SECRETARY, today), sid, nid)
    s.open_session(ctx(SECRETARY, today), sid)
    for m in ("m1", "m2", "m3"):
        s.cast_vote(ctx(member(m), today), sid, nid, "approve")
    s.close_session(ctx(SECRETARY, today), sid)
    council = await started(client.get_workflow_handle(council_workflow_id(str(sid))))
    assert await asyncio.wait_for(council.result(), 60) == "closed"
    assert s.get_nomination(nid).stage == "awaiting_decision"  # the council advises

    # The office submits it; the chairman competent today decides; the clock ends there.
    submission = s.prepare_submission(ctx(PROVINCE, today), sid, [nid], "Kính trình.").id
    authority = s.get_submission(submission)["authority"]["id"]
    signer = Signer("Chủ tịch", "Nguyễn Văn A")
    awarded = {str(nid): "Đạt."}
    s.decide_submission(ctx(chairman(authority), today), submission, today, signer, awarded, {})
    clock = client.get_workflow_handle(nomination_workflow_id(str(nid)))
    assert await asyncio.wait_for(clock.result(), 60) == "decided"
    assert s.get_nomination(nid).outcome == "approved"


async def test_pending_timers_fire_after_the_dev_server_restarts_on_its_database_file(
    tmp_path: Path, units: UnitRegistry
) -> None:
    port = free_port()
    app = Product(tmp_path, units)
    s, today = app.service, datetime.now(UTC).date()
    nid = prepare_council(s, today)
    s.record_criterion_check(ctx(PROVINCE, today), nid, "plan-1067-tasks", "met", "Đạt.")
    s.complete_province_review(ctx(PROVINCE, today), nid, "approve", "")
    sid = s.schedule_council_session(
        ctx(SECRETARY, today), "Phiên họp", today, ["m1"], "bang-khen-tinh"
    ).id
    s.add_to_agenda(ctx(SECRETARY, today), sid, nid)
    # Recorded at the real instant, so no hour of the day makes the deadline look past.
    now = replace(ctx(SECRETARY, today), at=datetime.now(UTC))
    s.set_closing_deadline(now, sid, datetime.now(UTC) + timedelta(seconds=12))
    s.open_session(replace(ctx(SECRETARY, today), at=datetime.now(UTC)), sid)
    s.cast_vote(ctx(member("m1"), today), sid, nid, "approve")

    with dev_server(tmp_path, port) as address:
        client = await app.start(address)
        await eventually(lambda: app.service.recorder.max_notification_id() is not None)
        await started(client.get_workflow_handle(council_workflow_id(str(sid))))
        await app.halt()
    assert s.get_session(sid).state == "open"  # the timer had not fired yet

    with dev_server(tmp_path, port) as address:
        client = await app.start(address)
        handle = client.get_workflow_handle(council_workflow_id(str(sid)))
        assert await asyncio.wait_for(handle.result(), 90) == "closed"
        await app.halt()
    assert s.get_session(sid).state == "closed"
    assert s.get_nomination(nid).stage == "awaiting_decision"  # recommended by the close
    app.service.close()
