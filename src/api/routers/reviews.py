"""District and province review: decisions, judged checks, overrides, inspection orders."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.access import nomination_in_scope
from api.deps import (
    Command,
    NominationId,
    idempotent_write,
    writes_as,
    written,
)
from api.schemas.common import Written
from api.schemas.nominations import InspectionOrder, JudgedCheckIn, OverrideIn, ReviewIn
from domain.context import Role

router = APIRouter(prefix="/nominations", dependencies=[Depends(nomination_in_scope)])
AsDistrict = Annotated[Command, Depends(writes_as(Role.DISTRICT_REVIEWER))]
AsProvince = Annotated[Command, Depends(writes_as(Role.PROVINCE_REVIEWER))]
# A reviewer of both levels acts as the province reviewer.
AsReviewer = Annotated[Command, Depends(writes_as(Role.PROVINCE_REVIEWER, Role.DISTRICT_REVIEWER))]


@router.post(
    "/{nomination_id}/district-review",
    tags=["district reviewer"],
    response_model=Written,
    summary="Approve, return or reject",
)
@idempotent_write
def district_review(nomination_id: NominationId, body: ReviewIn, cmd: AsDistrict) -> Written:
    ctx = cmd.context
    result = cmd.service.complete_district_review(ctx, nomination_id, body.decision, body.comment)
    return written(result, stage=result.stage)


@router.post(
    "/{nomination_id}/province-review",
    tags=["province reviewer"],
    response_model=Written,
    summary="Approve, return or reject",
)
@idempotent_write
def province_review(nomination_id: NominationId, body: ReviewIn, cmd: AsProvince) -> Written:
    ctx = cmd.context
    result = cmd.service.complete_province_review(ctx, nomination_id, body.decision, body.comment)
    return written(result, stage=result.stage)


@router.post(
    "/{nomination_id}/criterion-checks",
    tags=["province reviewer"],
    status_code=201,
    response_model=Written,
    summary="Record a judged criterion check",
)
@idempotent_write
def judged_check(
    nomination_id: NominationId,
    body: JudgedCheckIn,
    cmd: AsReviewer,
) -> Written:
    result = cmd.service.record_criterion_check(
        cmd.context,
        nomination_id,
        body.criterion_id,
        body.outcome,
        body.justification,
        body.evidence,
    )
    return written(result)


@router.post(
    "/{nomination_id}/overrides",
    tags=["province reviewer"],
    status_code=201,
    response_model=Written,
    summary="Forward despite a not-met check, with the reason",
)
@idempotent_write
def override(nomination_id: NominationId, body: OverrideIn, cmd: AsProvince) -> Written:
    ctx = cmd.context
    return written(cmd.service.override_check(ctx, nomination_id, body.criterion_id, body.reason))


@router.post(
    "/{nomination_id}/inspections",
    tags=["province reviewer"],
    status_code=201,
    response_model=Written,
    summary="Order an inspection visit",
)
@idempotent_write
def order_inspection(
    nomination_id: NominationId,
    body: InspectionOrder,
    cmd: AsProvince,
) -> Written:
    ctx = cmd.context
    result = cmd.service.schedule_inspection_visit(ctx, nomination_id, body.team_id, body.due_date)
    visits = cmd.service.get_nomination(nomination_id).visits
    newest = max(visits.items(), key=lambda kv: kv[1]["due_on"] + kv[0], default=(None, {}))[0]
    return written(result, extra={"visit_ids": sorted(visits), "visit_id": newest})
