from __future__ import annotations

from typing import Any

from pydantic import Field

from api.schemas.common import Schema, example
from domain.audit import BreakKind


class BrokenPublic(Schema):
    aggregate_id: str
    version: int
    kind: BreakKind = Field(description="what broke, as a stable code")
    reason: str


class VerifyPublic(Schema):
    ok: bool
    checked_events: int
    aggregates: int
    first_broken: BrokenPublic | None = None


class WhatIfIn(Schema):
    model_config = example(
        rule_set_id="ben-tre-vi-nguoi-ngheo-2021-2025", rule_set_version=1, cycle_year=2025
    )

    rule_set_id: str = Field(default="ben-tre-vi-nguoi-ngheo-2021-2025", max_length=100)
    rule_set_version: int = Field(ge=1, le=1000)
    nomination_ids: list[str] | None = Field(default=None, max_length=1000)
    cycle_year: int | None = Field(default=None, ge=2000, le=2100)


class WhatIfRow(Schema):
    nomination_id: str
    unit_code: str
    criterion_id: str
    basis: str
    current_outcome: str | None
    current_rule_set: dict[str, Any] | None
    what_if_outcome: str
    what_if_rule_set: dict[str, Any]
    explanation: str
    changed: bool


class EventPublic(Schema):
    version: int
    type: str
    timestamp: str
    actor_id: str
    actor_role: str
    correlation_id: str
    command_id: str
    prev_hash: str
    digest: str
    payload: dict[str, Any]


class ReceiptFinding(Schema):
    change: str = Field(description="changed, deleted, inserted, reordered, or a break kind")
    position: int
    aggregate_id: str
    version: int
    reason: str


class ReceiptCheckPublic(Schema):
    ok: bool
    position: int = Field(description="the log position the receipt signed")
    count: int = Field(description="events the receipt signed")
    checked: int = Field(description="events found at or below that position now")
    finding: ReceiptFinding | None = None


class PublicKey(Schema):
    algorithm: str = "Ed25519"
    key_id: str
    pem: str
