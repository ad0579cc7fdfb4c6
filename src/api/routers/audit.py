"""Auditors: verify, export, replay and re-evaluate. Nothing here writes."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Body, Depends, Query
from fastapi.responses import StreamingResponse

from api.access import readable, sees_complainants, without_complainant
from api.deps import After, Caller, NominationId, Principal, State, require_role
from api.issuing import receipts_of
from api.names import criterion_title
from api.routes import Router
from api.schemas.audit import (
    STREAMED,
    BrokenPublic,
    CheckRowPublic,
    ConsistencyPublic,
    DecisionCountPublic,
    PassRatePublic,
    PublicKey,
    ReceiptCheckPublic,
    ReceiptPublic,
    StatisticsPublic,
    TrailRowPublic,
    VerifyPublic,
    WhatIfIn,
    WhatIfRow,
)
from api.schemas.common import Page
from api.schemas.nominations import BoardThen
from domain.context import Role
from domain.errors import InvalidInput, NotFound
from projections.audit_trail_view import CHECK_COLUMNS, ROW_COLUMNS, TrailFilter
from projections.board import BoardQuery
from projections.exports import chunks
from projections.statistics import by_authority
from projections.time_travel import board_as_of
from service.audit import verify_store
from service.receipts import ReceiptError

router = Router(tags=["auditor"])
Auditor = Annotated[Principal, Depends(require_role(Role.AUDITOR))]


@router.read(
    "/nominations/{nomination_id}/audit", Page[TrailRowPublic], "A nomination's audit trail"
)
def nomination_trail(
    nomination_id: NominationId,
    app: State,
    principal: Caller,
    after: After = None,
) -> Page[TrailRowPublic]:
    readable(app, principal, nomination_id)
    app.wait_for(after, "audit_trail")
    sees = sees_complainants(principal)
    rows = [
        TrailRowPublic.model_validate(_public(r if sees else _without_complainant(r)))
        for r in app.runner.audit_trail_view.rows(TrailFilter(nomination_id=str(nomination_id)))
    ]
    return Page[TrailRowPublic](data=rows, count=len(rows))


def _without_complainant(row: dict[str, Any]) -> dict[str, Any]:
    details = row.get("details")
    if isinstance(details, dict):
        return {**row, "details": without_complainant(details)}
    return row


def _public(row: dict[str, Any]) -> dict[str, Any]:
    public: dict[str, Any] = json.loads(json.dumps(row, default=str))
    return public


@router.read(
    "/audit/criterion-checks",
    Page[CheckRowPublic],
    "Every criterion check, filtered; JSON, CSV or JSON Lines",
    responses={200: {"content": STREAMED}},
)
def criterion_checks(
    app: State,
    auditor: Auditor,
    cycle: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    district: Annotated[str | None, Query(max_length=64)] = None,
    criterion: Annotated[str | None, Query(max_length=100)] = None,
    outcome: Annotated[str | None, Query(max_length=40)] = None,
    format: Annotated[Literal["json", "csv", "jsonl"], Query()] = "json",
    limit: Annotated[int, Query(ge=1, le=5000, description="JSON pages only")] = 1000,
    cursor: Annotated[
        str | None,
        Query(max_length=100, description="the `next` of the previous JSON page"),
    ] = None,
    after: After = None,
) -> Page[CheckRowPublic] | StreamingResponse:
    app.wait_for(after, "audit_trail")
    where = TrailFilter(cycle, district, criterion, outcome)
    view = app.runner.audit_trail_view
    if format == "json":
        found, count = view.page_of_checks(where, limit, _trail_keyset(cursor))
        data = [
            CheckRowPublic.model_validate({c: _public(r).get(c) for c in CHECK_COLUMNS})
            for r in found
        ]
        last = found[-1] if len(found) == limit else None
        following = f"{last['position']}:{last['item']}" if last else None
        return Page[CheckRowPublic](data=data, count=count, next=following)
    rows = view.checks(where)  # streamed whole, a page at a time
    media = "text/csv; charset=utf-8" if format == "csv" else "application/x-ndjson"
    suffix = "csv" if format == "csv" else "jsonl"
    return StreamingResponse(
        chunks(rows, format, CHECK_COLUMNS),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="criterion-checks.{suffix}"'},
    )


def _trail_keyset(cursor: str | None) -> tuple[int, int] | None:
    if cursor is None:
        return None
    position, colon, item = cursor.partition(":")
    if not colon or not position.isdigit() or not item.isdigit():
        raise InvalidInput("cursor", "is not a cursor this route gave")
    return int(position), int(item)


@router.read(
    "/audit/trail",
    None,
    "The whole audit trail, streamed as CSV or JSON Lines",
    response_class=StreamingResponse,
    responses={200: {"content": STREAMED}},
)
def trail(
    app: State,
    auditor: Auditor,
    cycle: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    district: Annotated[str | None, Query(max_length=64)] = None,
    format: Annotated[Literal["csv", "jsonl"], Query()] = "jsonl",
    after: After = None,
) -> StreamingResponse:
    app.wait_for(after, "audit_trail")
    rows = app.runner.audit_trail_view.rows(TrailFilter(cycle, district))
    media = "text/csv; charset=utf-8" if format == "csv" else "application/x-ndjson"
    return StreamingResponse(chunks(rows, format, ROW_COLUMNS), media_type=media)


@router.read("/audit/verify", VerifyPublic, "Recompute every hash chain")
def verify(app: State, auditor: Auditor) -> VerifyPublic:
    digests = app.runner.audit_trail_view.digests()
    report = verify_store(app.service, digests, certified=receipts_of(app).key.certifies)
    broken = report.first_broken
    return VerifyPublic(
        ok=report.ok,
        checked_events=report.checked_events,
        aggregates=report.aggregates,
        first_broken=None
        if broken is None
        else BrokenPublic.model_validate(
            {
                "aggregate_id": broken.aggregate_id,
                "version": broken.version,
                "kind": broken.kind,
                "reason": broken.reason,
            }
        ),
    )


@router.read(
    "/audit/public-key", PublicKey, "The Ed25519 public key that signs receipts; keep it with them"
)
def public_key(app: State) -> PublicKey:
    key = receipts_of(app).key
    return PublicKey(key_id=key.key_id, pem=key.public_pem())


@router.read(
    "/audit/receipts",
    Page[ReceiptPublic],
    "Signed receipts over the log, newest first",
    response_model_exclude_unset=True,
)
def receipts(
    app: State, auditor: Auditor, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> Page[ReceiptPublic]:
    data = [ReceiptPublic.model_validate(r) for r in receipts_of(app).receipts(limit)]
    return Page[ReceiptPublic](data=data, count=len(data))


@router.read(
    "/audit/receipts/latest",
    ReceiptPublic,
    "The newest signed receipt, to keep elsewhere",
    response_model_exclude_unset=True,
)
def latest_receipt(app: State, auditor: Auditor) -> ReceiptPublic:
    receipt = receipts_of(app).latest()
    if receipt is None:
        raise NotFound("no receipt has been sealed yet")
    return ReceiptPublic.model_validate(receipt)


@router.post(
    "/audit/receipts/verify",
    response_model=ReceiptCheckPublic,
    summary="Check the store against a receipt: the first event changed, deleted, inserted"
    " or reordered since it was sealed",
)
def verify_receipt(
    app: State, auditor: Auditor, receipt: Annotated[dict[str, Any], Body()]
) -> ReceiptCheckPublic:
    try:
        check = receipts_of(app).check(receipt)
    except ReceiptError as refused:
        raise InvalidInput(refused.field, refused.reason) from None
    return ReceiptCheckPublic.model_validate(asdict(check))


@router.read(
    "/audit/consistency",
    ConsistencyPublic,
    "An RFC 6962 proof that the log at 'to' extends the log at 'from'",
    response_model_by_alias=True,
)
def consistency(
    app: State,
    auditor: Auditor,
    from_: Annotated[int, Query(alias="from", ge=0)],
    to: Annotated[int, Query(ge=0)],
) -> ConsistencyPublic:
    try:
        return ConsistencyPublic.model_validate(receipts_of(app).consistency(from_, to))
    except ReceiptError as refused:
        raise InvalidInput(refused.field, refused.reason) from None


@router.post(
    "/audit/what-if",
    response_model=list[WhatIfRow],
    summary="Re-evaluate stored statistics under another rule set; writes nothing",
)
def what_if(body: WhatIfIn, app: State, auditor: Auditor) -> list[WhatIfRow]:
    rules = app.service.rule_set(body.rule_set_id, body.rule_set_version)
    if body.nomination_ids:
        try:
            nids = [UUID(n) for n in body.nomination_ids]
        except ValueError:
            raise InvalidInput("nomination_ids", "each must be a UUID") from None
    elif body.cycle_year is not None:
        page = app.runner.board_view.page_of(BoardQuery(cycle_year=body.cycle_year, limit=100_000))
        nids = [UUID(r["nomination_id"]) for r in page.rows]
    else:
        raise InvalidInput("nomination_ids", "give nomination_ids or cycle_year")
    return [
        WhatIfRow(
            nomination_id=str(r.nomination_id),
            unit_code=r.unit_code,
            criterion_id=r.criterion_id,
            title=criterion_title(rules, r.criterion_id),
            basis=r.basis,
            current_outcome=r.current_outcome,
            current_rule_set=r.current_rule_set,
            what_if_outcome=r.what_if_outcome,
            what_if_rule_set=r.what_if_rule_set,
            explanation=r.explanation,
            changed=r.changed,
        )
        for r in app.service.what_if(nids, rules)
    ]


@router.read(
    "/audit/board", Page[BoardThen], "The board as it stood at a moment, replayed from the log"
)
def board_then(
    app: State,
    auditor: Auditor,
    as_of: Annotated[datetime, Query()],
    stage: Annotated[str | None, Query(max_length=40)] = None,
    cycle: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Page[BoardThen]:
    if as_of.tzinfo is None:
        raise InvalidInput("as_of", "must include a time zone")
    page = board_as_of(app.service, as_of, BoardQuery(stage=stage, cycle_year=cycle, limit=100_000))
    return Page[BoardThen](data=[BoardThen.model_validate(r) for r in page.rows], count=page.count)


Reader = Annotated[
    Principal, Depends(require_role(Role.AUDITOR, Role.PROVINCE_REVIEWER, Role.ADMIN))
]


@router.read(
    "/statistics",
    StatisticsPublic,
    "Criterion pass rates, and council decisions under the authority then in force",
)
def statistics(
    app: State,
    _: Reader,
    cycle_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    district_code: Annotated[str | None, Query(max_length=64)] = None,
    after: After = None,
) -> StatisticsPublic:
    app.wait_for(after, "statistics")
    view = app.runner.statistics_view
    decisions = by_authority(
        view.decisions(cycle_year, district_code), app.service.default_rule_set.authority_on
    )
    return StatisticsPublic(
        pass_rates=[
            PassRatePublic.model_validate(r) for r in view.pass_rates(cycle_year, district_code)
        ],
        decisions=[DecisionCountPublic.model_validate(d) for d in decisions],
    )
