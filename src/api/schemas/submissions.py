"""The decision chain's API: the office's submission and the chairman's decision on it."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from api.schemas.common import Schema, Written, example
from api.schemas.holds import HoldPublic


class SubmissionCreate(Schema):
    model_config = example(
        session_id="5b0a7c2e-8a51-5f0e-9d6b-0c1d2e3f4a5b",
        nomination_ids=["c79818cf-11df-5939-94d5-114cae4a02b5"],
        summary="Kính trình Chủ tịch xem xét, quyết định khen thưởng.",
    )

    session_id: str = Field(min_length=36, max_length=36, description="the recommending session")
    nomination_ids: list[str] = Field(
        min_length=1, max_length=500, description="dossiers the session recommended"
    )
    summary: str = Field(min_length=1, max_length=4000, description="the submission's text")


class SubmissionWritten(Written):
    number: str = Field(description="the submission's number in the office's register")


class DecidedItem(Schema):
    nomination_id: str = Field(min_length=36, max_length=36)
    reason: str = Field(min_length=1, max_length=2000)


class DecisionIn(Schema):
    model_config = example(
        signed_on="2026-03-20",
        signer_title="Chủ tịch",
        signer_name="Nguyễn Văn A",
        awarded=[
            {"nomination_id": "c79818cf-11df-5939-94d5-114cae4a02b5", "reason": "Đạt tiêu chí."}
        ],
        not_awarded=[],
    )

    signed_on: date
    signer_title: Literal["Chủ tịch", "Phó Chủ tịch"] = Field(
        description='a vice-chairman signs "KT. CHỦ TỊCH"'
    )
    signer_name: str = Field(
        min_length=1, max_length=200, description="the name printed under the signature"
    )
    awarded: list[DecidedItem] = Field(max_length=500)
    not_awarded: list[DecidedItem] = Field(default=[], max_length=500)
    decision_number: str | None = Field(
        default=None,
        max_length=40,
        description="a chancery's own number, for a decision signed outside the product;"
        " without it the authority's register gives the next number",
    )


class RevocationIn(Schema):
    model_config = example(reason="Phát hiện kê khai sai số liệu hộ nghèo năm 2023.")

    reason: str = Field(min_length=1, max_length=5000)
    decision_number: str | None = Field(
        default=None,
        max_length=40,
        description="a chancery's own number; without it the authority's register gives one",
    )
    recover_within_working_days: int | None = Field(
        default=None,
        ge=1,
        le=90,
        description="the working days the revoking decision allows for the prize to come back"
        " to the emulation fund (Law 06/2022/QH15 art. 93(2)); required when the award carried"
        " a prize, refused when it did not",
    )


class RecoveryIn(Schema):
    """The prize returned to the fund, as the office's receipt shows it."""

    model_config = example(amount_vnd=1800000, receipt="PT-2026/0153", recovered_on="2026-03-10")

    amount_vnd: int = Field(ge=0, le=10_000_000_000)
    receipt: str = Field(min_length=1, max_length=200, description="the receipt's number")
    recovered_on: date


class RecoveryPublic(Schema):
    amount_vnd: int
    revocation_number: str
    within_working_days: int
    due_on: date
    state: str = Field(description="open, or recovered")
    receipt: str | None
    recovered_on: date | None
    overdue: bool
    escalated: bool
    reminders: int
    basis: str


class AuthorityPublic(Schema):
    id: str
    name_vi: str
    name_en: str
    level: str
    valid_from: date | None = Field(description="the first day it decides; null: always")
    valid_until: date | None = Field(description="the last day it decides; null: in office")


class SubmissionItemPublic(Schema):
    nomination_id: str
    unit_code: str
    unit_name: str
    award_form: str
    tally: dict[str, int]
    objections: int = Field(description="public objections received")
    objections_upheld: int
    holds: list[HoldPublic] = Field(
        default_factory=list, description="the nominee's open holds: no award while one is open"
    )


class RecommendedGroup(Schema):
    """A closed session and what it recommended that still waits for a submission."""

    session_id: str
    title: str
    closed_at: str | None
    items: list[SubmissionItemPublic]


class SubmissionDecisionPublic(Schema):
    number: str
    signed_on: date
    signer_title: str
    signer_name: str
    signs_as: str
    awarded: dict[str, str] = Field(description="nomination id -> reason")
    not_awarded: dict[str, str]


class SubmissionPublic(Schema):
    id: str
    number: str
    session_id: str
    authority: AuthorityPublic
    items: list[SubmissionItemPublic]
    summary: str
    prepared_on: date
    state: Literal["waiting", "decided"]
    decision: SubmissionDecisionPublic | None
    version: int


class SubmissionRow(Schema):
    submission_id: str
    session_id: str
    number: str
    authority_id: str
    authority_name: str
    prepared_on: date
    items: int
    state: Literal["waiting", "decided"]
    decision_number: str | None
    signed_on: date | None
