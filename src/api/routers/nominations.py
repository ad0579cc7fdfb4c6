# Over 400 lines: the board, a dossier and the officer's writes share their guards and schemas.
"""Nominations: the board, a dossier, and the unit officer's work on it."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse

from api.access import (
    EVERYONE_READS,
    nomination_in_scope,
    readable,
    sees_complainants,
    without_complainant,
)
from api.deps import (
    After,
    AppState,
    Caller,
    Command,
    NominationId,
    Principal,
    State,
    idempotent_write,
    remember,
    replay_of,
    request_digest,
    writes_as,
    written,
)
from api.evidence import (
    ALLOWED_TYPES,
    EvidenceStore,
    TooLarge,
    WrongType,
    check_content,
    receive_upload,
    upload_body,
)
from api.names import criterion_title
from api.schemas.audit import EventPublic
from api.schemas.common import Page, Text, Written
from api.schemas.nominations import (
    BoardRow,
    CheckPublic,
    ComplaintPublic,
    DecisionPublic,
    EvidenceEntry,
    EvidencePublic,
    FiguresPublic,
    NominationCreate,
    NominationPublic,
    OverridePublic,
    PreviewCheck,
    ReportIn,
    ReviewPublic,
    RevocationPublic,
    RuleSetRefPublic,
    StatisticsIn,
    SummedPart,
    VisitPublic,
    WithdrawIn,
)
from domain.context import Role
from domain.criteria.ruleset import RuleSet
from domain.errors import InvalidNomination, NominationNotFound, NotFound
from domain.summaries import NominationSummary
from projections.board import BoardQuery, Visibility, is_overdue

router = APIRouter(prefix="/nominations", dependencies=[Depends(nomination_in_scope)])
AsOfficer = Annotated[Command, Depends(writes_as(Role.UNIT_OFFICER))]


def nomination_public(
    n: NominationSummary, principal: Principal, app: AppState, authority: Text | None = None
) -> NominationPublic:
    """The nomination as this caller may see it: complainants only for those who may know.
    Criteria are named from the rule set each check cites; people by their accounts."""
    complaints = n.complaints
    names: dict[str, str | None] = {}

    def name_of(username: str | None) -> str | None:
        if username is None:
            return None
        if username not in names:
            account = app.service.find_account(username)
            names[username] = account.display_name if account and account.display_name else None
        return names[username]

    def check(c: dict[str, Any]) -> CheckPublic:
        ref = c["rule_set"]
        try:
            title = criterion_title(
                app.service.rule_set(ref["id"], ref["version"]), c["criterion_id"]
            )
        except NotFound:
            title = None
        return CheckPublic.model_validate({**c, "title": title})

    if not sees_complainants(principal):
        complaints = {cid: without_complainant(c) for cid, c in complaints.items()}
    return NominationPublic(
        id=str(n.id),
        unit_code=n.unit_code,
        unit_name=n.unit_name,
        unit_kind=n.unit_kind,
        district_code=n.district_code,
        award_form=n.award_form,
        cycle_year=n.cycle_year,
        evaluation_years=list(n.evaluation_years),
        rule_set=RuleSetRefPublic.model_validate(n.rule_set),
        stage=n.stage,
        outcome=n.outcome,
        due_at=n.due_on,
        version=n.version,
        statistics={y: FiguresPublic.model_validate(f) for y, f in n.statistics.items()},
        verified_statistics={
            y: FiguresPublic.model_validate(f) for y, f in n.verified_statistics.items()
        },
        official_statistics={
            y: FiguresPublic.model_validate(f) for y, f in n.official_statistics.items()
        },
        official_differences=n.official_differences,
        deciding_authority=authority,
        summed_from={
            y: [SummedPart.model_validate(p) for p in parts] for y, parts in n.summed_from.items()
        },
        checks=[check(c) for c in n.checks],
        check_history=[check(c) for c in n.check_history],
        overrides={
            k: OverridePublic.model_validate({**v, "by_name": name_of(v.get("by"))})
            for k, v in n.overrides.items()
        },
        working_days_left=app.working_days_to(n.due_on) if n.outcome is None else None,
        reviews=[
            ReviewPublic.model_validate({**r, "by_name": name_of(r["by"])}) for r in n.reviews
        ],
        evidence={k: EvidenceEntry.model_validate(v) for k, v in n.evidence.items()},
        achievement_report=n.achievement_report,
        visits={k: VisitPublic.model_validate(v) for k, v in n.visits.items()},
        complaints={k: ComplaintPublic.model_validate(v) for k, v in complaints.items()},
        agenda_session_id=n.agenda_session_id,
        decision=DecisionPublic.model_validate(n.decision) if n.decision else None,
        revocation=RevocationPublic.model_validate(n.revocation) if n.revocation else None,
        requested_changes=n.requested_changes,
        missed_deadlines=n.missed_deadlines,
        chain_head=n.chain_head,
        created_on=n.created_on,
        modified_on=n.modified_on,
    )


# --- reading -----------------------------------------------------------------------------


@router.get(
    "",
    tags=["everyone"],
    response_model=Page[BoardRow],
    summary="The board: nominations the caller may see",
)
def board(
    app: State,
    principal: Caller,
    after: After = None,
    stage: Annotated[str | None, Query(max_length=40)] = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    district: Annotated[str | None, Query(max_length=64)] = None,
    cycle: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    overdue: Annotated[bool, Query()] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    cursor: Annotated[
        str | None,
        Query(max_length=300, description="the `next` of the previous page, for the one after"),
    ] = None,
) -> Page[BoardRow]:
    rules = app.service.default_rule_set
    app.wait_for(after, "board")
    view = app.runner.view("board")
    on = app.clock()
    lineage = _lineage(app, unit) if unit else ()
    query = BoardQuery(
        stage,
        unit,
        district,
        cycle,
        on if overdue else None,
        limit,
        offset,
        lineage,
        visibility_of(principal),
        board_keyset(cursor),
    )
    page = view.page_of(query)  # filtered by scope, sorted and paged in SQL
    last = page.rows[-1] if len(page.rows) == limit else None
    return Page[BoardRow](
        data=[
            BoardRow.model_validate(
                {**_board_row(r, on, rules), "working_days_left": app.working_days_to(r["due_on"])}
            )
            for r in page.rows
        ],
        count=page.count,
        next=_cursor_after(last) if last else None,
    )


def _cursor_after(row: dict[str, Any]) -> str:
    """The keyset of a board row, as an opaque cursor."""
    parts = [row["cycle_year"], row["district_code"] or "", row["unit_code"]]
    parts += [row["award_form"], row["nomination_id"]]
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode()


def board_keyset(cursor: str | None) -> tuple[int, str, str, str, str] | None:
    if cursor is None:
        return None
    try:
        cycle, district, unit, form, nid = json.loads(base64.urlsafe_b64decode(cursor))
        return int(cycle), str(district), str(unit), str(form), str(nid)
    except (ValueError, TypeError):
        raise InvalidNomination("cursor", "is not a cursor this route gave") from None


def visibility_of(principal: Principal) -> Visibility:
    """The rows a caller may see, as the board's SQL asks for them (the same rule as
    ``may_read`` for one nomination)."""
    if principal.has(*EVERYONE_READS):
        return Visibility(everything=True)
    return Visibility(
        unit_scopes=tuple(s for s in principal.scopes(Role.UNIT_OFFICER) if s),
        districts=tuple(s for s in principal.scopes(Role.DISTRICT_REVIEWER) if s),
        teams=tuple(s for s in principal.scopes(Role.INSPECTOR) if s),
        member=principal.username if principal.has(Role.COUNCIL_MEMBER) else None,
    )


def _lineage(app: AppState, code: str) -> tuple[str, ...]:
    """A unit's forebears and heirs across reorganisations: filtering by an old unit finds
    the new one's dossiers, and by a new unit its predecessors'."""
    units = app.service.units
    if not app.service.knows_unit(code):
        return ()
    found: set[str] = set()
    for step in (units.predecessors, units.successors):  # back in time, then forward
        todo = [code]
        while todo:
            for linked in step(todo.pop()):
                if linked.code not in found:
                    found.add(linked.code)
                    todo.append(linked.code)
    return tuple(sorted(found - {code}))


def _board_row(row: dict[str, Any], on: date, rules: RuleSet) -> dict[str, Any]:
    shown = {k: v for k, v in row.items() if k != "version"}
    shown["overdue"] = is_overdue(row, on)
    decided = row.get("decided_on")
    authority = rules.authority_on(date.fromisoformat(decided) if decided else on)
    shown["deciding_authority"] = {"vi": authority.vi, "en": authority.en} if authority else None
    return shown


@router.get(
    "/{nomination_id}",
    tags=["everyone"],
    response_model=NominationPublic,
    summary="A nomination now, at a version (?version=N) or at a moment (?as_of=ISO 8601)",
)
def get_nomination(
    nomination_id: NominationId,
    request: Request,
    app: State,
    principal: Caller,
    version: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
    as_of: Annotated[datetime | None, Query()] = None,
) -> NominationPublic:
    if version is not None and as_of is not None:
        from domain.errors import InvalidNomination

        raise InvalidNomination("as_of", "give either version or as_of, not both")
    now = version is None and as_of is None
    n = getattr(request.state, "nomination", None) if now else None
    if n is None:
        n = readable(app, principal, nomination_id, version=version, as_of=as_of)
    decided_on = date.fromisoformat(n.decision["decision_date"]) if n.decision else app.clock()
    found = app.service.default_rule_set.authority_on(decided_on)
    authority = Text(vi=found.vi, en=found.en) if found else None
    return nomination_public(n, principal, app, authority)


# --- the unit officer ------------------------------------------------------------------------


@router.post(
    "", tags=["unit officer"], status_code=201, response_model=Written, summary="Open a nomination"
)
@idempotent_write
def open_nomination(body: NominationCreate, cmd: AsOfficer) -> Written:
    ctx = cmd.context
    result = cmd.service.open_nomination(ctx, body.unit_code, body.award_form, body.cycle_year)
    return written(result, stage=cmd.service.get_nomination(result.id).stage)


@router.put(
    "/{nomination_id}/statistics/{year}",
    tags=["unit officer"],
    response_model=Written,
    summary="Record a year's poverty statistics",
)
@idempotent_write
def record_statistics(
    nomination_id: NominationId,
    year: Annotated[int, Path(ge=2000, le=2100)],
    body: StatisticsIn,
    cmd: AsOfficer,
) -> Written:
    result = cmd.service.record_statistics(
        cmd.context,
        nomination_id,
        year,
        body.model_dump(mode="json", exclude_none=True),
    )
    return written(result)


@router.put(
    "/{nomination_id}/achievement-report",
    tags=["unit officer"],
    response_model=Written,
    summary="Write the achievement report",
)
@idempotent_write
def write_report(nomination_id: NominationId, body: ReportIn, cmd: AsOfficer) -> Written:
    ctx = cmd.context
    return written(cmd.service.write_achievement_report(ctx, nomination_id, body.text))


UPLOAD_BODY = upload_body("PDF, JPEG, PNG, DOCX or XLSX (no macros)")


@router.post(
    "/{nomination_id}/evidence",
    tags=["unit officer"],
    status_code=201,
    response_model=EvidencePublic,
    summary="Upload a document; it is stored by its SHA-256, the same bytes once",
    openapi_extra=UPLOAD_BODY,
    responses={
        413: {"description": "the file is larger than the upload limit"},
        415: {"description": "the type is not accepted, or the bytes are not of that type"},
    },
)
async def upload_evidence(
    nomination_id: NominationId, app: State, cmd: AsOfficer
) -> EvidencePublic | JSONResponse:
    """Who may upload, to which dossier and in which stage is settled before a byte of the
    body is read; the file is checked before it is kept, and a refused one leaves nothing."""
    ctx, config = cmd.context, app.settings
    held = await run_in_threadpool(cmd.service.check_may_attach_evidence, ctx, nomination_id)
    if len(held) >= config.upload_quota_files:
        raise InvalidNomination(
            "file", f"a nomination holds at most {config.upload_quota_files} files"
        )
    store = EvidenceStore(config.uploads_dir, config.upload_max_bytes)
    try:
        upload = await receive_upload(cmd.request, store)
    except TooLarge as refused:
        raise HTTPException(413, str(refused)) from None
    pending = upload.pending
    try:
        if upload.media_type not in ALLOWED_TYPES:
            raise HTTPException(
                415,
                f"file: {upload.media_type or 'unknown type'} is not allowed"
                f" ({', '.join(ALLOWED_TYPES)})",
            )
        try:
            check_content(pending.path, upload.media_type)
        except WrongType as wrong:
            raise HTTPException(415, f"file: {wrong}") from None
        if sum(e["size"] for e in held.values()) + pending.size > config.upload_quota_bytes:
            raise HTTPException(
                413, f"file: a nomination holds at most {config.upload_quota_bytes} bytes"
            )
        request_hash = request_digest(
            sha256=pending.sha256, filename=upload.filename, media_type=upload.media_type
        )
        replay = await run_in_threadpool(replay_of, cmd, request_hash)
        if replay is not None:
            pending.discard()
            return replay
        kept = pending.keep()
    except BaseException:
        pending.discard()
        raise
    try:
        await run_in_threadpool(
            cmd.service.attach_evidence,
            ctx,
            nomination_id,
            kept.sha256,
            upload.filename,
            upload.media_type,
            kept.size,
        )
    except BaseException:
        if kept.stored:
            store.path_of(kept.sha256).unlink(missing_ok=True)
        raise
    answer = EvidencePublic(
        sha256=kept.sha256,
        filename=upload.filename,
        media_type=upload.media_type,
        size=kept.size,
        stored=kept.stored,
    )
    await run_in_threadpool(remember, cmd, 201, answer, request_hash)
    return answer


@router.get(
    "/{nomination_id}/evidence/{sha256}",
    tags=["everyone"],
    response_class=FileResponse,
    responses={200: {"content": {t: {} for t in ALLOWED_TYPES}}},
    summary="Download an evidence file, as an attachment",
)
def download_evidence(
    nomination_id: NominationId,
    sha256: Annotated[str, Path(pattern="^[0-9a-f]{64}$")],
    app: State,
    principal: Caller,
) -> FileResponse:
    n = readable(app, principal, nomination_id)
    entry = n.evidence.get(sha256)
    path = EvidenceStore(app.settings.uploads_dir, 0).path_of(sha256)
    if entry is None or not path.is_file():
        raise NotFound(f"no evidence {sha256} on this nomination")
    return FileResponse(
        path,
        media_type=entry["media_type"],
        filename=entry["filename"],
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"},
    )


@router.post(
    "/{nomination_id}/submit",
    tags=["unit officer"],
    response_model=Written,
    summary="Submit: runs every automatic check",
)
@idempotent_write
def submit(nomination_id: NominationId, cmd: AsOfficer) -> Written:
    result = cmd.service.submit_nomination(cmd.context, nomination_id)
    n = cmd.service.get_nomination(nomination_id)
    return written(result, stage=n.stage, extra={"checks": n.checks})


@router.post(
    "/{nomination_id}/withdraw",
    tags=["unit officer"],
    response_model=Written,
    summary="Withdraw a nomination in collection",
)
@idempotent_write
def withdraw(nomination_id: NominationId, body: WithdrawIn, cmd: AsOfficer) -> Written:
    ctx = cmd.context
    result = cmd.service.withdraw_nomination(ctx, nomination_id, body.reason)
    return written(result, stage="closed")


@router.get(
    "/{nomination_id}/checks-preview",
    tags=["unit officer"],
    response_model=Page[PreviewCheck],
    summary="The automatic checks as submission would run them now; writes nothing",
)
def preview(nomination_id: NominationId, app: State, principal: Caller) -> Page[PreviewCheck]:
    readable(app, principal, nomination_id)
    data = [PreviewCheck.model_validate(c) for c in app.service.preview_checks(nomination_id)]
    return Page[PreviewCheck](data=data, count=len(data))


@router.get(
    "/{nomination_id}/events",
    tags=["auditor"],
    response_model=Page[EventPublic],
    summary="The raw history, event by event",
)
def events(nomination_id: NominationId, app: State, principal: Caller) -> Page[EventPublic]:
    readable(app, principal, nomination_id)
    sees = sees_complainants(principal)
    data = [
        EventPublic(
            version=e.version,
            type=e.topic.rsplit(".", 1)[-1],
            timestamp=e.timestamp.isoformat(),
            actor_id=e.actor_id,
            actor_role=e.actor_role,
            correlation_id=e.correlation_id,
            command_id=e.command_id,
            prev_hash=e.prev_hash,
            digest=e.digest,
            payload=_safe(e.payload if sees else without_complainant(e.payload)),
        )
        for e in app.service.history(nomination_id)
    ]
    if not data:
        raise NominationNotFound(nomination_id)
    return Page[EventPublic](data=data, count=len(data))


def _safe(payload: dict[str, Any]) -> dict[str, Any]:
    import json

    public: dict[str, Any] = json.loads(json.dumps(payload, default=str))
    return public
