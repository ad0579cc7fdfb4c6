from __future__ import annotations

from datetime import date
from typing import Literal

from api.schemas.common import Schema


class DocumentCheckPublic(Schema):
    """What the store says of a document's records now; nothing confidential."""

    document_id: str
    state: Literal["intact", "changed", "broken"]
    intact: bool
    digest: str | None
    problems: list[str]
    session_title: str | None = None
    closed_on: date | None = None
    decision_number: str | None = None
    awarded: int | None = None
