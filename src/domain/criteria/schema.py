"""What a rule set file holds: its criteria, voting rules, award forms, reorganisations,
deadlines and cycle defaults, as values read from its JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.criteria.awards import AppliesTo
from domain.criteria.rules import (
    Explanation,
    RuleOutcome,
)
from domain.units import UnitKind


@dataclass(frozen=True)
class CriterionSpec:
    id: str
    kind: str  # "automatic" or "judged"
    rule: str | None
    kinds: frozenset[UnitKind]
    flags_any: frozenset[str]
    baseline_rate: str | None  # "below_high", "at_or_above_high" or None
    title: Explanation
    rate_basis_setting: str | None = None

    @property
    def is_automatic(self) -> bool:
        return self.kind == "automatic"


def _written_votes(raw: Any) -> tuple[bool, bool, str]:
    """``written_votes`` as rule set v5 states it; absent (v1–v4), no written votes."""
    if raw is None:
        return False, False, ""
    if not isinstance(raw, dict) or not isinstance(raw.get("allowed"), bool):
        raise ValueError("written_votes.allowed must be true or false")
    basis = str(raw.get("legal_basis", "")).strip()
    if raw["allowed"] and not basis:
        raise ValueError("written_votes needs the legal_basis that allows them")
    in_quorum = raw.get("count_towards_quorum")
    if raw["allowed"] and not isinstance(in_quorum, bool):
        raise ValueError("written_votes.count_towards_quorum must be true or false")
    return raw["allowed"], bool(in_quorum), basis


@dataclass(frozen=True)
class VotingRule:
    """Quorum and approval compared in integers: ``den·count ≥ num·base`` (or ``>``).

    ``total_of`` is the denominator: the whole ``membership`` (the default), or the members
    ``eligible`` once recusals are taken out, which a rule may choose only by citing its
    ``legal_basis``. Whatever the rule, recusals never let fewer members decide than a
    quorum of the whole membership (see ``domain.council.judge``).
    """

    quorum_numerator: int
    quorum_denominator: int
    quorum_inclusive: bool
    approval_numerator: int
    approval_denominator: int
    approval_strict: bool
    approval_of: str  # "total" or "present"
    secret_ballot: bool  # True: choices are never recorded in results or shown
    total_of: str = "membership"  # or "eligible"
    legal_basis: str = ""
    # From rule set v5: whether a member who cannot attend may vote in writing before the
    # session closes, whether such a vote counts towards the quorum, and the text that says so.
    written_votes: bool = False
    written_votes_in_quorum: bool = False
    written_votes_basis: str = ""

    def quorum_present(self, present: int, in_writing: int) -> int:
        """The ballots the quorum counts: written ones only where the rule says they count."""
        return present if self.written_votes_in_quorum else present - in_writing

    def has_quorum(self, present: int, total: int) -> bool:
        lhs, rhs = self.quorum_denominator * present, self.quorum_numerator * total
        return lhs >= rhs if self.quorum_inclusive else lhs > rhs

    def approves(self, yes: int, present: int, total: int) -> bool:
        base = total if self.approval_of == "total" else present
        lhs, rhs = self.approval_denominator * yes, self.approval_numerator * base
        return lhs > rhs if self.approval_strict else lhs >= rhs

    def to_dict(self) -> dict[str, Any]:
        return {
            "quorum": {
                "numerator": self.quorum_numerator,
                "denominator": self.quorum_denominator,
                "comparison": "inclusive" if self.quorum_inclusive else "strict",
            },
            "approval": {
                "numerator": self.approval_numerator,
                "denominator": self.approval_denominator,
                "comparison": "strict" if self.approval_strict else "inclusive",
                "of": self.approval_of,
            },
            "secret_ballot": self.secret_ballot,
            "total_of": self.total_of,
            "legal_basis": self.legal_basis,
            **(
                {
                    "written_votes": {
                        "allowed": True,
                        "count_towards_quorum": self.written_votes_in_quorum,
                        "legal_basis": self.written_votes_basis,
                    }
                }
                if self.written_votes
                else {}
            ),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VotingRule:
        quorum, approval = data["quorum"], data["approval"]
        if "recusal_reduces_total" in data:  # rule sets before total_of named it this way
            total_of = "eligible" if data["recusal_reduces_total"] else "membership"
            legal_basis = str(data.get("legal_basis", ""))
        else:
            total_of = str(data.get("total_of", "membership"))
            legal_basis = str(data.get("legal_basis", "")).strip()
            if total_of == "eligible" and not legal_basis:
                raise ValueError("total_of 'eligible' needs the legal_basis that allows it")
        rule = cls(
            int(quorum["numerator"]),
            int(quorum["denominator"]),
            quorum.get("comparison", "inclusive") == "inclusive",
            int(approval["numerator"]),
            int(approval["denominator"]),
            approval.get("comparison", "strict") == "strict",
            approval.get("of", "total"),
            bool(data.get("secret_ballot", True)),
            total_of,
            legal_basis,
            *_written_votes(data.get("written_votes")),
        )
        if rule.approval_of not in ("total", "present"):
            raise ValueError("approval.of must be 'total' or 'present'")
        if rule.total_of not in ("membership", "eligible"):
            raise ValueError("total_of must be 'membership' or 'eligible'")
        if rule.quorum_denominator <= 0 or rule.approval_denominator <= 0:
            raise ValueError("voting denominators must be positive")
        return rule


@dataclass(frozen=True)
class AwardForm:
    id: str
    name: Explanation
    council_level: str  # "province" or "district"
    district_review: bool
    public_notice: bool
    public_notice_working_days: int
    voting: VotingRule
    applies_to: AppliesTo | None = None  # from rule set v4; before it, every nominee


@dataclass(frozen=True)
class Reorganisation:
    """A date on which stages, award forms and the deciding authority changed, by law."""

    on: date
    legal_basis: Explanation
    stages_end: dict[str, str]  # a stage that ends, and the stage that replaces it
    forms_end: tuple[str, ...] = ()
    forms_begin: tuple[str, ...] = ()
    authority_before: Explanation | None = None
    authority_after: Explanation | None = None

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Reorganisation:
        def text(name: str) -> Explanation | None:
            value = raw.get(name)
            return Explanation(value["vi"], value["en"]) if value else None

        basis = text("legal_basis")
        if basis is None:
            raise KeyError("legal_basis")
        return cls(
            date.fromisoformat(raw["on"]),
            basis,
            dict(raw.get("stages_end", {})),
            tuple(raw.get("forms_end", ())),
            tuple(raw.get("forms_begin", ())),
            text("authority_before"),
            text("authority_after"),
        )


@dataclass(frozen=True)
class Deadlines:
    collecting_reminders_before: tuple[int, ...]
    returned_dossier_days: int
    district_review_days: int
    district_review_reminder_before: int
    province_review_days: int
    province_review_reminder_before: int
    inspection_days: int
    inspection_reminder_every: int
    inspection_escalate_after: int


@dataclass(frozen=True)
class CycleDefaults:
    year: int
    kind: str
    closes_on: date
    evaluation_years: tuple[int, int]


@dataclass(frozen=True)
class CriterionResult:
    """A rule's outcome for one criterion, ready to be recorded as a check."""

    criterion_id: str
    kind: str
    outcome: RuleOutcome


def criterion_spec(cid: str, spec: dict[str, Any]) -> CriterionSpec:
    applies = spec.get("applies_to", {})
    if spec["kind"] not in ("automatic", "judged"):
        raise ValueError(f"criterion {cid}: kind must be automatic or judged")
    return CriterionSpec(
        cid,
        spec["kind"],
        spec.get("rule"),
        frozenset(UnitKind(k) for k in applies.get("kinds", ())),
        frozenset(applies.get("flags_any", ())),
        applies.get("baseline_rate"),
        Explanation(spec["title"]["vi"], spec["title"]["en"]),
        spec.get("rate_basis_setting"),
    )
