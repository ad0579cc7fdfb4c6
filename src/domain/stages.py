"""Stages, the commands each stage allows, and the route a nomination follows."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from domain.units import Nominee


class Stage(StrEnum):
    COLLECTING = "collecting"
    DISTRICT_REVIEW = "district_review"
    PROVINCE_REVIEW = "province_review"
    PUBLIC_NOTICE = "public_notice"
    COUNCIL = "council"
    AWAITING_DECISION = "awaiting_decision"  # recommended; the competent chairman decides
    DECIDED = "decided"
    CLOSED = "closed"  # withdrawn or rejected


ORDER = tuple(Stage)


class Command(StrEnum):
    RECORD_STATISTICS = "record statistics"
    ATTACH_EVIDENCE = "attach evidence"
    WRITE_REPORT = "write the achievement report"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    DISTRICT_REVIEW = "complete the district review"
    PROVINCE_REVIEW = "complete the province review"
    RECORD_JUDGED_CHECK = "record a judged criterion check"
    ORDER_INSPECTION = "order an inspection visit"
    RECORD_INSPECTION_REPORT = "record an inspection report"
    OVERRIDE_CHECK = "override a criterion check"
    FILE_COMPLAINT = "file a complaint"
    RESOLVE_COMPLAINT = "resolve a complaint"
    END_PUBLIC_NOTICE = "end the public notice"
    PLACE_ON_AGENDA = "place on a council agenda"
    DECIDE = "record the council's recommendation"
    DECIDE_AWARD = "decide the award"
    REVOKE = "revoke the award"


OPEN_STAGES = frozenset(
    {
        Stage.COLLECTING,
        Stage.DISTRICT_REVIEW,
        Stage.PROVINCE_REVIEW,
        Stage.PUBLIC_NOTICE,
        Stage.COUNCIL,
    }
)

ALLOWED: dict[Command, frozenset[Stage]] = {
    Command.RECORD_STATISTICS: frozenset({Stage.COLLECTING}),
    Command.ATTACH_EVIDENCE: frozenset({Stage.COLLECTING}),
    Command.WRITE_REPORT: frozenset({Stage.COLLECTING}),
    Command.SUBMIT: frozenset({Stage.COLLECTING}),
    Command.WITHDRAW: frozenset({Stage.COLLECTING}),
    Command.DISTRICT_REVIEW: frozenset({Stage.DISTRICT_REVIEW}),
    Command.PROVINCE_REVIEW: frozenset({Stage.PROVINCE_REVIEW}),
    Command.RECORD_JUDGED_CHECK: frozenset({Stage.DISTRICT_REVIEW, Stage.PROVINCE_REVIEW}),
    Command.ORDER_INSPECTION: frozenset({Stage.PROVINCE_REVIEW}),
    Command.RECORD_INSPECTION_REPORT: frozenset({Stage.PROVINCE_REVIEW}),
    Command.OVERRIDE_CHECK: frozenset({Stage.PROVINCE_REVIEW}),
    Command.FILE_COMPLAINT: frozenset(
        {Stage.PUBLIC_NOTICE, Stage.COUNCIL, Stage.AWAITING_DECISION}
    ),
    Command.RESOLVE_COMPLAINT: frozenset(
        {Stage.PUBLIC_NOTICE, Stage.COUNCIL, Stage.AWAITING_DECISION, Stage.DECIDED}
    ),
    Command.END_PUBLIC_NOTICE: frozenset({Stage.PUBLIC_NOTICE}),
    Command.PLACE_ON_AGENDA: frozenset({Stage.COUNCIL}),
    Command.DECIDE: frozenset({Stage.COUNCIL}),
    Command.DECIDE_AWARD: frozenset({Stage.AWAITING_DECISION}),
    Command.REVOKE: frozenset({Stage.DECIDED}),
}

# Kinds of nominee that report to the province directly, whatever their parent.
PROVINCE_DIRECT = frozenset({"department", "front", "policy_bank", "credit_institution"})


def has_district_review(
    nominee: Nominee, form_has_district_review: bool, on: date, district_level_ends_on: date
) -> bool:
    """District review exists for nominees inside a district, and only while districts do.

    A district's own nomination skips it: its reviewer would be reviewing their own unit.
    """
    return (
        form_has_district_review
        and nominee.district_code is not None
        and nominee.district_code != nominee.code
        and nominee.kind.value not in PROVINCE_DIRECT
        and on < district_level_ends_on
    )


def route(
    *,
    council_level: str,
    district_review: bool,
    public_notice: bool,
) -> tuple[Stage, ...]:
    """The stages of one nomination, in order, as they stand on a given date."""
    stages = [Stage.COLLECTING]
    if district_review:
        stages.append(Stage.DISTRICT_REVIEW)
    if council_level == "province":
        stages.append(Stage.PROVINCE_REVIEW)
        if public_notice:
            stages.append(Stage.PUBLIC_NOTICE)
    stages += [Stage.COUNCIL, Stage.AWAITING_DECISION, Stage.DECIDED]
    return tuple(stages)


def next_stage(stages: tuple[Stage, ...], current: Stage) -> Stage:
    """The first stage of the route after ``current``; stages dropped since are skipped."""
    position = ORDER.index(current)
    return next(s for s in stages if ORDER.index(s) > position)
