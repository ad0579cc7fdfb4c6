from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from api.schemas.common import Schema


class DocumentCheckPublic(Schema):
    """What the store says of a document's records now; nothing confidential."""

    document_id: str
    state: Literal["intact", "changed", "broken"]
    intact: bool
    problems: list[str]
    session_title: str | None = None
    closed_on: date | None = None
    decision_number: str | None = None
    awarded: int | None = None
    awarded_units: list[str] = Field(
        default_factory=list,
        description="the units the decision awarded, by name: a paper naming others fails",
    )


class SignaturePublic(Schema):
    present: bool = Field(description="false for a scan of the signed paper")
    ok: bool = Field(description="intact over the whole file and chained to a trust root")
    signer: str | None = None
    signed_at: datetime | None = None


class FileCheckPublic(Schema):
    document: DocumentCheckPublic
    issued: bool = Field(
        description="the file is one the product issued under the id (or its decision signed"
        " afterwards)"
    )
    signature: SignaturePublic
