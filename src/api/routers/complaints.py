"""Complaints during and after the public notice."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path

from api.access import nomination_in_scope
from api.deps import (
    Command,
    NominationId,
    writes_as,
    written,
)
from api.routes import Router
from api.schemas.common import Written
from api.schemas.nominations import ComplaintIn, ResolveIn
from domain.context import Role

router = Router(dependencies=[Depends(nomination_in_scope)], tag="province reviewer")
AsHandler = Annotated[Command, Depends(writes_as(Role.PROVINCE_REVIEWER, Role.COUNCIL_SECRETARY))]


@router.post_once(
    "/nominations/{nomination_id}/complaints",
    "File a complaint: it blocks the decision until resolved",
    created=True,
)
def file_complaint(
    nomination_id: NominationId,
    body: ComplaintIn,
    cmd: AsHandler,
) -> Written:
    complaint, result = cmd.service.file_complaint(
        cmd.context, nomination_id, body.text, body.filed_by
    )
    return written(result, extra={"complaint_id": str(complaint)})


@router.post_once(
    "/nominations/{nomination_id}/complaints/{complaint_id}/resolve",
    "Resolve a complaint filed on this nomination",
)
def resolve(
    nomination_id: NominationId,
    complaint_id: Annotated[UUID, Path()],
    body: ResolveIn,
    cmd: AsHandler,
) -> Written:
    result = cmd.service.resolve_complaint(
        cmd.context,
        nomination_id,
        complaint_id,
        body.resolution,
        body.upheld,
    )
    return written(result)
