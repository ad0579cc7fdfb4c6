"""Holds on a nominee's commendation: placed with a reference, cleared by a decision."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from api.schemas.common import Schema, Written, example


class HoldIn(Schema):
    model_config = example(
        kind="inspection",
        reason="Thanh tra tỉnh đang thanh tra việc quản lý quỹ hỗ trợ hộ nghèo năm 2024.",
        reference="Quyết định thanh tra số 12/QĐ-TTr ngày 03/3/2025",
    )

    kind: Literal["discipline", "inspection", "investigation", "denunciation"]
    reason: str = Field(min_length=1, max_length=2000)
    reference: str = Field(min_length=1, max_length=200, description="the document behind it")


class HoldWritten(Written):
    hold_id: str


class ClearanceIn(Schema):
    model_config = example(
        decision_number="45/KL-TTr",
        decision_date="2025-06-10",
        outcome="Kết luận thanh tra: không có vi phạm.",
    )

    decision_number: str = Field(min_length=1, max_length=100)
    decision_date: date
    outcome: str = Field(min_length=1, max_length=2000, description="what the decision found")


class ClearedPublic(Schema):
    decision_number: str
    decision_date: date
    outcome: str


class HoldPublic(Schema):
    hold_id: str
    kind: str
    reason: str
    reference: str
    placed_on: date
    cleared: ClearedPublic | None
