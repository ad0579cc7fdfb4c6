"""What the service answers: frozen read-only values, never aggregates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.nomination import Nomination


@dataclass(frozen=True)
class CommandResult:
    """What a command did: the aggregate's version and the log position of its last event.

    ``replayed`` is true when the command id had been handled already and nothing changed.
    """

    id: UUID
    version: int
    position: int | None
    replayed: bool = False
    stage: str | None = None
    """A dossier's stage after the command (None for other aggregates): a write answers it
    without reading the dossier again."""


@dataclass(frozen=True)
class NominationSummary:
    id: UUID
    unit_code: str
    unit_name: str
    unit_kind: str
    district_code: str | None
    award_form: str
    cycle_year: int
    evaluation_years: tuple[int, int]
    rule_set: dict[str, Any]
    stage: str
    outcome: str | None
    due_on: date | None
    version: int
    round: int
    statistics: dict[str, dict[str, Any]]
    verified_statistics: dict[str, dict[str, Any]]
    official_statistics: dict[str, dict[str, Any]]
    official_differences: dict[str, Any]
    summed_from: dict[str, list[dict[str, Any]]]
    checks: list[dict[str, Any]]
    check_history: list[dict[str, Any]]
    overrides: dict[str, dict[str, Any]]
    reviews: list[dict[str, Any]]
    evidence: dict[str, dict[str, Any]]
    achievement_report: str | None
    visits: dict[str, dict[str, Any]]
    complaints: dict[str, dict[str, Any]]
    agenda_session_id: str | None
    decision: dict[str, Any] | None
    revocation: dict[str, Any] | None
    requested_changes: str | None
    missed_deadlines: list[str]
    chain_head: str
    created_on: datetime
    modified_on: datetime
    recommendation: dict[str, Any] | None = None
    """The council's advice: the session, recommended or not, and the tally."""
    award_decision: dict[str, Any] | None = None
    """The competent chairman's decision: submission, number, date, authority, signer."""
    decided_under: str | None = None
    """authority_decision, or former_council_vote for a dossier decided by a vote before."""
    scope_codes: tuple[str, ...] = ()
    """The units above the nominee when it opened (for a person, their workplace's too)."""


@dataclass(frozen=True)
class SessionSummary:
    id: UUID
    title: str
    scheduled_for: date
    members: list[str]
    award_form: str
    council_level: str
    scope: str | None
    state: str
    agenda: list[str]
    participation: dict[str, list[str]]
    results: dict[str, dict[str, Any]]
    voting_rule: dict[str, Any]
    version: int
    closes_at: datetime | None = None
    not_voted: list[str] = field(default_factory=list)
    signed_decisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    recusal_reasons: dict[str, dict[str, str]] = field(default_factory=dict)
    in_writing: list[str] = field(default_factory=list)
    """Members who did not attend and voted in writing; the others who voted attended."""

    def attendance(self) -> dict[str, str]:
        """How each member took part: in person, in writing, or absent (no ballot at all)."""
        voted = {m for members in self.participation.values() for m in members}
        return {
            m: "in_writing" if m in self.in_writing else "in_person" if m in voted else "absent"
            for m in self.members
        }


@dataclass(frozen=True)
class VisitSummary:
    id: UUID
    nomination_id: str
    unit_code: str
    team_id: str
    due_on: date
    state: str
    claimed_by: str | None
    overdue: bool
    escalated: bool
    reminders: int
    report: dict[str, Any] | None
    version: int


@dataclass(frozen=True)
class RecordedEvent:
    """One stored event, as auditors read it."""

    aggregate_id: UUID
    version: int
    topic: str
    timestamp: datetime
    actor_id: str
    actor_role: str
    correlation_id: str
    command_id: str
    prev_hash: str
    digest: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountSummary:
    username: str
    display_name: str
    email: str | None
    grants: list[dict[str, Any]]
    active: bool
    password_hash: str
    version: int
    tokens_valid_after: datetime | None = None


@dataclass(frozen=True)
class WhatIf:
    """One criterion, side by side: the check in force and the re-evaluation."""

    nomination_id: UUID
    unit_code: str
    criterion_id: str
    basis: str
    current_outcome: str | None
    current_rule_set: dict[str, Any] | None
    what_if_outcome: str
    what_if_rule_set: dict[str, Any]
    explanation: str

    @property
    def changed(self) -> bool:
        return self.current_outcome != self.what_if_outcome


def nomination_summary(n: Nomination) -> NominationSummary:
    effective = [c.to_dict() for c in n.effective_checks().values()]
    first, second = n.evaluation_years
    unit = n.unit
    return NominationSummary(
        id=n.id,
        unit_code=unit.code,
        unit_name=unit.name,
        unit_kind=unit.kind.value,
        district_code=unit.district_code,
        scope_codes=tuple(unit.ancestor_codes),
        award_form=n.award_form,
        cycle_year=n.cycle_year,
        evaluation_years=(first, second),
        rule_set=dict(n.rule_set),
        stage=n.stage.value,
        outcome=n.outcome,
        due_on=n.due_on,
        version=n.version,
        round=n.round,
        statistics=dict(n.statistics),
        verified_statistics=dict(n.verified_statistics),
        official_statistics=dict(n.official_statistics),
        official_differences=dict(n.official_differences),
        summed_from=dict(n.summed_from),
        checks=sorted(effective, key=lambda c: c["criterion_id"]),
        check_history=list(n.checks),
        overrides={cid: dict(o) for cid, o in n.overrides.items()},
        reviews=[dict(r) for r in n.reviews],
        evidence=dict(n.evidence),
        achievement_report=n.achievement_report,
        visits={vid: v.to_dict() for vid, v in n.visits.items()},
        complaints={cid: c.to_dict() for cid, c in n.complaints.items()},
        agenda_session_id=n.agenda_session_id,
        decision=n.decision.to_dict() if n.decision else None,
        revocation=n.revocation.to_dict() if n.revocation else None,
        requested_changes=n.requested_changes,
        missed_deadlines=list(n.missed_deadlines),
        chain_head=n.chain_head,
        created_on=n.created_on,
        modified_on=n.modified_on,
        recommendation=dict(n.recommendation) if n.recommendation else None,
        award_decision=dict(n.award_decision) if n.award_decision else None,
        decided_under=n.decided_under,
    )
