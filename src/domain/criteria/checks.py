"""A criterion check as it is recorded: the outcome with everything needed to prove it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from domain.criteria.rules import Basis, Explanation, Outcome


@dataclass(frozen=True)
class RuleSetRef:
    id: str
    version: int
    digest: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuleSetRef:
        return cls(data["id"], int(data["version"]), data["digest"])


@dataclass(frozen=True)
class CriterionCheck:
    criterion_id: str
    kind: str  # "automatic" or "judged"
    outcome: Outcome
    basis: Basis
    rule_set: RuleSetRef
    inputs: dict[str, Any]
    values: dict[str, Any]
    threshold: str
    explanation: Explanation
    checked_by: str
    checked_at: str
    justification: str | None = None
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion_id": self.criterion_id,
            "kind": self.kind,
            "outcome": self.outcome.value,
            "basis": self.basis.value,
            "rule_set": self.rule_set.to_dict(),
            "inputs": self.inputs,
            "values": self.values,
            "threshold": self.threshold,
            "explanation": {"vi": self.explanation.vi, "en": self.explanation.en},
            "checked_by": self.checked_by,
            "checked_at": self.checked_at,
            "justification": self.justification,
            "evidence": list(self.evidence),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CriterionCheck:
        return cls(
            criterion_id=data["criterion_id"],
            kind=data["kind"],
            outcome=Outcome(data["outcome"]),
            basis=Basis(data["basis"]),
            rule_set=RuleSetRef.from_dict(data["rule_set"]),
            inputs=data["inputs"],
            values=data["values"],
            threshold=data["threshold"],
            explanation=Explanation(data["explanation"]["vi"], data["explanation"]["en"]),
            checked_by=data["checked_by"],
            checked_at=data["checked_at"],
            justification=data.get("justification"),
            evidence=tuple(data.get("evidence") or ()),
        )
