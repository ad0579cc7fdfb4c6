"""The register of councils as constituted (docs/spec.md §12): each composition with the
decision that made it; a session's members are those in office on its date."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from api.deps import Caller, Command, State, writes_as, written
from api.routes import Router
from api.schemas.common import Written
from api.schemas.council import CouncilRegisterPublic, CouncilTermsIn
from domain.context import Role

router = Router(prefix="/councils", tag="council secretary")
AsRegistrar = Annotated[Command, Depends(writes_as(Role.COUNCIL_SECRETARY, Role.ADMIN))]


@router.post_once("", "Register a council's composition by the decision that made it", created=True)
def constitute(body: CouncilTermsIn, cmd: AsRegistrar) -> Written:
    terms = body.model_dump(exclude={"level", "scope"})
    return written(cmd.service.constitute_council(cmd.context, body.level, body.scope, terms))


@router.read(
    "/{level}", CouncilRegisterPublic, "A council's compositions, in order", tag="everyone"
)
def register(
    level: str,
    app: State,
    _: Caller,
    scope: Annotated[str | None, Query(max_length=64)] = None,
) -> CouncilRegisterPublic:
    return CouncilRegisterPublic.model_validate(app.service.council_register(level, scope))
