"""Sign-in (OAuth2 password flow) and who the caller is."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import structlog
from fastapi import Depends, Form, HTTPException, Request

from api.deps import Caller, Command, State, writes_as, written
from api.routes import Router
from api.schemas.admin import GrantIn, MePublic, PasswordChange, TokenPublic
from api.schemas.common import Written
from api.security import client_address, issue_token, new_password_hash, verify_password
from domain.accounts import normalise_username
from domain.context import Role
from domain.errors import InvalidInput

router = Router(tags=["everyone"])


@router.post(
    "/auth/token",
    response_model=TokenPublic,
    summary="Sign in: exchange a username and password for a bearer token",
    responses={
        401: {"description": "wrong username or password"},
        429: {"description": "too many failed attempts"},
    },
)
def sign_in(
    app: State,
    request: Request,
    username: Annotated[str, Form(min_length=1, max_length=64, examples=["demo-auditor"])],
    password: Annotated[str, Form(min_length=1, max_length=200, examples=["thidua-demo"])],
) -> TokenPublic:
    log = structlog.get_logger()
    name = normalise_username(username)
    client = client_address(request)
    wait = app.throttle.reserve(name, client)
    if wait:
        log.warning("login.throttled", username=name, retry_after=wait)
        raise HTTPException(
            429,
            f"too many failed sign-ins; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    read_at = datetime.now(UTC)
    account = app.service.find_account(name)
    usable = account if account is not None and account.active else None
    # Unknown and inactive accounts are checked against a dummy hash: same time, same answer.
    if not verify_password(password, usable.password_hash if usable else None) or usable is None:
        log.warning("login.failed", username=name, client=client)
        raise HTTPException(
            401, "wrong username or password", headers={"WWW-Authenticate": "Bearer"}
        )
    # The check took a while (argon2): a reset or a deactivation that landed meanwhile must
    # not leave the old password a token. Catch the account up and issue only if unchanged.
    now = app.service.find_account(name)
    if now is None or not now.active or now.version != usable.version:
        log.warning("login.overtaken", username=name, client=client)
        raise HTTPException(
            401, "wrong username or password", headers={"WWW-Authenticate": "Bearer"}
        )
    app.throttle.succeeded(name, client)
    token, seconds = issue_token(
        usable.username,
        app.settings.secret_key.get_secret_value(),
        app.settings.token_minutes,
        issued_at=read_at,
    )
    log.info("login.ok", username=usable.username)
    return TokenPublic(access_token=token, token_type="bearer", expires_in=seconds)  # noqa: S106


@router.read("/me", MePublic, "The caller, their roles and scopes")
def me(principal: Caller) -> MePublic:
    return MePublic(
        username=principal.username,
        display_name=principal.display_name,
        roles=[GrantIn(role=g.role, scope=g.scope) for g in principal.grants],
    )


Anyone = Annotated[Command, Depends(writes_as(*Role))]


@router.post_once("/auth/logout", "Sign out everywhere: every token of the caller's stops working")
def sign_out(cmd: Anyone) -> Written:
    return written(cmd.service.sign_out(cmd.context, cmd.principal.username))


@router.post_once("/me/password", "Change one's own password; every earlier token stops working")
def change_own_password(body: PasswordChange, cmd: Anyone) -> Written:
    app, name = cmd.app, cmd.principal.username
    client = client_address(cmd.request)
    wait = app.throttle.reserve(name, client)
    if wait:
        raise HTTPException(
            429,
            f"too many wrong passwords; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    account = app.service.find_account(name)
    if account is None or not verify_password(body.current_password, account.password_hash):
        raise InvalidInput("current_password", "is not the caller's current password")
    app.throttle.succeeded(name, client)
    hashed = new_password_hash("new_password", body.new_password)
    return written(cmd.service.change_password(cmd.context, name, hashed))
