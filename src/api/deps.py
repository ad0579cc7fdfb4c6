"""Dependencies: the wired services, the caller, role gates, command contexts, idempotency."""

from __future__ import annotations

import functools
import hashlib
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated, Any, ParamSpec, TypeVar
from uuid import UUID

import structlog
from fastapi import Depends, HTTPException, Path, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel

from api.config import ApiConfig
from api.metrics import Metrics
from api.schemas.common import Written
from api.security import LoginThrottle, RateLimit, read_token
from domain.calendar import VIETNAM
from domain.context import Actor, CommandContext, Grant, Role
from domain.errors import InvalidInput
from domain.summaries import AccountSummary, CommandResult
from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from service.people import PeopleRegister
from service.receipts import Receipts
from storage.views import Database

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass
class AppState:
    settings: ApiConfig
    service: NominationService
    runner: ProjectionRunner
    database: Database
    throttle: LoginThrottle
    receipts: Receipts
    metrics: Metrics
    complaint_limit: RateLimit
    """Objections one address may file an hour on the public form."""
    document_limit: RateLimit
    """Public document checks one address may make an hour."""
    people: PeopleRegister
    temporal_probe: Callable[[], Awaitable[bool]] | None = None
    clock: Callable[[], date] = field(default=lambda: datetime.now(VIETNAM).date())

    def working_days_to(self, due: str | date | None) -> int | None:
        """Working days from today to ``due`` by Vietnam's calendar; negative once passed."""
        if not due:
            return None
        day = due if isinstance(due, date) else date.fromisoformat(str(due)[:10])
        return self.service.calendar.working_days_between(self.clock(), day)

    def wait_for(self, position: int | None, *names: str) -> None:
        """Read-your-writes: wait, with a bound, until these views have applied ``position``."""
        if position is None:
            return
        from api.errors import Unavailable

        if position > self.runner.head():
            raise InvalidInput("after", "is beyond the end of the event log")

        deadline = time.monotonic() + self.settings.read_wait_seconds
        for name in names or tuple(self.runner.projections):
            while self.runner.position(name) < position:
                if time.monotonic() > deadline:
                    raise Unavailable(f"the {name} view has not reached position {position} yet")
                time.sleep(0.02)


def state(request: Request) -> AppState:
    app_state: AppState = request.app.state.thidua
    return app_state


State = Annotated[AppState, Depends(state)]
NominationId = Annotated[UUID, Path(description="the nomination's id")]
# Read-your-writes: a read passes the position its write answered with.
After = Annotated[
    int | None, Query(ge=0, description="wait until the views reached this log position")
]


@dataclass(frozen=True)
class Principal:
    username: str
    display_name: str
    grants: tuple[Grant, ...]

    def actor(self) -> Actor:
        return Actor(self.username, self.grants)

    def has(self, *roles: Role) -> bool:
        return any(g.role in roles for g in self.grants)

    def scopes(self, role: Role) -> list[str | None]:
        return [g.scope for g in self.grants if g.role is role]


def current_principal(app: State, token: Annotated[str | None, Depends(oauth2)]) -> Principal:
    unauthorized = HTTPException(
        401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"}
    )
    if not token:
        raise unauthorized
    claims = read_token(token, app.settings.secret_key.get_secret_value())
    if claims is None:
        raise unauthorized
    account = app.service.find_account(claims.username)
    if account is None or not account.active:
        raise unauthorized
    revoked = account.tokens_valid_after
    if revoked is not None and claims.issued_at <= revoked:
        raise unauthorized  # signed out, or its password, roles or state changed since
    structlog.contextvars.bind_contextvars(actor=account.username)
    return principal_of(account)


def principal_of(account: AccountSummary) -> Principal:
    """Who an account acts as: its name and its grants."""
    grants = tuple(Grant(Role(g["role"]), g.get("scope")) for g in account.grants)
    return Principal(account.username, account.display_name, grants)


Caller = Annotated[Principal, Depends(current_principal)]


def require_role(*roles: Role) -> Callable[[Principal], Principal]:
    """The router-level gate: the caller holds one of these roles (scope is the domain's)."""

    def gate(principal: Caller) -> Principal:
        if not principal.has(*roles):
            structlog.get_logger().warning(
                "refused", actor=principal.username, needs=[r.value for r in roles]
            )
            raise HTTPException(403, f"needs the role {' or '.join(r.value for r in roles)}")
        return principal

    return gate


def today(request: Request | None = None) -> date:
    """The business date: Vietnam's, or the app's own clock (tests, demos)."""
    if request is not None:
        return state(request).clock()
    return datetime.now(VIETNAM).date()


