from __future__ import annotations

from typing import Any

from pydantic import Field

from api.schemas.common import Schema, Text


class Enumerations(Schema):
    """The values the UI offers, as the domain defines them."""

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
