"""Recorded histories replay against today's workflow code: a change that would break a
running workflow fails the build. Re-record with THIDUA_RECORD_HISTORIES=1."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.worker import WORKFLOWS

pytestmark = pytest.mark.workflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_histories_of_every_workflow_are_recorded() -> None:
    kinds = {path.name.split(".")[-2] for path in HISTORIES}
    assert kinds == {"nomination", "inspection", "council"}


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_a_recorded_history_replays_deterministically(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text("utf-8"))
    replayer = Replayer(workflows=list(WORKFLOWS), data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)
