"""Running a batch: several commands, each its own command with its own answer.

A reviewer forwards, returns or orders inspections for a selection of dossiers; a secretary
puts several nominations on an agenda. Each item runs as the single route would (the same
role, scope and domain checks), is idempotent by its own key, and fails alone: the answer
lists every item's result in order. The API's batch route and the CLI's `thidua batch` both
run batches here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol
from uuid import UUID

import structlog
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, ValidationError

from api.access import readable
from api.deps import (
    Principal,
    StoredRequest,
    create_request_table,
    principal_of,
    request_digest,
    store_request,
    stored_request,
    written,
)
from api.errors import problem_ids, status_of
from api.schemas.batches import BatchIn, BatchItemIn, BatchItemResult, BatchOut
from api.schemas.common import Schema, Written
from api.schemas.nominations import InspectionOrder, ReviewIn
from domain.context import CommandContext, Role
from domain.errors import DomainError, InvalidInput
from domain.summaries import AccountSummary
from service.nomination_service import NominationService
from storage.views import Database


class AgendaItemIn(Schema):
    session_id: UUID


class Host(Protocol):
    """Where a batch runs: the API's state, or the CLI's service and views database."""

    @property
    def service(self) -> NominationService: ...

    @property
    def database(self) -> Database: ...

    @property
    def clock(self) -> Callable[[], date]: ...


@dataclass(frozen=True)
class Batch:
    """One batch's circumstances: who sends it, on which business day, under which id."""

    principal: Principal
    today: date
    correlation_id: str


Run = Callable[[Host, CommandContext, UUID, Any], Written]


def _district_review(app: Host, ctx: CommandContext, nid: UUID, body: ReviewIn) -> Written:
    result = app.service.complete_district_review(ctx, nid, body.decision, body.comment)
    return written(result, stage=result.stage)


def _province_review(app: Host, ctx: CommandContext, nid: UUID, body: ReviewIn) -> Written:
    result = app.service.complete_province_review(ctx, nid, body.decision, body.comment)
    return written(result, stage=result.stage)


def _inspection(app: Host, ctx: CommandContext, nid: UUID, body: InspectionOrder) -> Written:
    result = app.service.schedule_inspection_visit(ctx, nid, body.team_id, body.due_date)
    return written(result)


def _agenda(app: Host, ctx: CommandContext, nid: UUID, body: AgendaItemIn) -> Written:
    return written(app.service.add_to_agenda(ctx, body.session_id, nid))


# Each action: the role it is done in, the body it takes, and what it runs.
ACTIONS: dict[str, tuple[Role, type[BaseModel], Run]] = {
    "district_review": (Role.DISTRICT_REVIEWER, ReviewIn, _district_review),
    "province_review": (Role.PROVINCE_REVIEWER, ReviewIn, _province_review),
    "order_inspection": (Role.PROVINCE_REVIEWER, InspectionOrder, _inspection),
    "add_to_agenda": (Role.COUNCIL_SECRETARY, AgendaItemIn, _agenda),
}


def run_items(app: Host, batch: Batch, body: BatchIn) -> BatchOut:
    """Every item in order, each on its own: a refusal is that item's answer, not the batch's."""
    keys = [item.key for item in body.items]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise InvalidInput("items", f"each item needs its own key; repeated: {repeated[0]}")
    results = [_run_item(app, batch, item) for item in body.items]
    return BatchOut(
        results=results,
        succeeded=sum(1 for r in results if r.ok),
        failed=sum(1 for r in results if not r.ok),
    )


def _run_item(app: Host, batch: Batch, item: BatchItemIn) -> BatchItemResult:
    log = structlog.get_logger()
    principal = batch.principal
    role, schema, run = ACTIONS[item.action]
    try:
        if not principal.has(role):
            return _refused(item, 403, "Forbidden", f"needs the role {role.value}", "action")
        try:
            parsed = schema.model_validate(item.body)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return _refused(item, 422, "Invalid input", first["msg"], f"body.{where}")
        digest = request_digest(item=item)
        replay = _replay(app, principal, item, digest)
        if replay is not None:
            return replay
        readable(app, principal, item.nomination_id)  # scope first: a 404 for others' dossiers
        ctx = CommandContext(
            actor=principal.actor(),
            command_id=f"http:{principal.username}:batch:{item.key}",
            correlation_id=batch.correlation_id,
            today=batch.today,
            role=role,
            at=datetime.now(UTC),
        )
        answer = run(app, ctx, item.nomination_id, parsed)
    except DomainError as error:
        status, title = status_of(error)
        field = error.field if isinstance(error, InvalidInput) else None
        log.info("batch.item_refused", key=item.key, action=item.action, status=status)
        ids = problem_ids(error, app.service.default_rule_set)
        return _refused(item, status, title, error.detail, field, ids)
    result = BatchItemResult(
        key=item.key,
        action=item.action,
        nomination_id=str(item.nomination_id),
        ok=True,
        status=200,
        result=answer,
    )
    _remember(app, principal, item, digest, result)
    return result


def _refused(
    item: BatchItemIn,
    status: int,
    title: str,
    detail: str,
    field: str | None,
    ids: dict[str, str] | None = None,
) -> BatchItemResult:
    return BatchItemResult(
        key=item.key,
        action=item.action,
        nomination_id=str(item.nomination_id),
        ok=False,
        status=status,
        error={**(ids or {}), "title": title, "detail": detail, "field": field},
    )


# An item's key lives beside the single routes' Idempotency-Keys, apart from them by its prefix.
def _replay(
    app: Host, principal: Principal, item: BatchItemIn, digest: str
) -> BatchItemResult | None:
    row = stored_request(app.database, principal.username, f"batch:{item.key}")
    if row is None:
        return None
    if row.request_hash != digest:
        raise InvalidInput("key", f"{item.key} was used for another item; use a new key")
    first = BatchItemResult.model_validate(json.loads(row.body))
    assert first.result is not None  # noqa: S101 - only successes are kept
    return first.model_copy(update={"result": first.result.model_copy(update={"replayed": True})})


def _remember(
    app: Host, principal: Principal, item: BatchItemIn, digest: str, result: BatchItemResult
) -> None:
    body = json.dumps(jsonable_encoder(result))
    answered = StoredRequest("POST", f"/api/v1/batches#{item.action}", digest, result.status, body)
    store_request(app.database, principal.username, f"batch:{item.key}", answered)


def run_as(
    service: NominationService,
    database: Database,
    account: AccountSummary,
    body: BatchIn,
    on: date,
    correlation_id: str,
) -> BatchOut:
    """A batch run as ``account`` outside a request (the CLI): its idempotency records kept
    where the API keeps them, so the same key is the same item wherever it was sent."""

    @dataclass(frozen=True)
    class Outside:
        service: NominationService
        database: Database
        clock: Callable[[], date]

    create_request_table(database)
    return run_items(
        Outside(service, database, lambda: on),
        Batch(principal_of(account), on, correlation_id),
        body,
    )