@dataclass(frozen=True)
class Command:
    """One write: the caller, the role they act in, and the request it came with."""

    app: AppState
    principal: Principal
    role: Role
    request: Request
    response: Response

    @property
    def service(self) -> NominationService:
        return self.app.service

    @property
    def context(self) -> CommandContext:
        return self.acting_as(self.role)

    @property
    def key(self) -> str | None:
        """The client's Idempotency-Key, checked before anything runs."""
        key = self.request.headers.get("Idempotency-Key")
        if key is not None and not (1 <= len(key) <= 200):
            raise InvalidInput("Idempotency-Key", "must be 1 to 200 characters")
        return key

    def acting_as(self, role: Role) -> CommandContext:
        """The context of the write: a command id from the Idempotency-Key when given."""
        key = self.key
        username = self.principal.username
        return CommandContext(
            actor=self.principal.actor(),
            command_id=f"http:{username}:{key}" if key else f"http:{uuid.uuid4()}",
            correlation_id=self.request.state.request_id,
            today=today(self.request),
            role=role,
            at=datetime.now(UTC),
        )


def writes_as(*roles: Role) -> Callable[..., Command]:
    """A write's dependency: the caller holds one of these roles, and acts in the first held."""
    gate = require_role(*roles)

    def dependency(
        request: Request,
        response: Response,
        app: State,
        # A default, not Annotated: the gate is local, so a string annotation could not name it.
        principal: Principal = Depends(gate),  # noqa: B008
    ) -> Command:
        role = next(r for r in roles if principal.has(r))
        return Command(app, principal, role, request, response)

    return dependency


# One row per caller and key: what the first request was (method, path, a digest of its body)
# and what it was answered, so a repeat gets that answer and a different request is refused.
IDEMPOTENCY_DDL = (
    "CREATE TABLE IF NOT EXISTS api_requests ("
    " account TEXT NOT NULL, key TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,"
    " request_hash TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,"
    " created_at TEXT NOT NULL, PRIMARY KEY (account, key))"
)


def create_request_table(database: Database) -> None:
    with database.transaction() as cursor:
        database.take_turns_changing_tables(cursor)
        cursor.execute(IDEMPOTENCY_DDL)


@dataclass(frozen=True)
class StoredRequest:
    """A write once answered under a caller's key: what it was, and its answer."""

    method: str
    path: str
    request_hash: str
    status: int
    body: str
    created_at: str = ""

    @property
    def abandoned(self) -> bool:
        """A reservation its process never completed: it died mid-request."""
        return self.status == PENDING and self.created_at < _abandoned_before()


def stored_request(database: Database, account: str, key: str) -> StoredRequest | None:
    with database.reading() as cursor:
        cursor.execute(
            "SELECT method, path, request_hash, status, body, created_at FROM api_requests"
            " WHERE account = ? AND key = ?",
            (account, key),
        )
        row = cursor.fetchone()
    return StoredRequest(row[0], row[1], row[2], int(row[3]), row[4], row[5]) if row else None


PENDING = 0
"""The status of a key reserved by a request still running: its answer is not known yet."""
ABANDONED_SECONDS = 15
"""A reservation this old belongs to a process that died mid-request (a JSON write takes
well under a second, a few under load): another request with the key may take it over."""


def _abandoned_before() -> str:
    """Reservations made before this instant are abandoned (``created_at``'s format)."""
    return datetime.fromtimestamp(time.time() - ABANDONED_SECONDS, UTC).isoformat()


def reserve_request(
    database: Database, account: str, key: str, method: str, path: str, request_hash: str
) -> bool:
    """Takes the key for a request about to run; False when another request holds or has
    answered it. A reservation abandoned by a dead process is taken over."""
    with database.transaction() as cursor:
        cursor.execute(
            "DELETE FROM api_requests WHERE account = ? AND key = ? AND status = ?"
            " AND created_at < ?",
            (account, key, PENDING, _abandoned_before()),
        )
        cursor.execute(
            "INSERT INTO api_requests VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (account, key) DO NOTHING RETURNING key",
            (account, key, method, path, request_hash, PENDING, "", datetime.now(UTC).isoformat()),
        )
        return cursor.fetchone() is not None


def release_request(database: Database, account: str, key: str) -> None:
    """Gives a reserved key back: the request failed, and a retry may run it afresh."""
    with database.transaction() as cursor:
        cursor.execute(
            "DELETE FROM api_requests WHERE account = ? AND key = ? AND status = ?",
            (account, key, PENDING),
        )


def store_request(database: Database, account: str, key: str, request: StoredRequest) -> None:
    """Keeps a write's answer under its key (completing its reservation); the first answer
    kept stays."""
    with database.transaction() as cursor:
        cursor.execute(
            "UPDATE api_requests SET status = ?, body = ? WHERE account = ? AND key = ?"
            " AND status = ? RETURNING key",
            (request.status, request.body, account, key, PENDING),
        )
        if cursor.fetchone() is not None:
            return
        cursor.execute(
            "INSERT INTO api_requests VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (account, key) DO NOTHING",
            (
                account,
                key,
                request.method,
                request.path,
                request.request_hash,
                request.status,
                request.body,
                datetime.now(UTC).isoformat(),
            ),
        )


