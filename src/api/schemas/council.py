from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from api.schemas.common import Schema


class SessionCreate(Schema):
    title: str = Field(min_length=1, max_length=500)
    scheduled_for: date
    members: list[str] = Field(min_length=1, max_length=100)
    award_form: Literal["bang-khen-tinh", "co-thi-dua-tinh", "giay-khen-huyen"]
    scope: str | None = Field(default=None, max_length=64, description="district councils only")


class AgendaIn(Schema):
    nomination_id: str = Field(min_length=36, max_length=36)


class VoteIn(Schema):
    nomination_id: str = Field(min_length=36, max_length=36)
    choice: Literal["approve", "reject", "abstain", "recuse"]


class CloseIn(Schema):
    decision_number: str | None = Field(default=None, max_length=100)


class DeadlineIn(Schema):
    closes_at: datetime


class ItemPublic(Schema):
    nomination_id: str
    voted: list[str]
    not_voted: list[str]
    outcome: str | None = None
    tally: dict[str, int] | None = None


class SessionPublic(Schema):
    id: str
    title: str
    scheduled_for: date
    members: list[str]
    award_form: str
    council_level: str
    scope: str | None
    state: str
    closes_at: datetime | None
    items: list[ItemPublic]
    voting_rule: dict[str, Any]
    version: int
