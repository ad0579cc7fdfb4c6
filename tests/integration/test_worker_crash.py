"""A worker killed in the middle of an activity: a new worker finishes the step, and the
store holds the step's event once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from domain.cycles import CycleKind, CycleTerms
from domain.units import UnitRegistry
from projections.tracking import Positions
from service.nomination_service import NominationService
from storage.views import SQLiteDatabase
from tests.factories import ADMIN, ctx, officer
from tests.integration.test_temporal_dev_server import dev_server
from tests.processes import free_port
from thidua.bootstrap import SQLITE_FACTORY
from workflows import nomination_workflow_id
from workflows.relay import Relay
from workflows.worker import connect

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


class SlowThenQuickInbox:
    """Holds the first message until released; answers every later one at once."""

    def __init__(self) -> None:
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.received += 1
        if not self.first_arrived.is_set():
            self.first_arrived.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 OK"


def worker_process(tmp_path: Path, address: str, smtp_port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "THIDUA_DATA_DIR": str(tmp_path),
        "THIDUA_SQLITE_PATH": str(tmp_path / "events.sqlite3"),
        "THIDUA_TEMPORAL_ADDRESS": address,
        "THIDUA_SMTP_HOST": "127.0.0.1",
        "THIDUA_SMTP_PORT": str(smtp_port),
        "THIDUA_LOG_FORMAT": "json",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "thidua.cli", "worker", "--no-relay"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def dossier_with_a_reminder_due(tmp_path: Path, units: UnitRegistry) -> tuple[Any, Any]:
    """A store with one dossier in collection whose 5-day reminder is due today."""
    service = NominationService(
        {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(tmp_path / "events.sqlite3")},
        units=units,
    )
    today = datetime.now(UTC).date()
    closes_on = service.calendar.add_working_days(today, 3)
    service.configure_cycle(
        ctx(ADMIN, today), CycleTerms(2025, CycleKind.FINAL, closes_on, (2024, 2025), 10)
    )
    nid = service.open_nomination(ctx(officer(), today), "S-SO-LDTBXH", "bang-khen-tinh", 2025).id
    return service, nid


async def test_a_worker_killed_mid_activity_is_replaced_and_nothing_is_recorded_twice(
    tmp_path: Path, units: UnitRegistry
) -> None:
    smtp_port = free_port()
    inbox = SlowThenQuickInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    service, nid = dossier_with_a_reminder_due(tmp_path, units)
    try:
        with dev_server(tmp_path, free_port()) as address:
            first = worker_process(tmp_path, address, smtp_port)
            client = await connect(address, "default")
            positions = Positions(SQLiteDatabase(str(tmp_path / "events.sqlite3")), "relay")
            relay = Relay(service, positions, client, "thidua")
            await relay.catch_up()
            arrived = await asyncio.to_thread(inbox.first_arrived.wait, 60)
            assert arrived, "the reminder activity never reached the mail server"
            first.send_signal(signal.SIGKILL)  # in the middle of the activity
            first.wait(timeout=10)
            inbox.release.set()
            second = worker_process(tmp_path, address, smtp_port)
            try:
                deadline = datetime.now(UTC) + timedelta(seconds=90)
                reminders: list[Any] = []
                while datetime.now(UTC) < deadline:
                    reminders = [
                        e for e in service.events.get(nid) if type(e).__name__ == "ReminderSent"
                    ]
                    if reminders:
                        break
                    await asyncio.sleep(0.5)
                # A duplicate could only come from the retried activity: wait until the
                # workflow has no activity pending, then count.
                handle = client.get_workflow_handle(nomination_workflow_id(str(nid)))
                while datetime.now(UTC) < deadline:
                    described = await handle.describe()
                    if not described.raw_description.pending_activities:
                        break
                    await asyncio.sleep(0.2)
                else:
                    raise AssertionError("the reminder activity never finished")
                reminders = [
                    e for e in service.events.get(nid) if type(e).__name__ == "ReminderSent"
                ]
                assert len(reminders) == 1
                assert reminders[0].recipients == ["unit_officer.s-so-ldtbxh@thidua.local"]  # type: ignore[attr-defined]
            finally:
                second.terminate()
                second.wait(timeout=20)
    finally:
        smtp.stop()
        service.close()


async def test_a_worker_stopped_with_sigterm_mid_activity_finishes_it_then_exits(
    tmp_path: Path, units: UnitRegistry
) -> None:
    smtp_port = free_port()
    inbox = SlowThenQuickInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    service, nid = dossier_with_a_reminder_due(tmp_path, units)
    try:
        with dev_server(tmp_path, free_port()) as address:
            worker = worker_process(tmp_path, address, smtp_port)
            client = await connect(address, "default")
            positions = Positions(SQLiteDatabase(str(tmp_path / "events.sqlite3")), "relay")
            await Relay(service, positions, client, "thidua").catch_up()
            assert await asyncio.to_thread(inbox.first_arrived.wait, 60)
            worker.send_signal(signal.SIGTERM)  # in the middle of the activity
            await asyncio.sleep(1)
            inbox.release.set()  # the mail server answers after the signal
            code = await asyncio.to_thread(worker.wait, 60)
            assert code == 0
            reminders = [e for e in service.events.get(nid) if type(e).__name__ == "ReminderSent"]
            assert len(reminders) == 1  # finished by the worker that was stopping
    finally:
        smtp.stop()
        service.close()
