from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from api.schemas.common import Schema, example


class SessionCreate(Schema):
    model_config = example(
        title="Phiên họp Hội đồng TĐKT tỉnh – đợt 2025",
        scheduled_for="2026-03-16",
        members=["uyvien-1", "uyvien-2", "uyvien-3"],
        award_form="bang-khen-tinh",
    )

    title: str = Field(min_length=1, max_length=500)
    scheduled_for: date
    members: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="the council's members in office on the session's date; optional where"
        " the council is in the register, and then it must match it",
    )
    award_form: Literal["bang-khen-tinh", "co-thi-dua-tinh", "giay-khen-huyen"]
    scope: str | None = Field(default=None, max_length=64, description="district councils only")


class CouncilTermsIn(Schema):
    model_config = example(
        level="province",
        decision_number="1234/QĐ-UBND",
        decision_date="2024-01-05",
        chair="uyvien-1",
        members=["uyvien-1", "uyvien-2", "uyvien-3"],
        valid_from="2024-01-05",
    )

    level: Literal["province", "district"]
    scope: str | None = Field(default=None, max_length=64, description="a district's code")
    decision_number: str = Field(min_length=1, max_length=100, description="the decision")
    decision_date: date
    chair: str = Field(min_length=1, max_length=100, description="one of the members")
    members: list[str] = Field(min_length=1, max_length=100)
    valid_from: date = Field(description="the day this composition takes office")


class CouncilRegisterPublic(Schema):
    level: str
    scope: str | None
    compositions: list[dict[str, Any]] = Field(
        description="each composition with its decision and the day it took office, in order"
    )
    version: int


class AgendaIn(Schema):
    model_config = example(nomination_id="c79818cf-11df-5939-94d5-114cae4a02b5")

    nomination_id: str = Field(min_length=36, max_length=36)


class VoteIn(Schema):
    model_config = example(nomination_id="c79818cf-11df-5939-94d5-114cae4a02b5", choice="approve")

    nomination_id: str = Field(min_length=36, max_length=36)
    choice: Literal["approve", "reject", "abstain", "recuse"]
    reason: str = Field(
        default="",
        max_length=500,
        description="why the member stands aside: required with recuse, refused otherwise",
    )
    in_writing: bool = Field(
        default=False,
        description="the member does not attend and votes in writing before the session"
        " closes, where the session's voting rule provides for it; a member takes part in a"
        " session one way",
    )


class DeadlineIn(Schema):
    model_config = example(closes_at="2026-03-16T17:00:00+07:00")

    closes_at: datetime


class ItemPublic(Schema):
    nomination_id: str
    voted: list[str]
    not_voted: list[str]
    recused: dict[str, str] = Field(
        default_factory=dict,
        description="who stood aside from this item and why, by rule or by their own declaration",
    )
    outcome: str | None = None
    tally: dict[str, int] | None = None


class SessionPublic(Schema):
    id: str
    title: str
    scheduled_for: date
    members: list[str]
    names: dict[str, str] = Field(
        default_factory=dict,
        description="each member's name by user name, as people read lists of who voted",
    )
    award_form: str
    council_level: str
    scope: str | None
    state: str
    closes_at: datetime | None
    items: list[ItemPublic]
    voting_rule: dict[str, Any]
    version: int
    attendance: dict[str, str] = Field(
        default_factory=dict,
        description="how each member took part: in_person (attended and voted), in_writing (voted"
        " in writing without attending) or absent (no ballot yet); never what anyone chose",
    )
    signed_decisions: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="the decision as signed and scanned, by its SHA-256, each with the"
        " SHA-256 of the decision the product generated (generated_sha256)",
    )


class SessionRow(Schema):
    session_id: str
    title: str
    scheduled_for: str
    award_form: str
    state: str
    awaiting_you: int = Field(
        default=0, description="items of this open session still waiting for your ballot"
    )
