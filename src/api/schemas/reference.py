from __future__ import annotations

from typing import Any

from pydantic import Field

from api.schemas.common import Schema, Text


class Enumerations(Schema):
    """The values the UI offers, as the domain defines them."""

    award_forms: list[str] = Field(description="of the rule set new nominations follow")
    review_decisions: list[str]
    flows: list[str] = Field(description="the movements that explain a year's change in poor")
    stages: list[str]
    outcomes: list[str]
    judged_outcomes: list[str]
    bases: list[str]
    choices: list[str]


class RuleSetPublic(Schema):
    id: str
    version: int
    digest: str = Field(description="SHA-256 of the rule set's file, as checks cite it")
    title: Text
    criteria: list[str]
    award_forms: list[str]
    content: dict[str, Any] | None = Field(
        default=None, description="the rule set itself, when one is asked for by id"
    )
