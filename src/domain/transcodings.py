"""How the store writes the domain's own types: dates, and the values a nomination's
snapshot holds."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.persistence import Transcoding

from domain.dossier import DOSSIER_VALUES, Complaint, CouncilDecision, Revocation, Visit


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class DossierValue(Transcoding):
    """A nomination snapshot's visit, complaint, decision or revocation."""

    def __init__(self, value_type: type[Visit | Complaint | CouncilDecision | Revocation]):
        self.type = self._value_type = value_type
        self.name = f"dossier_{value_type.__name__.lower()}"

    def encode(self, obj: Visit | Complaint | CouncilDecision | Revocation) -> dict[str, Any]:
        return obj.to_dict()

    def decode(self, data: dict[str, Any]) -> Visit | Complaint | CouncilDecision | Revocation:
        return self._value_type.from_dict(data)


TRANSCODINGS: tuple[Transcoding, ...] = (
    DateAsISO(),
    *(DossierValue(value_type) for value_type in DOSSIER_VALUES),
)
