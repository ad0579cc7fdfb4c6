"""The award register's API: each award with its decision and prize, and the statistics."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.schemas.common import Schema


class AwardRow(Schema):
    nomination_id: str
    unit_code: str
    unit_name: str
    nominee_kind: str = Field(description="the unit's kind, or household")
    award_form: str
    award_form_name: str = Field(description="the form's Vietnamese name")
    cycle_year: int
    first_year: int = Field(description="the first year of the achievement")
    last_year: int = Field(description="the last year of the achievement")
    movement: str = Field(description="the rule set (movement) the dossier was judged under")
    decision_number: str
    decided_on: str
    authority_id: str | None
    prize_vnd: int | None = Field(description="the prize in đồng; none before rule set v4")
    decided_under: Literal["authority_decision", "former_council_vote"]
    revoked_on: str | None
    revocation_number: str | None
    revocation_reason: str | None


class AwardStatisticsRow(Schema):
    year: int = Field(description="the year of the decisions")
    authority_id: str = Field(description="the deciding authority ('' when not known)")
    award_form: str
    nominee_kind: str
    awards: int = Field(description="awards in force")
    revoked: int
    prize_vnd: int = Field(description="prizes of the awards in force, in đồng")
    grassroots: int = Field(description="awards in force at the commune level and below")
    women: int | None = Field(
        default=None,
        description="for individuals, the women among the awards in force, where their gender"
        " was recorded (Decree 152/2025 art. 4)",
    )
