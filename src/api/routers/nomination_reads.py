"""Reading dossiers: the board (keyset-paged, scoped), a dossier now or as it was, its
checks preview, its raw history and its evidence files."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.responses import FileResponse

from api.access import (
    EVERYONE_READS,
    in_scope,
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
    writes_as,
)
from api.evidence import (
    ALLOWED_TYPES,
    EvidenceStore,
)
from api.names import criterion_title
from api.personal import named_rows, visible_person, visible_representative
from api.routes import Cursor, Limit, Router
from api.schemas.audit import EventPublic
from api.schemas.common import Page, Text
from api.schemas.nominations import (
    AwardDecisionPublic,
    BoardRow,
    CheckPublic,
    ComplaintPublic,
    DecisionPublic,
    EvidenceEntry,
    FiguresPublic,
    NominationPublic,
    OverridePublic,
    PreviewCheck,
    RecommendationPublic,
    ReviewPublic,
    RevocationPublic,
    RuleSetRefPublic,
    SummedPart,
    VisitPublic,
)
from api.schemas.submissions import RecoveryPublic
from domain.context import Role
from domain.criteria.ruleset import RuleSet
from domain.errors import InvalidInput, NominationNotFound, NotFound
from domain.summaries import NominationSummary
from projections.board import BoardQuery, Visibility, is_overdue
from service.people import ERASED

router = Router(prefix="/nominations", dependencies=[Depends(nomination_in_scope)], tag="everyone")
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
    person = visible_person(app, principal, n.unit_code)
    return NominationPublic(
        id=str(n.id),
        unit_code=n.unit_code,
        unit_name=(person.full_name or ERASED) if person else n.unit_name,
        person=person,
        representative=visible_representative(app, principal, n.unit_code, n.unit_kind),
        recovery=_recovery(app, n),
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
        recommendation=RecommendationPublic.model_validate(n.recommendation)
        if n.recommendation
        else None,
        award_decision=AwardDecisionPublic.model_validate(n.award_decision)
        if n.award_decision
        else None,
        decided_under=n.decided_under,
        revocation=RevocationPublic.model_validate(n.revocation) if n.revocation else None,
        requested_changes=n.requested_changes,
        missed_deadlines=n.missed_deadlines,
        chain_head=n.chain_head,
        created_on=n.created_on,
        modified_on=n.modified_on,
    )


@router.read("", Page[BoardRow], "The board: nominations the caller may see")
def board(
    app: State,
    principal: Caller,
    after: After = None,
    stage: Annotated[str | None, Query(max_length=40)] = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    district: Annotated[str | None, Query(max_length=64)] = None,
    cycle: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    overdue: Annotated[bool, Query()] = False,
    limit: Limit = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    cursor: Cursor = None,
) -> Page[BoardRow]:
    rules = app.service.default_rule_set
    app.wait_for(after, "board")
    view = app.runner.board_view
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
            for r in named_rows(app, principal, page.rows)
        ],
        count=page.count,
        next=_cursor_after(last) if last else None,
    )


def _recovery(app: AppState, n: NominationSummary) -> RecoveryPublic | None:
    found = app.service.get_recovery(n.id) if n.outcome == "revoked" else None
    if found is None:
        return None
    return RecoveryPublic.model_validate({k: found[k] for k in RecoveryPublic.model_fields})


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
        raise InvalidInput("cursor", "is not a cursor this route gave") from None


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


@router.read(
    "/{nomination_id}",
    NominationPublic,
    "A nomination now, at a version (?version=N) or at a moment (?as_of=ISO 8601)",
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
        from domain.errors import InvalidInput

        raise InvalidInput("as_of", "give either version or as_of, not both")
    if version is None and as_of is None:
        n = in_scope(request, app, principal, nomination_id)
    else:
        n = readable(app, principal, nomination_id, version=version, as_of=as_of)
    decided_on = date.fromisoformat(n.decision["decision_date"]) if n.decision else app.clock()
    found = app.service.default_rule_set.authority_on(decided_on)
    authority = Text(vi=found.vi, en=found.en) if found else None
    return nomination_public(n, principal, app, authority)


@router.read(
    "/{nomination_id}/evidence/{sha256}",
    None,
    "Download an evidence file, as an attachment",
    response_class=FileResponse,
    responses={200: {"content": {t: {} for t in ALLOWED_TYPES}}},
)
def download_evidence(
    nomination_id: NominationId,
    sha256: Annotated[str, Path(pattern="^[0-9a-f]{64}$")],
    request: Request,
    app: State,
    principal: Caller,
) -> FileResponse:
    n = in_scope(request, app, principal, nomination_id)
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


@router.read(
    "/{nomination_id}/checks-preview",
    Page[PreviewCheck],
    "The automatic checks as submission would run them now; writes nothing",
    tag="unit officer",
)
def preview(nomination_id: NominationId, app: State, principal: Caller) -> Page[PreviewCheck]:
    # The router's guard (nomination_in_scope) has answered 404 to a caller out of scope.
    data = [PreviewCheck.model_validate(c) for c in app.service.preview_checks(nomination_id)]
    return Page[PreviewCheck](data=data, count=len(data))


@router.read(
    "/{nomination_id}/events", Page[EventPublic], "The raw history, event by event", tag="auditor"
)
def events(nomination_id: NominationId, app: State, principal: Caller) -> Page[EventPublic]:
    # The router's guard (nomination_in_scope) has answered 404 to a caller out of scope.
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
