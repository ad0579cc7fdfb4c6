"""The decision chain after the council (docs/spec.md §12): the province reviewer prepares a
submission of what a session recommended; the competent chairman decides it."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Depends, HTTPException, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.deps import After, AppState, Caller, Command, Principal, State, writes_as, written
from api.issuing import decision_of_submission, submission_document
from api.personal import named_rows
from api.routes import Router
from api.schemas.common import Page, Written
from api.schemas.submissions import (
    DecidedItem,
    DecisionIn,
    RecommendedGroup,
    SubmissionCreate,
    SubmissionItemPublic,
    SubmissionPublic,
    SubmissionRow,
    SubmissionWritten,
)
from domain.context import Role
from domain.errors import InvalidInput
from domain.submission import Signer

router = Router(prefix="/submissions", tag="province reviewer")
AsReviewer = Annotated[Command, Depends(writes_as(Role.PROVINCE_REVIEWER))]
AsAuthority = Annotated[Command, Depends(writes_as(Role.AWARDING_AUTHORITY))]
SubmissionId = Annotated[UUID, Path(description="the submission's id")]
# Who reads every submission: the office that prepares them, the council's secretary, auditors.
OFFICE = (Role.PROVINCE_REVIEWER, Role.COUNCIL_SECRETARY, Role.AUDITOR)


def _authorities_of(principal: Principal) -> list[str] | None:
    """The authorities whose submissions the caller reads: None for all."""
    if principal.has(*OFFICE):
        return None
    if principal.has(Role.AWARDING_AUTHORITY):
        return [s for s in principal.scopes(Role.AWARDING_AUTHORITY) if s]
    raise HTTPException(403, "needs the role province_reviewer, auditor or awarding_authority")


def _uuid(field: str, value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise InvalidInput(field, f"{value!r} is not an id") from None


@router.post_once(
    "",
    "Prepare a submission of what a session recommended",
    created=True,
    response_model=SubmissionWritten,
)
def prepare(body: SubmissionCreate, cmd: AsReviewer) -> SubmissionWritten:
    ids = [_uuid("nomination_ids", n) for n in body.nomination_ids]
    session_id = _uuid("session_id", body.session_id)
    result = cmd.service.prepare_submission(cmd.context, session_id, ids, body.summary)
    number = str(cmd.service.get_submission(result.id)["number"])
    return SubmissionWritten(**written(result).model_dump(), number=number)


@router.read(
    "",
    Page[SubmissionRow],
    "Submissions: to the caller's authority, or all for the office; waiting ones first",
    tag="awarding authority",
)
def submissions(
    app: State,
    principal: Caller,
    after: After = None,
    state: Annotated[Literal["waiting", "decided"] | None, Query()] = None,
) -> Page[SubmissionRow]:
    app.wait_for(after, "council_agenda")
    rows = app.runner.council_agenda_view.submissions(_authorities_of(principal), state)
    data = [SubmissionRow.model_validate(r) for r in rows]
    return Page[SubmissionRow](data=data, count=len(data))


@router.read(
    "/recommended",
    Page[RecommendedGroup],
    "Closed sessions' recommendations that wait for a submission, newest session first",
)
def recommended_groups(
    app: State, principal: Caller, after: After = None
) -> Page[RecommendedGroup]:
    if _authorities_of(principal) is not None:
        raise HTTPException(403, "needs the role province_reviewer, council_secretary or auditor")
    app.wait_for(after, "council_agenda")
    groups = []
    for session in app.runner.council_agenda_view.sessions_that_approved():
        items = named_rows(app, principal, app.service.recommended(UUID(session["session_id"])))
        if items:
            groups.append(RecommendedGroup.model_validate({**session, "items": items}))
    return Page[RecommendedGroup](data=groups, count=len(groups))


@router.read(
    "/recommended/{session_id}",
    Page[SubmissionItemPublic],
    "What a closed session recommended that waits for a submission and a decision",
)
def recommended(
    session_id: Annotated[UUID, Path()], app: State, principal: Caller
) -> Page[SubmissionItemPublic]:
    if _authorities_of(principal) is not None:
        raise HTTPException(403, "needs the role province_reviewer, council_secretary or auditor")
    found = named_rows(app, principal, app.service.recommended(session_id))
    items = [SubmissionItemPublic.model_validate(i) for i in found]
    return Page[SubmissionItemPublic](data=items, count=len(items))


def _readable(app: AppState, principal: Principal, submission_id: UUID) -> dict[str, Any]:
    """The submission, for the office, the secretary, auditors and its own authority."""
    found = app.service.get_submission(submission_id)
    readable = _authorities_of(principal)
    if readable is not None and found["authority"]["id"] not in readable:
        raise HTTPException(403, "the submission is to another authority")
    return found


@router.read("/{submission_id}", SubmissionPublic, "A submission, and its decision once made")
def get_submission(submission_id: SubmissionId, app: State, principal: Caller) -> SubmissionPublic:
    found = _readable(app, principal, submission_id)
    if found["state"] == "waiting":  # what would stop an award now (docs/spec.md §5)
        for item in found["items"]:
            held = app.service.holds_of(str(item["unit_code"]))
            item["holds"] = [h for h in held if h["cleared"] is None]
    found["items"] = named_rows(app, principal, found["items"])
    return SubmissionPublic.model_validate(found)


@router.post_once(
    "/{submission_id}/decision",
    "Decide a submission: each dossier awarded or not, with a reason; numbered when signed",
    tag="awarding authority",
)
def decide(submission_id: SubmissionId, body: DecisionIn, cmd: AsAuthority) -> Written:
    def reasons(field: str, items: list[DecidedItem]) -> dict[str, str]:
        given: dict[str, str] = {}
        for item in items:
            nid = str(_uuid(field, item.nomination_id))
            if nid in given:
                raise InvalidInput(field, f"{nid} is named twice")
            given[nid] = item.reason
        return given

    result = cmd.service.decide_submission(
        cmd.context,
        submission_id,
        body.signed_on,
        Signer(body.signer_title, body.signer_name),
        reasons("awarded", body.awarded),
        reasons("not_awarded", body.not_awarded),
        body.decision_number,
    )
    return written(result)


@router.read(
    "/{submission_id}/submission.pdf",
    None,
    "The office's submission (Tờ trình) as a document (PDF), as prepared",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def submission_pdf(submission_id: SubmissionId, app: State, principal: Caller) -> Response:
    await run_in_threadpool(_readable, app, principal, submission_id)
    return await run_in_threadpool(submission_document, app, submission_id)


@router.read(
    "/{submission_id}/decision.pdf",
    None,
    "The chairman's decision on a submission (PDF), as recorded when signed",
    tag="awarding authority",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def decision_pdf(submission_id: SubmissionId, app: State, principal: Caller) -> Response:
    await run_in_threadpool(_readable, app, principal, submission_id)
    return await run_in_threadpool(decision_of_submission, app, submission_id)
