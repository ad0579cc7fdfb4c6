"""Council sessions: the secretary's agenda and the members' ballots."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from api.deps import After, Caller, Principal, State, command, idempotent, require_role, written
from api.schemas.common import Written
from api.schemas.council import (
    AgendaIn,
    CloseIn,
    DeadlineIn,
    ItemPublic,
    SessionCreate,
    SessionPublic,
    VoteIn,
)
from domain.context import Role
from domain.errors import JurisdictionError

router = APIRouter(prefix="/council/sessions")
Secretary = Annotated[Principal, Depends(require_role(Role.COUNCIL_SECRETARY))]
Member = Annotated[Principal, Depends(require_role(Role.COUNCIL_MEMBER))]
SessionId = Annotated[UUID, Path()]


@router.post(
    "",
    tags=["council secretary"],
    status_code=201,
    response_model=Written,
    summary="Schedule a council session",
)
def schedule(
    body: SessionCreate, request: Request, app: State, secretary: Secretary
) -> JSONResponse:
    def produce() -> dict[str, Any]:
        result = app.service.schedule_council_session(
            command(request, secretary, Role.COUNCIL_SECRETARY),
            body.title,
            body.scheduled_for,
            body.members,
            body.award_form,
            body.scope,
        )
        return written(result)

    return idempotent(app, request, secretary, 201, produce)


@router.get(
    "", tags=["council member"], summary="The sessions the caller sits on (all, for the secretary)"
)
def sessions(
    app: State,
    principal: Caller,
    after: After = None,
) -> dict[str, Any]:
    app.wait_for(after, "council_agenda")
    view = app.runner.view("council_agenda")
    everyone = principal.has(Role.COUNCIL_SECRETARY, Role.AUDITOR)
    found = view.sessions_for_member(None if everyone else principal.username)
    data = [
        {k: s[k] for k in ("session_id", "title", "scheduled_for", "award_form", "state")}
        for s in found
    ]
    return {"data": data, "count": len(data)}


@router.get(
    "/{session_id}",
    tags=["council member"],
    response_model=SessionPublic,
    summary="A session and its agenda; ballots stay secret, tallies show once closed",
)
def get_session(session_id: SessionId, app: State, principal: Caller) -> SessionPublic:
    s = app.service.get_session(session_id)
    if not (principal.has(Role.COUNCIL_SECRETARY, Role.AUDITOR) or principal.username in s.members):
        raise JurisdictionError(f"{principal.username} is not a member of this session")
    closed = s.state == "closed"
    items = [
        ItemPublic(
            nomination_id=item,
            voted=s.participation.get(item, []),
            not_voted=sorted(set(s.members) - set(s.participation.get(item, []))),
            outcome=s.results[item]["outcome"] if closed and item in s.results else None,
            tally=s.results[item]["tally"] if closed and item in s.results else None,
        )
        for item in s.agenda
    ]
    return SessionPublic(
        id=str(s.id),
        title=s.title,
        scheduled_for=s.scheduled_for,
        members=s.members,
        award_form=s.award_form,
        council_level=s.council_level,
        scope=s.scope,
        state=s.state,
        closes_at=s.closes_at,
        items=items,
        voting_rule=s.voting_rule,
        version=s.version,
    )


@router.post(
    "/{session_id}/agenda",
    tags=["council secretary"],
    response_model=Written,
    summary="Put a nomination on the agenda",
)
def add_item(
    session_id: SessionId, body: AgendaIn, request: Request, app: State, secretary: Secretary
) -> JSONResponse:
    def produce() -> dict[str, Any]:
        ctx = command(request, secretary, Role.COUNCIL_SECRETARY)
        return written(app.service.add_to_agenda(ctx, session_id, UUID(body.nomination_id)))

    return idempotent(app, request, secretary, 200, produce)


@router.post(
    "/{session_id}/open",
    tags=["council secretary"],
    response_model=Written,
    summary="Open the session for voting",
)
def open_session(
    session_id: SessionId, request: Request, app: State, secretary: Secretary
) -> JSONResponse:
    def produce() -> dict[str, Any]:
        return written(
            app.service.open_session(
                command(request, secretary, Role.COUNCIL_SECRETARY), session_id
            )
        )

    return idempotent(app, request, secretary, 200, produce)


@router.post(
    "/{session_id}/closing-deadline",
    tags=["council secretary"],
    response_model=Written,
    summary="Set when voting closes",
)
def closing_deadline(
    session_id: SessionId, body: DeadlineIn, request: Request, app: State, secretary: Secretary
) -> JSONResponse:
    def produce() -> dict[str, Any]:
        ctx = command(request, secretary, Role.COUNCIL_SECRETARY)
        return written(app.service.set_closing_deadline(ctx, session_id, body.closes_at))

    return idempotent(app, request, secretary, 200, produce)


@router.post(
    "/{session_id}/close",
    tags=["council secretary"],
    response_model=Written,
    summary="Close the session: every item is decided",
)
def close(
    session_id: SessionId, body: CloseIn, request: Request, app: State, secretary: Secretary
) -> JSONResponse:
    def produce() -> dict[str, Any]:
        ctx = command(request, secretary, Role.COUNCIL_SECRETARY)
        return written(app.service.close_session(ctx, session_id, body.decision_number))

    return idempotent(app, request, secretary, 200, produce)


@router.post(
    "/{session_id}/votes",
    tags=["council member"],
    status_code=201,
    response_model=Written,
    summary="Cast a ballot",
)
def vote(
    session_id: SessionId, body: VoteIn, request: Request, app: State, member: Member
) -> JSONResponse:
    def produce() -> dict[str, Any]:
        ctx = command(request, member, Role.COUNCIL_MEMBER)
        result = app.service.cast_vote(ctx, session_id, UUID(body.nomination_id), body.choice)
        return written(result)

    return idempotent(app, request, member, 201, produce)
