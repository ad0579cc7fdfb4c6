"""Task inboxes and inspection visits: claim a task, file a visit report."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path, Query

from api.deps import (
    After,
    Caller,
    Command,
    State,
    writes_as,
    written,
)
from api.routes import Cursor, Limit, Router
from api.schemas.common import Page, Written
from api.schemas.nominations import TaskPublic, VisitReportIn
from domain.context import Role
from domain.errors import InvalidInput

router = Router(tag="inspector")
AsInspector = Annotated[Command, Depends(writes_as(Role.INSPECTOR))]


@router.read("/tasks", Page[TaskPublic], "The caller's inbox: visits and reviews", tag="everyone")
def tasks(
    app: State,
    principal: Caller,
    after: After = None,
    include_done: Annotated[bool, Query()] = False,
    limit: Limit = 200,
    cursor: Cursor = None,
) -> Page[TaskPublic]:
    app.wait_for(after, "task_inbox")
    inbox = app.runner.task_inbox_view
    on = app.clock().isoformat()
    teams = [t for t in principal.scopes(Role.INSPECTOR) if t]
    scopes: list[str] = [s for s in principal.scopes(Role.DISTRICT_REVIEWER) if s]
    if principal.has(Role.PROVINCE_REVIEWER):
        scopes.append("province")
    rows, count = inbox.tasks(
        teams, scopes, include_done=include_done, limit=limit, after=_keyset(cursor)
    )
    found = [
        TaskPublic(
            kind=r["kind"],
            id=r["id"],
            nomination_id=r["nomination_id"],
            unit_code=r["unit_code"],
            stage=r["stage"],
            due_on=r["due_on"] or None,
            state=r["state"],
            claimed_by=r["claimed_by"],
            working_days_left=app.working_days_to(r["due_on"])
            if r["state"] != "reported"
            else None,
            overdue=bool(r["overdue"])
            or (r["state"] not in ("reported",) and bool(r["due_on"]) and r["due_on"] < on),
        )
        for r in rows
    ]
    last = rows[-1] if len(rows) == limit else None
    following = f"{last['due_on']}|{last['id']}" if last else None
    return Page[TaskPublic](data=found, count=count, next=following)


def _keyset(cursor: str | None) -> tuple[str, str] | None:
    if cursor is None:
        return None
    due, bar, last_id = cursor.partition("|")
    if not bar or not last_id:
        raise InvalidInput("cursor", "is not a cursor this route gave")
    return due, last_id


@router.post_once("/tasks/{task_id}/claim", "Claim an inspection task")
def claim(task_id: Annotated[UUID, Path()], cmd: AsInspector) -> Written:
    return written(cmd.service.claim_visit(cmd.context, task_id))


@router.post_once("/inspections/{visit_id}/report", "File the visit report")
def report(
    visit_id: Annotated[UUID, Path()],
    body: VisitReportIn,
    cmd: AsInspector,
) -> Written:
    verified = {
        year: figures.model_dump(mode="json", exclude_none=True)
        for year, figures in (body.verified_statistics or {}).items()
    }

    result = cmd.service.file_visit_report(
        cmd.context,
        visit_id,
        body.visited_on,
        body.findings,
        body.recommendation,
        verified,
    )
    return written(result)
