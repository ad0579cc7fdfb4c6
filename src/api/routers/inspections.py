"""Task inboxes and inspection visits: claim a task, file a visit report."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query

from api.deps import (
    After,
    Caller,
    Command,
    State,
    idempotent_write,
    writes_as,
    written,
)
from api.schemas.common import Page, Written
from api.schemas.nominations import TaskPublic, VisitReportIn
from domain.context import Role

router = APIRouter()
AsInspector = Annotated[Command, Depends(writes_as(Role.INSPECTOR))]


@router.get(
    "/tasks",
    tags=["everyone"],
    response_model=Page[TaskPublic],
    summary="The caller's inbox: visits and reviews",
)
def tasks(
    app: State,
    principal: Caller,
    after: After = None,
    include_done: Annotated[bool, Query()] = False,
) -> Page[TaskPublic]:
    app.wait_for(after, "task_inbox")
    inbox = app.runner.view("task_inbox")
    on = app.clock().isoformat()
    found: list[TaskPublic] = []
    for team in principal.scopes(Role.INSPECTOR):
        for v in inbox.visits_for(team or "", include_reported=include_done):
            found.append(
                TaskPublic(
                    kind="visit",
                    id=v["visit_id"],
                    nomination_id=v["nomination_id"],
                    unit_code=v["unit_code"],
                    stage="inspection",
                    due_on=v["due_on"],
                    state=v["state"],
                    claimed_by=v["claimed_by"],
                    overdue=bool(v["overdue"]) or (v["state"] != "reported" and v["due_on"] < on),
                )
            )
    scopes: list[str] = [s for s in principal.scopes(Role.DISTRICT_REVIEWER) if s]
    if principal.has(Role.PROVINCE_REVIEWER):
        scopes.append("province")
    for scope in scopes:
        for r in inbox.reviews_for(scope):
            found.append(
                TaskPublic(
                    kind="review",
                    id=r["nomination_id"],
                    nomination_id=r["nomination_id"],
                    unit_code=r["unit_code"],
                    stage=r["stage"],
                    due_on=r["due_on"],
                    state="waiting",
                    claimed_by=None,
                    overdue=bool(r["due_on"]) and r["due_on"] < on,
                )
            )
    return Page[TaskPublic](data=found, count=len(found))


@router.post(
    "/tasks/{task_id}/claim",
    tags=["inspector"],
    response_model=Written,
    summary="Claim an inspection task",
)
@idempotent_write
def claim(task_id: Annotated[UUID, Path()], cmd: AsInspector) -> Written:
    return written(cmd.service.claim_visit(cmd.context, task_id))


@router.post(
    "/inspections/{visit_id}/report",
    tags=["inspector"],
    response_model=Written,
    summary="File the visit report",
)
@idempotent_write
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
