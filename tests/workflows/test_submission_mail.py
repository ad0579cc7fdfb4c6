"""docs/spec.md §12: the decision chain's e-mails. The awarding authority hears when a
submission waits for its decision; the office and the secretary when it is decided."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from domain.submission import Signer
from tests.factories import PROVINCE, chairman, ctx
from tests.scenarios import Story
from tests.workflows.conftest import Clock
from workflows import submission_workflow_id

pytestmark = [pytest.mark.workflow, pytest.mark.asyncio(loop_scope="session")]

DAY = date(2024, 4, 5)


async def test_the_authority_hears_of_a_waiting_submission_and_the_office_of_its_decision(
    clock: Clock,
) -> None:
    s = clock.service
    sid, [nid] = Story(s).recommended()
    submission = s.prepare_submission(ctx(PROVINCE, DAY), sid, [nid], "Kính trình.").id
    await clock.relay_events()
    await clock.relay_events()  # a relay that sends again sends nothing twice
    handle = clock.env.client.get_workflow_handle(
        submission_workflow_id(str(submission), clock.prefix)
    )
    for _ in range(200):  # the workflow's activity runs in the worker: wait for its mail
        if any("chờ quyết định" in subject for _, subject in clock.outbox.sent):
            break
        await asyncio.sleep(0.05)
    told = [(to, subject) for to, subject in clock.outbox.sent if "chờ quyết định" in subject]
    assert told == [
        (
            ["awarding_authority.ubnd-tinh-ben-tre@thidua.local"],
            "[thidua] Tờ trình 1/TTr-BTĐKT chờ quyết định",
        )
    ]
    s.decide_submission(
        ctx(chairman(), DAY), submission, DAY, Signer("Chủ tịch", "A"), {str(nid): "Đạt."}, {}
    )
    await clock.relay_events()
    assert await asyncio.wait_for(handle.result(), 30) == "decided"
    decided = [(to, subj) for to, subj in clock.outbox.sent if "đã có Quyết định" in subj]
    assert decided == [
        (
            ["council_secretary.tinh@thidua.local", "province_reviewer.tinh@thidua.local"],
            "[thidua] Tờ trình 1/TTr-BTĐKT đã có Quyết định số 1/QĐ-UBND",
        )
    ]
