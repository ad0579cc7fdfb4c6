"""The demo's cast and its cases: who acts, the dossiers it opens and how each one's story
ends, on which days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from domain.calendar import VIETNAM
from domain.context import Actor, CommandContext, Grant, Role
from thidua.story import Cast

TEAM = "doan-kiem-tra-1"
MEMBERS = tuple(f"demo-council-{i}" for i in range(1, 8))

# The officer works for Bến Tre's units, and for Vĩnh Long's since 1/7/2025.
OFFICER = Actor("demo-officer", (Grant(Role.UNIT_OFFICER, "83"), Grant(Role.UNIT_OFFICER, "86")))
PROVINCE = Actor("demo-province-reviewer", (Grant(Role.PROVINCE_REVIEWER),))
INSPECTOR = Actor("demo-inspector", (Grant(Role.INSPECTOR, TEAM),))
SECRETARY = Actor("demo-secretary", (Grant(Role.COUNCIL_SECRETARY),))
SYSTEM = Actor("system", (Grant(Role.SYSTEM),))


def district_reviewer(code: str) -> Actor:
    return Actor(f"demo-district-{code}", (Grant(Role.DISTRICT_REVIEWER, code),))


def chairman(authority: str) -> Actor:
    """The demo's chairman holds the provincial authority before and after the merger."""
    return Actor("demo-chairman", (Grant(Role.AWARDING_AUTHORITY, authority),))


def member(account: str) -> Actor:
    return Actor(account, (Grant(Role.COUNCIL_MEMBER),))


@dataclass(frozen=True)
class Case:
    unit_code: str
    award_form: str
    cycle_year: int
    story: str
    inspect: bool = False
    override: bool = False
    complaint: bool = False
    council_rejects: bool = False
    stop_at: str | None = None  # leave the nomination waiting in this stage
    current: bool = False  # in flight now: dated relative to today, not to its cycle
    late_days: int = 0  # a current case put this many days further back, to show it overdue
    order_visit: bool = False  # leave an inspection visit for the team to claim
    ballot_open: bool = False  # on an open session where demo-council-1 has yet to vote


@dataclass(frozen=True)
class Timeline:
    """Business dates of one cycle's steps."""

    opened: date
    submitted: date
    district_review: date
    province_review: date
    visited: date
    council: date

    @classmethod
    def of(cls, *days: str) -> Timeline:
        return cls(*map(date.fromisoformat, days))


CASES = (
    Case("S-829-01", "bang-khen-tinh", 2023, "ward under 5 %: poor households cut by a fifth"),
    Case("S-831-01", "bang-khen-tinh", 2023, "commune at 10 %: rate down 2 points", inspect=True),
    Case("S-829-02", "bang-khen-tinh", 2023, "commune at exactly 5.00 %: rate falls too slowly"),
    Case("S-835-01", "bang-khen-tinh", 2023, "coastal commune", complaint=True),
    Case("S-833-01", "bang-khen-tinh", 2023, "commune with no poor households: judged"),
    Case("833", "bang-khen-tinh", 2023, "district: poor households cut by a fifth"),
    Case("S-834-01", "bang-khen-tinh", 2023, "commune missing 2022's fifth", override=True),
    Case("S-SO-LDTBXH", "bang-khen-tinh", 2023, "department: Plan 1067 tasks, judged"),
    Case("S-836-02", "giay-khen-huyen", 2023, "district award, district council"),
    Case("S-837-01", "bang-khen-tinh", 2023, "island commune", council_rejects=True),
    Case(
        "S-829-02",
        "bang-khen-tinh",
        2024,
        "waited for the district on 30/6/2025: the clock moves it on",
        stop_at="district_review",
    ),
    # The final review, still in flight: dated relative to today.
    Case(
        "S-86-832-01",
        "bang-khen-tinh",
        2025,
        "waiting in collection",
        stop_at="collecting",
        current=True,
    ),
    Case(
        "S-86-838-01",
        "bang-khen-tinh",
        2025,
        "waiting for the province; a visit to claim",
        stop_at="province_review",
        current=True,
        order_visit=True,
    ),
    Case(
        "S-86-833-01",
        "bang-khen-tinh",
        2025,
        "overdue in province review, on purpose",
        stop_at="province_review",
        current=True,
        late_days=45,
    ),
    Case(
        "S-86-838-02",
        "bang-khen-tinh",
        2025,
        "on public notice",
        override=True,
        stop_at="public_notice",
        current=True,
    ),
    Case(
        "S-86-836-01",
        "bang-khen-tinh",
        2025,
        "waiting for the council",
        override=True,
        stop_at="council",
        current=True,
        late_days=30,  # its public notice has run its course
    ),
    Case(
        "S-86-834-01",
        "bang-khen-tinh",
        2025,
        "before the council now: the ballot is open",
        override=True,
        stop_at="council",
        current=True,
        late_days=30,
        ballot_open=True,
    ),
    Case("S-86-NHCSXH", "bang-khen-tinh", 2025, "policy bank after districts ended"),
    Case("S-86-831-02", "bang-khen-tinh", 2025, "township, no district review after 1/7/2025"),
    Case(
        "28789",
        "bang-khen-tinh",
        2025,
        "Phường Bến Tre, merged on 1/7/2025: judged on its predecessors' summed figures",
        stop_at="province_review",
        current=True,
    ),
)

REJECTED_BY_COUNCIL = {c.unit_code for c in CASES if c.council_rejects}
REGISTERED = ("S-829-P7", "S-829-BP", "S-838-TT")
"""Units whose official figures the demo's register holds: the merged ward's predecessors."""

# opened, submitted, district review, province review, visited, council
TIMELINES = {
    2024: Timeline.of(
        "2025-01-06", "2025-01-13", "2025-01-20", "2025-02-17", "2025-02-24", "2025-03-24"
    ),
    2023: Timeline.of(
        "2024-01-08", "2024-01-15", "2024-01-22", "2024-02-20", "2024-02-27", "2024-03-25"
    ),
    2025: Timeline.of(
        "2026-01-05", "2026-01-12", "2026-01-12", "2026-02-02", "2026-02-09", "2026-03-16"
    ),
}


CAST = Cast(
    OFFICER,
    PROVINCE,
    INSPECTOR,
    SECRETARY,
    SYSTEM,
    district_reviewer,
    member,
    chairman,
    signer_name="Nguyễn Văn A (mẫu)",
)


def demo_context(actor: Actor, key: str, today: date) -> CommandContext:
    """Fixed command ids from the step's key: the demo run again records nothing twice."""
    return CommandContext(
        actor=actor,
        command_id=f"demo/{key}",
        correlation_id=f"demo/{key.split('/')[0]}",
        today=today,
        at=datetime.combine(today, time(9, 0), VIETNAM),
    )
