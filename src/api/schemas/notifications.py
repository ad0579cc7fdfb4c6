"""A person's notices: what is waiting for them, newest first."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Schema, WorkingDaysLeft, example

NoticeKind = Literal[
    "review",
    "returned",
    "visit",
    "ballot",
    "reminder",
    "escalation",
    "recommended",
    "submission",
    "decided",
]


class NoticePublic(BaseModel):
    id: str
    kind: NoticeKind = Field(
        description="review: a dossier waits for your review; returned: a dossier came back"
        " to its unit; visit: an inspection visit for your team; ballot: a session opened"
        " with you on it; reminder: something is still waiting; escalation: a deadline passed;"
        " recommended: a council recommended a dossier, to submit; submission: a submission"
        " waits for your decision; decided: a submission was decided (subject: its number)"
    )
    subject: str = Field(description="the unit's name, or the session's title")
    detail: str | None = Field(
        default=None, description="a return's comment, an escalation's reason"
    )
    nomination_id: str | None = None
    session_id: str | None = None
    visit_id: str | None = None
    due_on: str | None = None
    working_days_left: WorkingDaysLeft = None
    created_at: str
    position: int = Field(description="its place in the event log; pass as before= for older ones")
    read: bool


class NoticesPublic(BaseModel):
    data: list[NoticePublic]
    count: int
    unread: int
    next: int | None = Field(default=None, description="before= for the next, older page")


class ReadIn(Schema):
    model_config = example(ids=["412:user:demo-council-1"])

    ids: list[str] = Field(min_length=1, max_length=500, description="the notices to mark read")
