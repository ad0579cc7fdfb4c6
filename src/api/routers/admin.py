"""Admin: accounts, units and cycles."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from api.deps import Command, Principal, State, require_role, writes_as, written
from api.routes import Router
from api.schemas.admin import (
    AccountCreate,
    AccountPublic,
    AccountUpdate,
    CycleUpdate,
    GrantIn,
    PasswordReset,
    UnitCreate,
)
from api.schemas.common import Page, Written
from api.security import new_password_hash
from domain.context import Role
from domain.cycles import CycleKind, CycleTerms
from domain.errors import InvalidInput
from domain.summaries import AccountSummary

router = Router(tags=["admin"])
Admin = Annotated[Principal, Depends(require_role(Role.ADMIN))]
AsAdmin = Annotated[Command, Depends(writes_as(Role.ADMIN))]
Year = Annotated[int, Path(ge=2000, le=2100)]
Username = Annotated[str, Path(min_length=2, max_length=64)]


def account_public(a: AccountSummary) -> AccountPublic:
    return AccountPublic(
        username=a.username,
        display_name=a.display_name,
        email=a.email,
        roles=[GrantIn(**g) for g in a.grants],
        active=a.active,
    )


@router.post_once("/accounts", "Create an account", created=True)
def create_account(body: AccountCreate, cmd: AsAdmin) -> Written:
    result = cmd.service.register_account(
        cmd.context,
        body.username,
        new_password_hash("password", body.password),
        [g.model_dump() for g in body.roles],
        body.display_name,
        body.email,
    )
    return written(result)


@router.read("/accounts", Page[AccountPublic], "Every account")
def list_accounts(app: State, admin: Admin) -> Page[AccountPublic]:
    accounts = [account_public(a) for a in app.service.list_accounts()]
    return Page[AccountPublic](data=accounts, count=len(accounts))


@router.patch_once(
    "/accounts/{username}",
    "Change an account's roles or whether it is active; its tokens stop working",
)
def update_account(username: Username, body: AccountUpdate, cmd: AsAdmin) -> Written:
    if body.roles is None and body.active is None:
        raise InvalidInput("body", "give roles, active or both")
    # One command for both changes: two commands under one request's id would replay the
    # first in place of the second.
    grants = [g.model_dump() for g in body.roles] if body.roles is not None else None
    return written(
        cmd.service.update_account(cmd.context, username, grants, body.active, body.reason)
    )


@router.post_once(
    "/accounts/{username}/password", "Reset an account's password; its tokens stop working"
)
def reset_password(username: Username, body: PasswordReset, cmd: AsAdmin) -> Written:
    hashed = new_password_hash("password", body.password)
    return written(cmd.service.change_password(cmd.context, username, hashed))


@router.post_once("/units", "Register a unit", created=True)
def register_unit(body: UnitCreate, cmd: AsAdmin) -> Written:
    result = cmd.service.register_unit(cmd.context, body.model_dump(mode="json"))
    return written(result)


@router.put_once("/cycles/{year}", "Set a cycle's dates, window and notice days")
def set_cycle(year: Year, body: CycleUpdate, cmd: AsAdmin) -> Written:
    first, second = body.evaluation_years
    terms = CycleTerms(
        year, CycleKind(body.kind), body.closes_on, (first, second), body.public_notice_working_days
    )

    return written(cmd.service.configure_cycle(cmd.context, terms))
