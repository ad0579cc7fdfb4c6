"""docs/spec.md §6 as plans: when each stage's clock reminds, records a miss, escalates."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from domain.calendar import WorkingCalendar
from domain.criteria.ruleset import RuleSet
from domain.deadlines import VIETNAM, stage_alarms, visit_alarms
from domain.stages import Stage

pytestmark = pytest.mark.unit
CAL = WorkingCalendar()


def at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), VIETNAM)


def plan(rules: RuleSet, stage: Stage, due: date) -> list[tuple[datetime, str, str | None]]:
    return [(a.at, a.kind, a.escalate_to) for a in stage_alarms(stage, due, CAL, rules.deadlines)]


def test_collection_reminds_five_and_one_working_days_before_the_closing_date(
    rules: RuleSet,
) -> None:
    # Closing on Thursday 22/2/2024: five working days back crosses Tết's last days.
    assert plan(rules, Stage.COLLECTING, date(2024, 2, 22)) == [
        (at(date(2024, 2, 15)), "reminder", None),
        (at(date(2024, 2, 21)), "reminder", None),
        (at(date(2024, 2, 23), 0), "deadline_missed", None),
    ]


def test_district_review_reminds_two_days_before_then_records_the_miss_and_escalates(
    rules: RuleSet,
) -> None:
    due = CAL.add_working_days(date(2024, 2, 1), 10)  # across Tết 2024
    assert due == date(2024, 2, 22)
    assert plan(rules, Stage.DISTRICT_REVIEW, due) == [
        (at(date(2024, 2, 20)), "reminder", None),
        (at(date(2024, 2, 23), 0), "deadline_missed", None),
        (at(date(2024, 2, 23), 0), "escalate", "province"),
    ]


def test_province_review_escalates_to_the_board_head(rules: RuleSet) -> None:
    kinds = plan(rules, Stage.PROVINCE_REVIEW, date(2024, 3, 29))
    assert kinds[-1][1:] == ("escalate", "board_head")


def test_the_public_notice_ends_when_its_window_closes(rules: RuleSet) -> None:
    assert plan(rules, Stage.PUBLIC_NOTICE, date(2024, 3, 5)) == [
        (at(date(2024, 3, 6), 0), "end_public_notice", None)
    ]


def test_stages_without_a_deadline_have_no_alarms(rules: RuleSet) -> None:
    assert plan(rules, Stage.COUNCIL, date(2024, 3, 5)) == []
    assert stage_alarms(Stage.DISTRICT_REVIEW, None, CAL, rules.deadlines) == []


def test_an_overdue_visit_is_reminded_every_two_working_days_and_escalated_after_five(
    rules: RuleSet,
) -> None:
    alarms = visit_alarms(date(2024, 2, 6), CAL, rules.deadlines, horizon=6)
    assert [(a.at, a.kind) for a in alarms] == [
        (at(date(2024, 2, 7), 0), "overdue"),
        (at(date(2024, 2, 15)), "reminder"),  # Tết 8–14/2 does not count
        (at(date(2024, 2, 19)), "reminder"),
        (at(date(2024, 2, 20)), "escalate"),
        (at(date(2024, 2, 21)), "reminder"),
    ]
