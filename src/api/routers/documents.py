"""Council minutes and award decisions as PDF, and checking any such document: the public
page its QR code opens, and the same answer as JSON."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, File, HTTPException, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.deps import (
    AppState,
    Caller,
    Command,
    State,
    writes_as,
)
from api.evidence import (
    EvidenceStore,
    Stored,
    Upload,
    upload_body,
)
from api.issuing import check_file, issue, pdf_response, public_base, signed_elsewhere
from api.public import Lang, render, words
from api.routes import Router
from api.schemas.documents import DocumentCheckPublic, FileCheckPublic, SignaturePublic
from api.schemas.nominations import EvidencePublic
from api.security import client_address
from api.uploads import attachment, evidence_answer, record_upload
from documents.signing import first_revision
from domain.context import Role
from domain.documents import DocumentCheck, DocumentKind
from domain.errors import SessionNotFound

router = Router(prefix="/council/sessions", tag="council member")
SessionId = Annotated[UUID, Path()]
AsSecretary = Annotated[Command, Depends(writes_as(Role.COUNCIL_SECRETARY))]
public = APIRouter()

DocumentIdPath = Annotated[
    str, Path(max_length=120, pattern=r"^[a-z]+\.[0-9a-f-]{36}\.[a-z2-7]{26}$")
]


def _document(
    app: AppState, principal: Any, session_id: Any, kind: DocumentKind, request: Request
) -> Response:
    # Scope before stage: whoever may not read the session learns nothing of its state.
    if not (
        principal.has(Role.COUNCIL_SECRETARY, Role.AUDITOR, Role.PROVINCE_REVIEWER)
        or principal.username in app.service.get_session(session_id).members
    ):
        raise SessionNotFound(session_id)  # scope as absence: as if it did not exist
    if kind is DocumentKind.DECISION:
        record = app.service.session_decision_record(session_id)
    else:
        record = app.service.council_record(session_id)
    s = record.session
    base = public_base(app.settings)
    pdf = issue(app, record, kind, base)
    return pdf_response(pdf, f"{kind.value}-{str(s.id)[:8]}.pdf")


def _serves(kind: DocumentKind) -> Callable[..., Awaitable[Response]]:
    """The route that serves a closed session's document of this kind, as generated now."""

    async def pdf(
        session_id: SessionId, request: Request, app: State, principal: Caller
    ) -> Response:
        return await run_in_threadpool(_document, app, principal, session_id, kind, request)

    return pdf


PDF: dict[str, Any] = {
    "response_class": Response,
    "responses": {200: {"content": {"application/pdf": {}}}},
}
router.read(
    "/{session_id}/minutes.pdf",
    None,
    "The minutes of a closed session (PDF): who sat, the rule, each item's tally",
    name="minutes_pdf",
    **PDF,
)(_serves(DocumentKind.MINUTES))
router.read(
    "/{session_id}/decision.pdf",
    None,
    "The award decision of a closed session (PDF), signed by the authority then",
    name="decision_pdf",
    **PDF,
)(_serves(DocumentKind.DECISION))


# --- anyone holding a document --------------------------------------------------------------


def check_public(check: DocumentCheck) -> DocumentCheckPublic:
    """What anyone may learn of a document: whether its records are intact, and what it
    decided, by name. Never a digest: one would let whoever holds a session id mint an id
    that checks out."""
    record = check.record
    units = [record.nominations[n].unit_name for n in record.approved] if record else []
    return DocumentCheckPublic(
        document_id=check.document_id,
        state=check.state.value,
        intact=check.ok,
        problems=check.problems,
        session_title=record.session.title if record else None,
        closed_on=record.closed_on if record else None,
        decision_number=record.decision_number if record else None,
        awarded=len(record.approved) if record else None,
        awarded_units=units,
    )


