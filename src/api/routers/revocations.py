"""Revoking an award: the authority that decided it, by a numbered decision of its own; and
the office recording the prize recovered (docs/spec.md §12)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from api.access import nomination_in_scope
from api.deps import Command, NominationId, writes_as, written
from api.routes import Router
from api.schemas.common import Written
from api.schemas.submissions import RecoveryIn, RevocationIn
from domain.context import Role

router = Router(
    prefix="/nominations", dependencies=[Depends(nomination_in_scope)], tag="awarding authority"
)
AsAuthority = Annotated[Command, Depends(writes_as(Role.AWARDING_AUTHORITY))]
AsOffice = Annotated[Command, Depends(writes_as(Role.PROVINCE_REVIEWER))]


@router.post_once(
    "/{nomination_id}/revocation",
    "Revoke an award by a decision numbered in the authority's register (or the chancery's)",
)
def revoke(nomination_id: NominationId, body: RevocationIn, cmd: AsAuthority) -> Written:
    result = cmd.service.revoke_award(
        cmd.context,
        nomination_id,
        body.reason,
        body.decision_number,
        body.recover_within_working_days,
    )
    return written(result, stage="decided")


@router.post_once(
    "/{nomination_id}/recovery",
    "Record a revoked award's prize returned to the fund, with its receipt",
    tag="province reviewer",
)
def recover(nomination_id: NominationId, body: RecoveryIn, cmd: AsOffice) -> Written:
    result = cmd.service.record_recovery(
        cmd.context, nomination_id, body.amount_vnd, body.receipt, body.recovered_on
    )
    return written(result)
