"""Complaints during and after the public notice."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from api.deps import (
    NominationId,
    Principal,
    State,
    command,
    idempotent,
    require_role,
    written,
)
from api.schemas.common import Written
from api.schemas.nominations import ComplaintIn, ResolveIn
from domain.context import Role

router = APIRouter()
Handler = Annotated[
    Principal, Depends(require_role(Role.PROVINCE_REVIEWER, Role.COUNCIL_SECRETARY))
]


def _role(principal: Principal) -> Role:
    return (
        Role.PROVINCE_REVIEWER if principal.has(Role.PROVINCE_REVIEWER) else Role.COUNCIL_SECRETARY
    )


@router.post(
    "/nominations/{nomination_id}/complaints",
    tags=["province reviewer"],
    status_code=201,
    response_model=Written,
    summary="File a complaint: it blocks the decision until resolved",
)
def file_complaint(
    nomination_id: NominationId,
    body: ComplaintIn,
    request: Request,
    app: State,
    who: Handler,
) -> JSONResponse:
    def produce() -> dict[str, Any]:
        complaint, result = app.service.file_complaint(
            command(request, who, _role(who)), nomination_id, body.text, body.filed_by
        )
        return written(result, extra={"complaint_id": str(complaint)})

    return idempotent(app, request, who, 201, produce)


@router.post(
    "/nominations/{nomination_id}/complaints/{complaint_id}/resolve",
    tags=["province reviewer"],
    response_model=Written,
    summary="Resolve a complaint filed on this nomination",
)
def resolve(
    nomination_id: NominationId,
    complaint_id: Annotated[UUID, Path()],
    body: ResolveIn,
    request: Request,
    app: State,
    who: Handler,
) -> JSONResponse:
    def produce() -> dict[str, Any]:
        result = app.service.resolve_complaint(
            command(request, who, _role(who)),
            nomination_id,
            complaint_id,
            body.resolution,
            body.upheld,
        )
        return written(result)

    return idempotent(app, request, who, 200, produce)
