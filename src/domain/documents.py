"""What a council's documents are made from, and how anyone holding one checks it.

A document (the minutes, the award decision) is made from records at fixed versions: the
session as its close left it, and each nomination on its agenda as the council's decision
(or deferral) left it. Each record is named by its id, version and chain digest; the
document's id carries a digest over all of them. Whoever holds the document can ask the
store, at any time, whether those records are still exactly what they were.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from uuid import UUID

from domain.errors import InvalidNomination
from domain.summaries import NominationSummary, SessionSummary

DIGEST_SHOWN = 16
"""Hex digits of the records' digest carried in a document's id: 64 bits."""


class DocumentKind(StrEnum):
    MINUTES = "minutes"
    DECISION = "decision"


@dataclass(frozen=True)
class RecordRef:
    """One record a document was made from: an aggregate at a version, and its chain digest
    there (the digest of that version's event, which every earlier event feeds)."""

    aggregate_id: str
    version: int
    digest: str


def records_digest(records: Sequence[RecordRef]) -> str:
    """SHA-256 over the records, in order, as canonical JSON."""
    body = json.dumps(
        [[r.aggregate_id, r.version, r.digest] for r in records], separators=(",", ":")
    )
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class DocumentId:
    """``<kind>.<session id>.<first 16 hex digits of the records' digest>``: it names what
    the document was made from without holding anything confidential."""

    kind: DocumentKind
    session_id: UUID
    digest_prefix: str

    def __str__(self) -> str:
        return f"{self.kind.value}.{self.session_id}.{self.digest_prefix}"

    @classmethod
    def parse(cls, text: str) -> DocumentId:
        kind, _, rest = text.partition(".")
        sid, _, prefix = rest.partition(".")
        try:
            parsed_kind = DocumentKind(kind)
            parsed_sid = UUID(sid)
        except ValueError:
            raise InvalidNomination(
                "document_id", "is not a document id (kind.session.digest)"
            ) from None
        if len(prefix) != DIGEST_SHOWN or any(c not in "0123456789abcdef" for c in prefix):
            raise InvalidNomination(
                "document_id", f"must end in {DIGEST_SHOWN} lowercase hex digits"
            )
        return cls(parsed_kind, parsed_sid, prefix)


@dataclass(frozen=True)
class CouncilRecord:
    """A closed session and its items, as its close left them."""

    session: SessionSummary
    nominations: dict[str, NominationSummary]
    """Each agenda item's nomination at the version the close gave it."""
    records: tuple[RecordRef, ...]
    closed_on: date
    decision_number: str | None
    recused: dict[str, list[str]] = field(default_factory=dict)
    """Members who recused themselves from an item (by rule or by choice), by item."""

    @property
    def digest(self) -> str:
        return records_digest(self.records)

    def document_id(self, kind: DocumentKind) -> DocumentId:
        return DocumentId(kind, self.session.id, self.digest[:DIGEST_SHOWN])

    @property
    def approved(self) -> list[str]:
        return [
            item
            for item in self.session.agenda
            if self.session.results.get(item, {}).get("outcome") == "approved"
        ]


class RecordState(StrEnum):
    INTACT = "intact"
    CHANGED = "changed"  # the store holds other records than the document was made from
    BROKEN = "broken"  # a record's chain no longer verifies


@dataclass(frozen=True)
class DocumentCheck:
    """What the store says of a document's records now."""

    document_id: str
    state: RecordState
    digest: str | None
    """The records' digest as the store gives it now (None when a chain is broken)."""
    problems: list[str]
    record: CouncilRecord | None = None

    @property
    def ok(self) -> bool:
        return self.state is RecordState.INTACT
