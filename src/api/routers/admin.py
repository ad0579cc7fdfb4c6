"""Admin: accounts, units and cycles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from api.deps import Principal, State, command, idempotent, require_role, written
from api.schemas.admin import (
    AccountCreate,
    AccountPublic,
    CycleUpdate,
    GrantIn,
    UnitCreate,
)
from api.schemas.common import Page, Written
from api.security import hash_password
from domain.context import Role
from domain.cycles import CycleKind, CycleTerms

router = APIRouter(tags=["admin"])
Admin = Annotated[Principal, Depends(require_role(Role.ADMIN))]
Year = Annotated[int, Path(ge=2000, le=2100)]


def account_public(a: object) -> AccountPublic:
    return AccountPublic(
        username=a.username,  # type: ignore[attr-defined]
        display_name=a.display_name,  # type: ignore[attr-defined]
        email=a.email,  # type: ignore[attr-defined]
        roles=[GrantIn(**g) for g in a.grants],  # type: ignore[attr-defined]
        active=a.active,  # type: ignore[attr-defined]
    )


@router.post("/accounts", status_code=201, response_model=Written, summary="Create an account")
def create_account(body: AccountCreate, request: Request, app: State, admin: Admin) -> JSONResponse:
    def produce() -> dict[str, object]:
        result = app.service.register_account(
            command(request, admin, Role.ADMIN),
            body.username,
            hash_password(body.password),
            [g.model_dump() for g in body.roles],
            body.display_name,
            body.email,
        )
        return written(result)

    return idempotent(app, request, admin, 201, produce)


@router.get("/accounts", response_model=Page[AccountPublic], summary="Every account")
def list_accounts(app: State, admin: Admin) -> Page[AccountPublic]:
    accounts = [account_public(a) for a in app.service.list_accounts()]
    return Page[AccountPublic](data=accounts, count=len(accounts))


@router.post("/units", status_code=201, response_model=Written, summary="Register a unit")
def register_unit(body: UnitCreate, request: Request, app: State, admin: Admin) -> JSONResponse:
    def produce() -> dict[str, object]:
        result = app.service.register_unit(
            command(request, admin, Role.ADMIN), body.model_dump(mode="json")
        )
        return written(result)

    return idempotent(app, request, admin, 201, produce)


@router.put(
    "/cycles/{year}", response_model=Written, summary="Set a cycle's dates, window and notice days"
)
def set_cycle(
    year: Year, body: CycleUpdate, request: Request, app: State, admin: Admin
) -> JSONResponse:
    first, second = body.evaluation_years
    terms = CycleTerms(
        year, CycleKind(body.kind), body.closes_on, (first, second), body.public_notice_working_days
    )

    def produce() -> dict[str, object]:
        return written(app.service.configure_cycle(command(request, admin, Role.ADMIN), terms))

    return idempotent(app, request, admin, 200, produce)
