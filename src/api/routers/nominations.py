"""Writing a dossier as its unit officer: open it, record figures and the report, attach
evidence, submit, withdraw."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Path
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.access import (
    nomination_in_scope,
)
from api.deps import (
    Command,
    NominationId,
    State,
    writes_as,
    written,
)
from api.evidence import (
    EvidenceStore,
    Pending,
    Stored,
    Upload,
    upload_body,
)
from api.personal import nominated_person
from api.routes import Router
from api.schemas.common import Written
from api.schemas.nominations import (
    EvidencePublic,
    NominationCreate,
    ReportIn,
    StatisticsIn,
    WithdrawIn,
)
from api.uploads import attachment, evidence_answer, record_upload
from domain.context import Role
from domain.errors import InvalidInput

router = Router(
    prefix="/nominations", dependencies=[Depends(nomination_in_scope)], tag="unit officer"
)
AsOfficer = Annotated[Command, Depends(writes_as(Role.UNIT_OFFICER))]
UPLOAD_BODY = upload_body("PDF, JPEG, PNG, DOCX or XLSX (no macros)")


@router.post_once("", "Open a nomination", created=True)
def open_nomination(body: NominationCreate, cmd: AsOfficer) -> Written:
    ctx = cmd.context
    person = None if body.person_id is None else nominated_person(cmd.app, body.person_id)
    if person is not None and person.unit_code != body.unit_code:
        raise InvalidInput("unit_code", f"the person works at {person.unit_code}")
    result = cmd.service.open_nomination(
        ctx, body.unit_code, body.award_form, body.cycle_year, person.id if person else None
    )
    return written(result, stage=result.stage)


@router.put_once("/{nomination_id}/statistics/{year}", "Record a year's poverty statistics")
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


@router.put_once("/{nomination_id}/achievement-report", "Write the achievement report")
def write_report(nomination_id: NominationId, body: ReportIn, cmd: AsOfficer) -> Written:
    ctx = cmd.context
    return written(cmd.service.write_achievement_report(ctx, nomination_id, body.text))


@router.create(
    "/{nomination_id}/evidence",
    EvidencePublic,
    "Upload a document; it is stored by its SHA-256, the same bytes once",
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
        raise InvalidInput("file", f"a nomination holds at most {config.upload_quota_files} files")
    store = EvidenceStore(config.uploads_dir, config.upload_max_bytes)

    def within_quota(pending: Pending) -> None:
        if sum(e["size"] for e in held.values()) + pending.size > config.upload_quota_bytes:
            raise HTTPException(
                413, f"file: a nomination holds at most {config.upload_quota_bytes} bytes"
            )

    async def attach(kept: Stored, upload: Upload) -> EvidencePublic:
        file = attachment(kept, upload)
        await run_in_threadpool(cmd.service.attach_evidence, ctx, nomination_id, file)
        return evidence_answer(kept, upload)

    return await record_upload(cmd, store, attach, within_quota)


@router.post_once("/{nomination_id}/submit", "Submit: runs every automatic check")
def submit(nomination_id: NominationId, cmd: AsOfficer) -> Written:
    result = cmd.service.submit_nomination(cmd.context, nomination_id)
    n = cmd.service.get_nomination(nomination_id)
    return written(result, stage=n.stage, extra={"checks": n.checks})


@router.post_once("/{nomination_id}/withdraw", "Withdraw a nomination in collection")
def withdraw(nomination_id: NominationId, body: WithdrawIn, cmd: AsOfficer) -> Written:
    ctx = cmd.context
    result = cmd.service.withdraw_nomination(ctx, nomination_id, body.reason)
    return written(result, stage="closed")
