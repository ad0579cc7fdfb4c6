"""Holds on a nominee's commendation (docs/spec.md §5): the office records a pending
discipline, inspection, investigation or denunciation, and clears it by the decision that
settled it; while one is open, no decision may award the nominee."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Path

from api.deps import Caller, Command, State, writes_as, written
from api.routes import Router
from api.schemas.common import Page, Written
from api.schemas.holds import ClearanceIn, HoldIn, HoldPublic, HoldWritten
from domain.context import Role

router = Router(prefix="/units/{unit_code}/holds", tag="province reviewer")
AsOffice = Annotated[Command, Depends(writes_as(Role.PROVINCE_REVIEWER))]
UnitCode = Annotated[str, Path(max_length=64, description="the nominee's unit code")]
HoldId = Annotated[str, Path(pattern=r"^H[1-9][0-9]{0,5}$", description="the hold's id")]
READERS = (
    Role.PROVINCE_REVIEWER,
    Role.COUNCIL_SECRETARY,
    Role.AUDITOR,
    Role.AWARDING_AUTHORITY,
    Role.ADMIN,
)


@router.post_once(
    "", "Place a hold on a nominee's commendation", created=True, response_model=HoldWritten
)
def place(unit_code: UnitCode, body: HoldIn, cmd: AsOffice) -> HoldWritten:
    service = cmd.service
    result, hold_id = service.place_hold(
        cmd.context, unit_code, body.kind, body.reason, body.reference
    )
    return HoldWritten(**written(result).model_dump(), hold_id=hold_id)


@router.post_once("/{hold_id}/clearance", "Clear a hold by the decision that settled it")
def clear(unit_code: UnitCode, hold_id: HoldId, body: ClearanceIn, cmd: AsOffice) -> Written:
    result = cmd.service.clear_hold(
        cmd.context, unit_code, hold_id, body.decision_number, body.decision_date, body.outcome
    )
    return written(result)


@router.read("", Page[HoldPublic], "A nominee's holds, open ones first")
def holds(unit_code: UnitCode, app: State, principal: Caller) -> Page[HoldPublic]:
    if not principal.has(*READERS):
        raise HTTPException(403, "needs the role province_reviewer, auditor or awarding_authority")
    found = [HoldPublic.model_validate(h) for h in app.service.holds_of(unit_code)]
    return Page[HoldPublic](data=found, count=len(found))
