"""District and province review: decisions, judged checks, overrides, inspection orders."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.deps import NominationId, Principal, State, command, idempotent, require_role, written
from api.schemas.common import Written
from api.schemas.nominations import InspectionOrder, JudgedCheckIn, OverrideIn, ReviewIn
from domain.context import Role

router = APIRouter(prefix="/nominations")
District = Annotated[Principal, Depends(require_role(Role.DISTRICT_REVIEWER))]
Province = Annotated[Principal, Depends(require_role(Role.PROVINCE_REVIEWER))]
Reviewer = Annotated[
    Principal, Depends(require_role(Role.DISTRICT_REVIEWER, Role.PROVINCE_REVIEWER))
]


@router.post(
    "/{nomination_id}/district-review",
    tags=["district reviewer"],
    response_model=Written,
    summary="Approve, return or reject",
)
def district_review(
    nomination_id: NominationId, body: ReviewIn, request: Request, app: State, reviewer: District
) -> JSONResponse:
    def produce() -> dict[str, Any]:
        ctx = command(request, reviewer, Role.DISTRICT_REVIEWER)
        result = app.service.complete_district_review(
            ctx, nomination_id, body.decision, body.comment
        )
        return written(result, stage=app.service.get_nomination(nomination_id).stage)

    return idempotent(app, request, reviewer, 200, produce)


@router.post(
    "/{nomination_id}/province-review",
    tags=["province reviewer"],
    response_model=Written,
    summary="Approve, return or reject",
)
def province_review(
    nomination_id: NominationId, body: ReviewIn, request: Request, app: State, reviewer: Province
) -> JSONResponse:
    def produce() -> dict[str, Any]:
        ctx = command(request, reviewer, Role.PROVINCE_REVIEWER)
        result = app.service.complete_province_review(
            ctx, nomination_id, body.decision, body.comment
        )
        return written(result, stage=app.service.get_nomination(nomination_id).stage)

    return idempotent(app, request, reviewer, 200, produce)


@router.post(
    "/{nomination_id}/criterion-checks",
    tags=["province reviewer"],
    status_code=201,
    response_model=Written,
    summary="Record a judged criterion check",
)
def judged_check(
    nomination_id: NominationId,
    body: JudgedCheckIn,
    request: Request,
    app: State,
    reviewer: Reviewer,
) -> JSONResponse:
    role = (
        Role.PROVINCE_REVIEWER if reviewer.has(Role.PROVINCE_REVIEWER) else Role.DISTRICT_REVIEWER
    )

    def produce() -> dict[str, Any]:
        result = app.service.record_criterion_check(
            command(request, reviewer, role),
            nomination_id,
            body.criterion_id,
            body.outcome,
            body.justification,
            body.evidence,
        )
        return written(result)

    return idempotent(app, request, reviewer, 201, produce)


@router.post(
    "/{nomination_id}/overrides",
    tags=["province reviewer"],
    status_code=201,
    response_model=Written,
    summary="Forward despite a not-met check, with the reason",
)
def override(
    nomination_id: NominationId, body: OverrideIn, request: Request, app: State, reviewer: Province
) -> JSONResponse:
    def produce() -> dict[str, Any]:
        ctx = command(request, reviewer, Role.PROVINCE_REVIEWER)
        return written(
            app.service.override_check(ctx, nomination_id, body.criterion_id, body.reason)
        )

    return idempotent(app, request, reviewer, 201, produce)


@router.post(
    "/{nomination_id}/inspections",
    tags=["province reviewer"],
    status_code=201,
    response_model=Written,
    summary="Order an inspection visit",
)
def order_inspection(
    nomination_id: NominationId,
    body: InspectionOrder,
    request: Request,
    app: State,
    reviewer: Province,
) -> JSONResponse:
    def produce() -> dict[str, Any]:
        ctx = command(request, reviewer, Role.PROVINCE_REVIEWER)
        result = app.service.schedule_inspection_visit(
            ctx, nomination_id, body.team_id, body.due_date
        )
        visits = app.service.get_nomination(nomination_id).visits
        newest = max(visits.items(), key=lambda kv: kv[1]["due_on"] + kv[0], default=(None, {}))[0]
        return written(result, extra={"visit_ids": sorted(visits), "visit_id": newest})

    return idempotent(app, request, reviewer, 201, produce)
