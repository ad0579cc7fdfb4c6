"""The parts of a nomination's dossier that events build up: visits, complaints, the
council's decision and a revocation. Each is a frozen value; an event replaces it.

``to_dict`` gives the shape the API and the views have always shown (dates as ISO text,
states as strings, absent parts left out); ``from_dict`` reads it back, for snapshots
taken before these types existed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from domain.errors import one_of


class ReviewDecision(StrEnum):
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"

    @classmethod
    def parse(cls, value: str) -> ReviewDecision:
        return one_of(cls, value, "decision")


class VisitState(StrEnum):
    ORDERED = "ordered"
    REPORTED = "reported"


class ComplaintState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class Attachment:
    """A file kept by its SHA-256, as a dossier or a session records it."""

    sha256: str
    filename: str
    media_type: str
    size: int


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


@dataclass(frozen=True)
class Visit:
    team_id: str
    due_on: date
    state: VisitState = VisitState.ORDERED
    visited_on: date | None = None
    findings: str | None = None
    recommendation: str | None = None
    discrepancies: dict[str, Any] | None = None

    @property
    def is_open(self) -> bool:
        return self.state is VisitState.ORDERED

    def reported(self, visited_on: date, findings: str, recommendation: str) -> Visit:
        return replace(
            self,
            state=VisitState.REPORTED,
            visited_on=visited_on,
            findings=findings,
            recommendation=recommendation,
        )

    def with_discrepancies(self, differences: dict[str, Any]) -> Visit:
        return replace(self, discrepancies=differences)

    def to_dict(self) -> dict[str, Any]:
        return _without_none(
            {
                "team_id": self.team_id,
                "due_on": self.due_on.isoformat(),
                "state": self.state.value,
                "visited_on": self.visited_on.isoformat() if self.visited_on else None,
                "findings": self.findings,
                "recommendation": self.recommendation,
                "discrepancies": self.discrepancies,
            }
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Visit:
        visited_on = data.get("visited_on")
        return cls(
            team_id=data["team_id"],
            due_on=date.fromisoformat(data["due_on"]),
            state=VisitState(data["state"]),
            visited_on=date.fromisoformat(visited_on) if visited_on else None,
            findings=data.get("findings"),
            recommendation=data.get("recommendation"),
            discrepancies=data.get("discrepancies"),
        )


@dataclass(frozen=True)
class Complaint:
    text: str
    filed_by: str
    state: ComplaintState = ComplaintState.OPEN
    resolution: str | None = None
    upheld: bool | None = None

    @property
    def is_open(self) -> bool:
        return self.state is ComplaintState.OPEN

    def resolved(self, resolution: str, upheld: bool) -> Complaint:
        return replace(self, state=ComplaintState.RESOLVED, resolution=resolution, upheld=upheld)

    def to_dict(self) -> dict[str, Any]:
        return _without_none(
            {
                "state": self.state.value,
                "text": self.text,
                "filed_by": self.filed_by,
                "resolution": self.resolution,
                "upheld": self.upheld,
            }
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Complaint:
        return cls(
            text=data["text"],
            filed_by=data["filed_by"],
            state=ComplaintState(data["state"]),
            resolution=data.get("resolution"),
            upheld=data.get("upheld"),
        )


@dataclass(frozen=True)
class CouncilDecision:
    session_id: str
    outcome: str
    tally: dict[str, int]
    decision_number: str | None
    decision_date: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "outcome": self.outcome,
            "tally": dict(self.tally),
            "decision_number": self.decision_number,
            "decision_date": self.decision_date.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CouncilDecision:
        return cls(
            session_id=data["session_id"],
            outcome=data["outcome"],
            tally=dict(data["tally"]),
            decision_number=data.get("decision_number"),
            decision_date=date.fromisoformat(data["decision_date"]),
        )


@dataclass(frozen=True)
class Revocation:
    reason: str
    decision_number: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Revocation:
        return cls(reason=data["reason"], decision_number=data["decision_number"])


DOSSIER_VALUES: tuple[type[Visit | Complaint | CouncilDecision | Revocation], ...] = (
    Visit,
    Complaint,
    CouncilDecision,
    Revocation,
)
"""The value types a snapshot of a nomination holds; each needs a transcoding."""


def complaint_number(complaint_id: str) -> str:
    """The receipt number a complainant follows their complaint by: short to copy, and
    derived from the complaint's id, so every reader of the log computes the same one."""
    import base64
    import hashlib

    digest = hashlib.sha256(f"complaint:{complaint_id}".encode()).digest()
    return "KN-" + base64.b32encode(digest).decode()[:10]
