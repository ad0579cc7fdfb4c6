"""District and province review: decisions, judged checks, overrides, inspection orders."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from api.access import nomination_in_scope
from api.deps import (
    Command,
    NominationId,
    writes_as,
    written,
)
from api.routes import Router
from api.schemas.common import Written
from api.schemas.nominations import InspectionOrder, JudgedCheckIn, OverrideIn, ReviewIn
from domain.context import Role

router = Router(
    prefix="/nominations", dependencies=[Depends(nomination_in_scope)], tag="province reviewer"
)
AsDistrict = Annotated[Command, Depends(writes_as(Role.DISTRICT_REVIEWER))]
AsProvince = Annotated[Command, Depends(writes_as(Role.PROVINCE_REVIEWER))]
# A reviewer of both levels acts as the province reviewer.
AsReviewer = Annotated[Command, Depends(writes_as(Role.PROVINCE_REVIEWER, Role.DISTRICT_REVIEWER))]


@router.post_once(
    "/{nomination_id}/district-review", "Approve, return or reject", tag="district reviewer"
)
def district_review(nomination_id: NominationId, body: ReviewIn, cmd: AsDistrict) -> Written:
    ctx = cmd.context
    result = cmd.service.complete_district_review(ctx, nomination_id, body.decision, body.comment)
    return written(result, stage=result.stage)


@router.post_once("/{nomination_id}/province-review", "Approve, return or reject")
def province_review(nomination_id: NominationId, body: ReviewIn, cmd: AsProvince) -> Written:
    ctx = cmd.context
    result = cmd.service.complete_province_review(ctx, nomination_id, body.decision, body.comment)
    return written(result, stage=result.stage)


@router.post_once(
    "/{nomination_id}/criterion-checks", "Record a judged criterion check", created=True
)
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


@router.post_once(
    "/{nomination_id}/overrides", "Forward despite a not-met check, with the reason", created=True
)
def override(nomination_id: NominationId, body: OverrideIn, cmd: AsProvince) -> Written:
    ctx = cmd.context
    return written(cmd.service.override_check(ctx, nomination_id, body.criterion_id, body.reason))


@router.post_once("/{nomination_id}/inspections", "Order an inspection visit", created=True)
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
