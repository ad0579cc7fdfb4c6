"""The bell: each person's notices, and which of them they have read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query

from api.deps import After, Caller, Principal, State
from api.routes import Router
from api.schemas.notifications import NoticePublic, NoticesPublic, ReadIn
from domain.errors import InvalidInput
from projections.notifications import NotificationsView, audiences

router = Router(prefix="/notifications", tags=["everyone"])


def _addresses(principal: Principal) -> list[str]:
    return audiences(principal.username, [(g.role.value, g.scope) for g in principal.grants])


@router.read("", NoticesPublic, "My notices, newest first")
def notices(
    app: State,
    principal: Caller,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    before: Annotated[int | None, Query(ge=0, description="the `next` of the page before")] = None,
    after: After = None,
) -> NoticesPublic:
    app.wait_for(after, "notifications")
    view: NotificationsView = app.runner.notifications_view
    rows, count, unread = view.for_person(principal.username, _addresses(principal), limit, before)
    following = rows[-1]["position"] if len(rows) == limit else None
    return NoticesPublic(
        data=[
            NoticePublic.model_validate(
                {**r, "working_days_left": None if r["read"] else app.working_days_to(r["due_on"])}
            )
            for r in rows
        ],
        count=count,
        unread=unread,
        next=following,
    )


@router.post("/read", response_model=NoticesPublic, summary="Mark notices read, for me alone")
def mark_read(app: State, principal: Caller, body: ReadIn) -> NoticesPublic:
    view: NotificationsView = app.runner.notifications_view
    addresses = _addresses(principal)
    mine = view.addressed_of(body.ids, addresses)
    others = [notice_id for notice_id in body.ids if notice_id not in mine]
    if others:
        raise InvalidInput("ids", f"{others[0]} is not one of your notices")
    view.mark_read(principal.username, body.ids, datetime.now(UTC).isoformat())
    return notices(app, principal)


@router.post("/read-all", response_model=NoticesPublic, summary="Mark all my notices read")
def mark_all_read(app: State, principal: Caller) -> NoticesPublic:
    view: NotificationsView = app.runner.notifications_view
    unread = view.unread_ids(principal.username, _addresses(principal))
    if unread:
        view.mark_read(principal.username, unread, datetime.now(UTC).isoformat())
    return notices(app, principal)