def _within_limit(app: AppState, request: Request) -> None:
    wait = app.document_limit.reserve(client_address(request))
    if wait:
        raise HTTPException(
            429,
            f"too many document checks from this address; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )


@public.get(
    "/api/v1/public/documents/{document_id}",
    tags=["public"],
    response_model=DocumentCheckPublic,
    summary="Whether a document's records are intact and unchanged (no sign-in)",
)
def check_document(
    document_id: DocumentIdPath, request: Request, app: State
) -> DocumentCheckPublic:
    _within_limit(app, request)
    return check_public(app.service.check_document(document_id))


@public.get("/verify/{document_id}", include_in_schema=False, response_class=HTMLResponse)
def verify_page(
    document_id: DocumentIdPath,
    request: Request,
    app: State,
    lang: Annotated[Lang, Query()] = "vi",
) -> HTMLResponse:
    _within_limit(app, request)
    check = check_public(app.service.check_document(document_id))
    t = words(lang)["verify"]
    rows = [(t["id"], check.document_id)]
    if check.session_title:
        rows.append((t["session"], check.session_title))
    if check.closed_on:
        rows.append((t["closed"], _day(check.closed_on, lang)))
    if check.decision_number:
        rows.append((t["number"], check.decision_number))
    if check.awarded is not None:
        rows.append((t["awarded"], str(check.awarded)))
    if check.awarded_units:
        rows.append((t["units"], "; ".join(check.awarded_units)))
    return render("verify.html", lang, "verify", t["title"], check=check, rows=rows)


@public.post("/verify/{document_id}", include_in_schema=False, response_class=HTMLResponse)
async def verify_file_page(
    document_id: DocumentIdPath,
    request: Request,
    app: State,
    file: Annotated[UploadFile, File()],
    lang: Annotated[Lang, Query()] = "vi",
) -> HTMLResponse:
    """The same check, and the file held: issued as it is, and its digital signature."""
    _within_limit(app, request)
    content = await file.read()
    check = check_public(await run_in_threadpool(app.service.check_document, document_id))
    held = await run_in_threadpool(check_file, app, document_id, content)
    t = words(lang)["verify"]
    signature = held.signature
    if not signature.present:
        signed = t["unsigned"]
    elif signature.ok:
        at = f"{signature.signed_at:%d/%m/%Y %H:%M} UTC" if signature.signed_at else ""
        signed = f"{t['signed']}: {signature.signer} {at}".strip()
    else:
        signed = f"{t['badly_signed']}: {'; '.join(signature.problems)}"
    rows = [
        (t["id"], check.document_id),
        (t["file"], t["issued"] if held.issued else t["not_issued"]),
        (t["signature"], signed),
    ]
    return render("verify.html", lang, "verify", t["title"], check=check, rows=rows)


@public.post(
    "/api/v1/public/documents/{document_id}/file",
    tags=["public"],
    response_model=FileCheckPublic,
    summary="Whether a file is the document issued under this id, and its signature (no sign-in)",
)
async def check_document_file(
    document_id: DocumentIdPath,
    request: Request,
    app: State,
    file: Annotated[UploadFile, File()],
) -> FileCheckPublic:
    _within_limit(app, request)
    held = await run_in_threadpool(check_file, app, document_id, await file.read())
    signature = held.signature
    return FileCheckPublic(
        document=check_public(await run_in_threadpool(app.service.check_document, document_id)),
        issued=held.issued,
        signature=SignaturePublic(
            present=signature.present,
            ok=signature.ok,
            signer=signature.signer,
            signed_at=signature.signed_at,
        ),
    )


def _day(day: date, lang: str) -> str:
    return f"{day:%d/%m/%Y}" if lang == "vi" else day.isoformat()


# --- the decision as signed ------------------------------------------------------------------


class SignedDecisionPublic(EvidencePublic):
    generated_sha256: str
    document_id: str
    signature: SignaturePublic


@router.create(
    "/{session_id}/signed-decision",
    SignedDecisionPublic,
    "Attach the decision as signed and scanned, beside the generated one",
    tag="council secretary",
    openapi_extra=upload_body("the signed, scanned decision (PDF or image)"),
)
async def attach_signed_decision(
    session_id: SessionId, request: Request, app: State, cmd: AsSecretary
) -> SignedDecisionPublic | JSONResponse:
    """Who may attach, and to which session, is settled before a byte of the body is read;
    the SHA-256 of the decision the product generates now is recorded with the scan's."""
    ctx, config = cmd.context, app.settings
    await run_in_threadpool(cmd.service.check_may_attach_signed_decision, ctx, session_id)
    store = EvidenceStore(config.uploads_dir, config.upload_max_bytes)

    async def attach(kept: Stored, upload: Upload) -> SignedDecisionPublic:
        record = await run_in_threadpool(app.service.session_decision_record, session_id)
        base = public_base(app.settings)
        generated = await run_in_threadpool(issue, app, record, DocumentKind.DECISION, base)
        document_id = app.service.document_id(record, DocumentKind.DECISION)
        # The decision as rendered: the server's signature, made anew each time, left out.
        generated_sha256 = hashlib.sha256(first_revision(generated)).hexdigest()
        content = store.path_of(kept.sha256).read_bytes()
        signature = await run_in_threadpool(signed_elsewhere, app, content, document_id)
        await run_in_threadpool(
            cmd.service.attach_signed_decision,
            ctx,
            session_id,
            attachment(kept, upload),
            generated_sha256,
            document_id,
        )
        return SignedDecisionPublic(
            **evidence_answer(kept, upload).model_dump(),
            generated_sha256=generated_sha256,
            document_id=document_id,
            signature=SignaturePublic(
                present=signature.present,
                ok=signature.ok,
                signer=signature.signer,
                signed_at=signature.signed_at,
            ),
        )

    return await record_upload(cmd, store, attach)
