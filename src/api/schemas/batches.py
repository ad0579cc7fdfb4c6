"""A batch of commands, and each one's own result."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import Schema, Written, example

Action = Literal["district_review", "province_review", "order_inspection", "add_to_agenda"]


class BatchItemIn(Schema):
    key: str = Field(
        min_length=1,
        max_length=200,
        description="this item's idempotency key: sent again, the item is answered as before",
    )
    action: Action
    nomination_id: UUID
    body: dict[str, Any] = Field(
        default_factory=dict,
        description="what the single route takes: a review's decision and comment, an"
        " inspection's team and due date, or the session an agenda item goes on",
    )


class BatchIn(Schema):
    model_config = example(
        items=[
            {
                "key": "forward-2025-xa-mau-bay",
                "action": "province_review",
                "nomination_id": "c79818cf-11df-5939-94d5-114cae4a02b5",
                "body": {"decision": "approve", "comment": "Trình Hội đồng."},
            },
            {
                "key": "inspect-2025-xa-mau-tam",
                "action": "order_inspection",
                "nomination_id": "f0f83c1a-263f-5eb5-a09e-085a3c5ab429",
                "body": {"team_id": "doan-kiem-tra-1"},
            },
        ]
    )

    items: list[BatchItemIn] = Field(min_length=1, max_length=200)


class BatchItemResult(BaseModel):
    key: str
    action: str
    nomination_id: str
    ok: bool
    status: int = Field(description="what the single route would have answered")
    result: Written | None = None
    error: dict[str, Any] | None = Field(
        default=None, description="why this item was refused: title, detail and the field"
    )


class BatchOut(BaseModel):
    results: list[BatchItemResult] = Field(description="one per item, in the order sent")
    succeeded: int
    failed: int
