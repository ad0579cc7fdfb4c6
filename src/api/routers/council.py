"""Council sessions: the secretary's agenda and the members' ballots."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path

from api.deps import (
    After,
    AppState,
    Caller,
    Command,
    State,
    writes_as,
    written,
)
from api.routes import Cursor, Limit, Router
from api.schemas.common import Page, Written
from api.schemas.council import (
    AgendaIn,
    DeadlineIn,
    ItemPublic,
    SessionCreate,
    SessionPublic,
    SessionRow,
    VoteIn,
)
from domain.context import Role
from domain.errors import InvalidInput, SessionNotFound

router = Router(prefix="/council/sessions", tag="council secretary")
AsSecretary = Annotated[Command, Depends(writes_as(Role.COUNCIL_SECRETARY))]
AsMember = Annotated[Command, Depends(writes_as(Role.COUNCIL_MEMBER))]
SessionId = Annotated[UUID, Path()]


@router.post_once("", "Schedule a council session", created=True)
def schedule(body: SessionCreate, cmd: AsSecretary) -> Written:
    result = cmd.service.schedule_council_session(
        cmd.context,
        body.title,
        body.scheduled_for,
        body.members,
        body.award_form,
        body.scope,
    )
    return written(result)


@router.read(
    "",
    Page[SessionRow],
    "The sessions the caller sits on (all, for the secretary): open ones first, then the newest",
    tag="council member",
)
def sessions(
    app: State,
    principal: Caller,
    after: After = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> Page[SessionRow]:
    app.wait_for(after, "council_agenda")
    view = app.runner.council_agenda_view
    everyone = principal.has(Role.COUNCIL_SECRETARY, Role.AUDITOR)
    keyset = None
    if cursor is not None:
        parts = cursor.split("|")
        if len(parts) != 3 or parts[0] not in ("0", "1") or not all(parts):
            raise InvalidInput("cursor", "is not a cursor this route gave")
        keyset = (int(parts[0]), parts[1], parts[2])
    found, count = view.sessions_page(
        None if everyone else principal.username, limit=limit, after=keyset
    )
    following = None
    if len(found) == limit:
        last = found[-1]
        following = f"{last['open_last']}|{last['scheduled_for']}|{last['session_id']}"
    data = [
        SessionRow.model_validate({k: v for k, v in s.items() if k != "open_last"}) for s in found
    ]
    return Page[SessionRow](data=data, count=count, next=following)


@router.read(
    "/{session_id}",
    SessionPublic,
    "A session and its agenda; ballots stay secret, tallies show once closed",
    tag="council member",
)
def get_session(session_id: SessionId, app: State, principal: Caller) -> SessionPublic:
    s = app.service.get_session(session_id)
    if not (principal.has(Role.COUNCIL_SECRETARY, Role.AUDITOR) or principal.username in s.members):
        raise SessionNotFound(session_id)  # scope as absence: as if it did not exist
    closed = s.state == "closed"
    items = [
        ItemPublic(
            nomination_id=item,
            voted=s.participation.get(item, []),
            not_voted=sorted(set(s.members) - set(s.participation.get(item, []))),
            recused=s.recusal_reasons.get(item, {}),
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
        names={m: _name_of(app, m) for m in s.members},
        award_form=s.award_form,
        council_level=s.council_level,
        scope=s.scope,
        state=s.state,
        closes_at=s.closes_at,
        items=items,
        voting_rule=s.voting_rule,
        version=s.version,
        attendance=s.attendance(),
        signed_decisions=s.signed_decisions,
    )


@router.post_once("/{session_id}/agenda", "Put a nomination on the agenda")
def add_item(session_id: SessionId, body: AgendaIn, cmd: AsSecretary) -> Written:
    ctx = cmd.context
    return written(cmd.service.add_to_agenda(ctx, session_id, UUID(body.nomination_id)))


@router.post_once("/{session_id}/open", "Open the session for voting")
def open_session(session_id: SessionId, cmd: AsSecretary) -> Written:
    return written(cmd.service.open_session(cmd.context, session_id))


@router.post_once("/{session_id}/closing-deadline", "Set when voting closes")
def closing_deadline(session_id: SessionId, body: DeadlineIn, cmd: AsSecretary) -> Written:
    ctx = cmd.context
    return written(cmd.service.set_closing_deadline(ctx, session_id, body.closes_at))


@router.post_once(
    "/{session_id}/reminders",
    "Remind now the members who have not voted (sent and recorded by the workflow)",
    created=True,
)
def remind(session_id: SessionId, cmd: AsSecretary) -> Written:
    return written(cmd.service.request_session_reminder(cmd.context, session_id))


@router.post_once(
    "/{session_id}/close",
    "Close the session: the council's recommendation on every item; the chairman decides later",
)
def close(session_id: SessionId, cmd: AsSecretary) -> Written:
    return written(cmd.service.close_session(cmd.context, session_id))


@router.post_once("/{session_id}/votes", "Cast a ballot", created=True, tag="council member")
def vote(session_id: SessionId, body: VoteIn, cmd: AsMember) -> Written:
    ctx = cmd.context
    result = cmd.service.cast_vote(
        ctx, session_id, UUID(body.nomination_id), body.choice, body.reason, body.in_writing
    )
    return written(result)


def _name_of(app: AppState, username: str) -> str:
    account = app.service.find_account(username)
    return account.display_name if account and account.display_name else username
