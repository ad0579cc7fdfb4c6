from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from api.schemas.common import Schema, Text, example
from service.audit import BreakKind


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
    title: Text | None = Field(default=None, description="the criterion's name")
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


class CheckColumns(Schema):
    """What the audit trail holds of a criterion check, shared by its rows and its exports."""

    nomination_id: str | None
    unit_code: str | None
    district_code: str | None
    cycle_year: int | None
    stage: str | None
    criterion_id: str | None
    outcome: str | None
    basis: str | None
    rule_set_id: str | None
    rule_set_version: int | None
    rule_set_digest: str | None
    inputs: Any
    check_values: Any
    threshold: str | None
    explanation_vi: str | None
    explanation_en: str | None
    checked_by: str | None
    reason: str | None
    actor_id: str | None
    occurred_at: str
    version: int


class TrailRowPublic(CheckColumns):
    """One row of the audit trail: an event, or one criterion check it recorded."""

    position: int
    item: int
    aggregate_id: str
    aggregate_type: str
    event_type: str
    kind: str
    details: Any
    actor_role: str | None
    correlation_id: str | None


class SigningBeganPublic(Schema):
    """The signed statement of the log written before writer signatures began."""

    position: int
    upto: int
    root: str


class WriterKeyPublic(Schema):
    """A writer key and the log positions its signatures are good for."""

    key_id: str
    public_key: str
    from_position: int
    until_position: int | None


class WritersPublic(Schema):
    """The writer keys that signed the events a receipt covers, as the log certifies them."""

    began: SigningBeganPublic | None
    keys: list[WriterKeyPublic]


class ReceiptPublic(Schema):
    """A signed receipt, every field as signed: keep it whole to verify it later."""

    format: str
    position: int
    count: int
    root: str
    tree: str
    leaf: str
    sealed_at: str
    key_id: str
    public_key: str
    writers: WritersPublic | None = None
    """Absent from receipts sealed before events were signed."""
    signature: str


class ConsistencyPublic(Schema):
    """An RFC 6962 consistency proof between two sealed sizes of the log."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    from_: int = Field(alias="from", serialization_alias="from")
    to: int
    from_count: int
    to_count: int
    from_root: str | None
    to_root: str | None
    proof: dict[str, Any] | None


class CheckRowPublic(CheckColumns):
    """One criterion check as the audit trail holds it."""


STREAMED: dict[str, dict[str, Any]] = {"text/csv": {}, "application/x-ndjson": {}}
"""The other forms an export route answers in, besides JSON."""


class PassRatePublic(Schema):
    district_code: str | None
    cycle_year: int
    criterion_id: str
    checked: int
    met: int
    pass_rate_percent: str


class DecisionCountPublic(Schema):
    """Council decisions of one cycle, award form and outcome under one authority."""

    cycle_year: int
    award_form: str
    outcome: str
    deciding_authority: Text | None = Field(
        description="the authority in force on the decision dates counted here"
    )
    first_decided_on: str
    last_decided_on: str
    count: int


class StatisticsPublic(Schema):
    pass_rates: list[PassRatePublic]
    decisions: list[DecisionCountPublic]
