"""What operators watch: every reader of the log and its lease, so a stalled relay or
runner shows, with how long since it last committed a step (the readiness probe says only
ok or not ok, and a stalled relay does not take the API out of service)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, Field

from api.deps import Principal, State, require_role
from api.readiness import Readiness, readiness
from api.routes import Router
from domain.context import Role

router = Router(prefix="/operations", tags=["admin", "auditor"])
Operator = Annotated[Principal, Depends(require_role(Role.ADMIN, Role.AUDITOR))]


class ReaderPublic(BaseModel):
    name: str = Field(description="a projection's name, or relay")
    position: int = Field(description="the last event of the log it has committed")
    behind: int = Field(description="events between its position and the head of the log")
    holder: str | None = Field(description="the process holding its lease, or last holding it")
    held: bool = Field(description="whether some process holds the lease now")
    step_age_seconds: float | None = Field(
        description="seconds since its holder last committed a step; growing while it is"
        " behind means a stall"
    )
    lease_losses: int = Field(description="how often its lease lapsed under a holder")


class Readers(BaseModel):
    head: int
    readers: list[ReaderPublic]


@router.read(
    "/log-readers",
    Readers,
    "Each reader of the log (projections and the relay): position, lag and lease",
)
def log_readers(app: State, _: Operator) -> Readers:
    found = app.runner.readers()
    return Readers(
        head=app.runner.head(),
        readers=[ReaderPublic.model_validate(r, from_attributes=True) for r in found],
    )


@router.read(
    "/readiness",
    Readiness,
    "What /readyz checked, part by part: the log's head, pools, guards, Temporal",
)
async def readiness_details(app: State, _: Operator) -> Readiness:
    return await readiness(app)
