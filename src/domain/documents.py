"""What a council's documents are made from, and how anyone holding one checks it.

A document (the minutes, the award decision) is made from records at fixed versions: the
session as its close left it, and each nomination on its agenda as the council's decision
(or deferral) left it. Each record is named by its id, version and chain digest; the
document's id carries a keyed tag over their digest. Whoever holds the document can ask the
store, at any time, whether those records are still exactly what they were.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.errors import InvalidInput
from domain.summaries import NominationSummary, SessionSummary

TAG_LENGTH = 26
"""Base32 characters of a document id's tag: 130 bits of an HMAC nobody can compute
without the product's document key."""

TAG_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz234567")


class DocumentKind(StrEnum):
    MINUTES = "minutes"
    DECISION = "decision"
    SUBMISSION = "submission"  # the office's Tờ trình to the awarding authority


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


def document_tag(key: bytes, kind: DocumentKind, subject_id: UUID, digest: str) -> str:
    """HMAC-SHA256, under the document key kept outside the database, over what the
    document is (its kind), what it is about (a session; later a submission or decision)
    and the digest of the records it was made from, in lowercase base32."""
    message = f"thidua-document/1:{kind.value}:{subject_id}:{digest}".encode()
    mac = hmac.new(key, message, hashlib.sha256).digest()
    return base64.b32encode(mac).decode("ascii").lower()[:TAG_LENGTH]


@dataclass(frozen=True)
class DocumentId:
    """``<kind>.<subject id>.<tag>``: the tag binds the kind, the subject and the records'
    digest under the product's document key, so nobody can make an id (reading the store
    gives the digest, never the key) and the id discloses nothing of the records."""

    kind: DocumentKind
    subject_id: UUID
    tag: str

    def __str__(self) -> str:
        return f"{self.kind.value}.{self.subject_id}.{self.tag}"

    @classmethod
    def of(cls, key: bytes, kind: DocumentKind, subject_id: UUID, digest: str) -> DocumentId:
        return cls(kind, subject_id, document_tag(key, kind, subject_id, digest))

    def matches(self, key: bytes, digest: str) -> bool:
        """Whether this id was made by the key's holder for records with ``digest``."""
        expected = document_tag(key, self.kind, self.subject_id, digest)
        return hmac.compare_digest(self.tag, expected)

    @classmethod
    def parse(cls, text: str) -> DocumentId:
        kind, _, rest = text.partition(".")
        sid, _, tag = rest.partition(".")
        try:
            parsed_kind = DocumentKind(kind)
            parsed_sid = UUID(sid)
        except ValueError:
            raise InvalidInput("document_id", "is not a document id (kind.subject.tag)") from None
        if len(tag) != TAG_LENGTH or not set(tag) <= TAG_ALPHABET:
            raise InvalidInput(
                "document_id",
                f"must end in a tag of {TAG_LENGTH} lowercase base32 characters (an id that"
                " ends in 16 hex digits is of the old, derivable form: fetch the document"
                " again for its current id)",
            )
        return cls(parsed_kind, parsed_sid, tag)


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
    decision: dict[str, Any] | None = None
    """The chairman's decision on ``submission`` (docs/spec.md §12): its number, date,
    signer and each dossier's outcome. None for the minutes, the submission itself, and a
    session whose vote was the decision before."""
    submission: dict[str, Any] | None = None
    """The office's submission (Tờ trình) the document is, or decides: as prepared."""

    @property
    def digest(self) -> str:
        return records_digest(self.records)

    @property
    def subject_id(self) -> UUID:
        """What a document made from this is about: the submission its decision decided, or
        the session."""
        return UUID(str(self.submission["id"])) if self.submission else self.session.id

    def document_id(self, kind: DocumentKind, key: bytes) -> DocumentId:
        return DocumentId.of(key, kind, self.subject_id, self.digest)

    @property
    def approved(self) -> list[str]:
        """The items awarded: by the chairman's decision, or before it by the vote."""
        if self.decision is not None:
            return [item for item in self.session.agenda if item in self.decision["awarded"]]
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