def request_digest(**parts: Any) -> str:
    """A digest of what a write was asked to do: its body, its file."""
    canonical = json.dumps(jsonable_encoder(parts), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay_of(cmd: Command, request_hash: str) -> JSONResponse | None:
    """The first answer to this Idempotency-Key, or None when it is new; a key reused for
    another request is refused, naming it."""
    key, request = cmd.key, cmd.request
    if not key:
        return None
    row = stored_request(cmd.app.database, cmd.principal.username, key)
    if row is None:
        return None
    if row.status == PENDING and (row.method, row.path, row.request_hash) == (
        request.method,
        request.url.path,
        request_hash,
    ):
        row = _answer_when_done(cmd, key, row)
        if row is None:
            return None  # its first request failed and gave the key back: run this one
    if (row.method, row.path) != (request.method, request.url.path):
        raise InvalidInput(
            "Idempotency-Key", f"was used for {row.method} {row.path}; use a new key"
        )
    if row.request_hash != request_hash:
        raise InvalidInput(
            "Idempotency-Key", "was used for a request with another body; use a new key"
        )
    replay = JSONResponse(json.loads(row.body), status_code=row.status)
    replay.headers["Idempotent-Replayed"] = "true"
    return replay


def _answer_when_done(cmd: Command, key: str, row: StoredRequest | None) -> StoredRequest | None:
    """Waits, with the read bound, for the request holding this key to answer; its answer,
    or None once the key is free (given back, or abandoned by a process that died). Still
    running past the bound: 503, retry later."""
    from api.errors import Unavailable

    deadline = time.monotonic() + max(cmd.app.settings.read_wait_seconds, 1.0)
    while row is not None and row.status == PENDING:
        if row.abandoned:
            return None
        if time.monotonic() >= deadline:
            raise Unavailable("a request with this Idempotency-Key is still running; retry", 1)
        time.sleep(0.05)
        row = stored_request(cmd.app.database, cmd.principal.username, key)
    return row


def request_query(request: Request) -> list[tuple[str, str]]:
    """The query a write was sent with, but for ``after`` (read-your-writes, not the write)."""
    return sorted((k, v) for k, v in request.query_params.multi_items() if k != "after")


def remember(cmd: Command, status: int, answer: Any, request_hash: str) -> None:
    """Keeps the answer under the caller's key, and says where the write is in the log."""
    body = jsonable_encoder(answer)
    if cmd.key:
        answered = StoredRequest(
            cmd.request.method, cmd.request.url.path, request_hash, status, json.dumps(body)
        )
        store_request(cmd.app.database, cmd.principal.username, cmd.key, answered)
    position = body.get("position") if isinstance(body, dict) else None
    if position is not None:
        cmd.response.headers["X-Event-Position"] = str(position)


P = ParamSpec("P")
R = TypeVar("R")


def idempotent_write(route: Callable[P, R]) -> Callable[P, R | JSONResponse]:
    """Runs a write once per Idempotency-Key: a repeat gets the first response back (one sent
    while the first still runs waits for it), and the same key with another body or query is
    refused.

    The route takes a ``Command``; its answer, validated by FastAPI against the route's
    response model, is remembered under the caller's key with the route's status code.
    """

    @functools.wraps(route)
    def run(*args: P.args, **kwargs: P.kwargs) -> R | JSONResponse:
        cmd = next(v for v in kwargs.values() if isinstance(v, Command))
        request_hash = request_digest(
            query=request_query(cmd.request),
            **{name: value for name, value in kwargs.items() if isinstance(value, BaseModel)},
        )
        database, account, key = cmd.app.database, cmd.principal.username, cmd.key
        while True:
            replay = replay_of(cmd, request_hash)
            if replay is not None:
                return replay
            # Reserved before it runs: a second request with the key waits for this answer.
            if not key or reserve_request(
                database, account, key, cmd.request.method, cmd.request.url.path, request_hash
            ):
                break
        try:
            result = route(*args, **kwargs)
        except BaseException:
            if key:
                release_request(database, account, key)
            raise
        remember(cmd, int(cmd.request.scope["route"].status_code or 200), result, request_hash)
        return result

    return run


def written(result: CommandResult, **extra: Any) -> Written:
    """The common shape of a write's answer: what changed and where in the log."""
    return Written(
        id=str(result.id),
        version=result.version,
        position=result.position,
        replayed=result.replayed,
        **extra,
    )
