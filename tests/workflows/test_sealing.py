"""The worker seals the log once a day: a new signed receipt after each day passes."""

from __future__ import annotations

import asyncio
import concurrent.futures
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from domain.units import UnitRegistry
from service.nomination_service import NominationService
from service.receipts import Receipts, SigningKey
from storage.views import SQLiteDatabase
from tests.scenarios import GOOD, Story
from thidua.bootstrap import SQLITE_FACTORY
from workflows.notifier import Directory, LogNotifier
from workflows.sealing import AuditSealWorkflow
from workflows.worker import build_worker

pytestmark = pytest.mark.workflow


async def _until(condition: object, seconds: float = 20) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def test_a_receipt_is_sealed_at_start_and_again_each_day(
    env: WorkflowEnvironment,
    units: UnitRegistry,
    tmp_path: Path,
    executor: concurrent.futures.ThreadPoolExecutor,
) -> None:
    path = str(tmp_path / "events.sqlite3")
    service = NominationService(
        {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": path}, units=units
    )
    Story(service).open("S-831-01", GOOD)
    receipts = Receipts(service, SQLiteDatabase(path), SigningKey.load_or_create(tmp_path))
    task_queue = f"seal-{uuid.uuid4().hex[:8]}"
    worker = build_worker(
        env.client, task_queue, service, LogNotifier(), Directory(), executor, receipts
    )
    async with worker:
        handle = await env.client.start_workflow(
            AuditSealWorkflow.run, 24, id=f"{task_queue}-seal", task_queue=task_queue
        )
        await _until(lambda: len(receipts.receipts()) == 1)
        first = receipts.latest()
        assert first is not None
        assert receipts.check(first).ok
        Story(service).open("S-832-01", GOOD)
        await env.sleep(timedelta(hours=25))
        await _until(lambda: len(receipts.receipts()) == 2)
        second = receipts.latest()
        assert second is not None
        assert second["position"] > first["position"]
        await handle.terminate("test finished")
    service.close()
