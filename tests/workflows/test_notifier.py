"""Reminders reach people by e-mail: a local SMTP server receives what the activity sends."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from temporalio.testing import ActivityEnvironment

from domain.units import UnitRegistry
from service.nomination_service import NominationService
from tests.scenarios import GOOD, Story
from workflows.activities import ClockActivities
from workflows.inputs import ClockStep
from workflows.notifier import Directory, SmtpNotifier

pytestmark = pytest.mark.workflow


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default))
        )
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_a_reminder_is_mailed_to_the_stage_owners_and_recorded_with_its_recipients(
    smtp: tuple[Inbox, int], units: UnitRegistry
) -> None:
    inbox, port = smtp
    service = NominationService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, units=units)
    story = Story(service)
    nid = story.open("S-831-01", GOOD)
    story.to_province_review(nid)
    directory = Directory({"province_reviewer": ["bantdkt@bentre.example.vn"]})
    mailer = SmtpNotifier("127.0.0.1", port, "thidua@bentre.example.vn")
    activities = ClockActivities(service, mailer, directory)
    step = ClockStep(
        aggregate_id=str(nid),
        command_id="nomination-x/v7/province_review/reminder/1",
        correlation_id="nomination-x",
        today=date(2024, 2, 20),
        kind="reminder",
        stage="province_review",
        due_on=service.get_nomination(nid).due_on,
    )
    result = ActivityEnvironment().run(activities.remind_nomination, step)
    assert result.recorded
    [(recipients, message)] = inbox.messages
    assert recipients == ["bantdkt@bentre.example.vn"]
    assert message["From"] == "thidua@bentre.example.vn"
    assert "Nhắc hạn thẩm định cấp tỉnh" in str(message["Subject"])
    [reminder] = [e for e in service.events.get(nid) if type(e).__name__ == "ReminderSent"]
    assert reminder.recipients == ["bantdkt@bentre.example.vn"]  # type: ignore[attr-defined]

    again = ActivityEnvironment().run(activities.remind_nomination, step)  # a retry
    assert not again.recorded
    assert len(inbox.messages) == 1  # not mailed twice
