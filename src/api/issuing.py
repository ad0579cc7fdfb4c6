"""Issuing a council's documents: naming what they name, stamping them with their id and the
receipts that cover their records, and recording each file as one the product issued."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from fastapi.responses import Response

from api.config import ApiConfig
from api.deps import AppState
from api.personal import decided_name, people_of
from documents.council_pdf import (
    Names,
    Stamp,
    render_decision,
    render_minutes,
    render_submission,
)
from documents.signing import SignatureCheck, check_signature, first_revision, sign_pdf
from domain.documents import CouncilRecord, DocumentKind
from domain.errors import InvalidInput, NotFound, UnitNotFound
from domain.people import is_person_code, person_id_of
from service.receipts import Receipts


def names_for(app: AppState, record: CouncilRecord) -> Names:
    """How the documents name units, forms and members; the signatory in force then."""
    rules = app.service.default_rule_set
    registry = app.service.registry()

    def unit(code: str) -> str:
        if is_person_code(code):  # as the decision names them: it is published
            found = people_of(app).find(person_id_of(code))
            return decided_name(app, found) if found else code
        try:
            return registry.get(code).name
        except UnitNotFound:
            return code

    def member(username: str) -> str:
        account = app.service.find_account(username)
        return account.display_name if account and account.display_name else username

    in_force = rules.authority_on(record.closed_on)
    authority = in_force.vi if in_force else "Chủ tịch Ủy ban nhân dân tỉnh"
    if record.submission is not None:  # the authority it goes to, as the submission names it
        authority = str(record.submission["authority"]["name_vi"])
    return Names(
        chair=_chair(app, record, member),
        unit=unit,
        award_form=lambda form: rules.award_form(form).name.vi,
        member=member,
        authority=authority,
        movement=(
            *(plan.citation for plan in rules.plans),
            f"Kế hoạch tổ chức {rules.title.vi[0].lower()}{rules.title.vi[1:]}",
        ),
    )


def _chair(app: AppState, record: CouncilRecord, member: Callable[[str], str]) -> str | None:
    """The session's chair: its council's, by the register, on the session's date."""
    s = record.session
    try:
        register = app.service.council_register(s.council_level, s.scope)
    except NotFound:
        return None
    day = s.scheduled_for.isoformat()
    sitting = [c for c in register["compositions"] if str(c["valid_from"]) <= day]
    return member(str(sitting[-1]["chair"])) if sitting else None


def receipts_of(app: AppState) -> Receipts:
    receipts: Receipts = app.receipts
    return receipts


def public_base(config: ApiConfig) -> str:
    """Where documents' links and QR codes point: from settings only, never from a request's
    Host header, which whoever sends the request chooses."""
    if not config.public_url:
        raise RuntimeError("THIDUA_PUBLIC_URL is not set: documents cannot say where to check them")
    return config.public_url


def issue(app: AppState, record: CouncilRecord, kind: DocumentKind, base_url: str) -> bytes:
    """Renders a document and records the file's SHA-256 as one the product issued."""
    receipts = receipts_of(app)
    document_id = app.service.document_id(record, kind)
    covering = receipts.covering([(r.aggregate_id, r.version) for r in record.records])
    stamp = Stamp(document_id, base_url, covering)
    render = {
        DocumentKind.MINUTES: render_minutes,
        DocumentKind.DECISION: render_decision,
        DocumentKind.SUBMISSION: render_submission,
    }[kind]
    names = names_for(app, record)
    pdf = render(record, names, stamp)
    if kind is DocumentKind.DECISION and record.decision is not None:
        # As generated, too: a chairman signing it on a token elsewhere signs these bytes.
        receipts.record_issued(document_id, hashlib.sha256(pdf).hexdigest())
        pdf = signed(app, record, pdf, names.authority)
    receipts.record_issued(document_id, hashlib.sha256(pdf).hexdigest())
    return pdf


def signed(app: AppState, record: CouncilRecord, pdf: bytes, authority: str) -> bytes:
    """The chairman's decision, signed (PAdES) with the deciding authority's key when the
    server holds one; as generated otherwise, for a signature made on a token elsewhere."""
    keys = app.settings.signing
    submission = record.submission or {}
    if keys is None:
        return pdf
    with keys.signing(str(submission["authority"]["id"])) as signer:
        if signer is None:
            return pdf
        reason = f"Quyết định số {record.decision_number}"
        return sign_pdf(pdf, signer, reason, location=authority.split("tỉnh ")[-1])


def signed_elsewhere(app: AppState, pdf: bytes, document_id: str) -> SignatureCheck:
    """A decision signed outside the product: its signature intact over the whole file and
    chained to the operator's trust roots, over the bytes of a decision the product issued
    under ``document_id``. Refused, naming the file, otherwise."""
    held = check_file(app, document_id, pdf)
    if not held.signature.present:
        return held.signature  # a scan of the paper: kept, with no signature to check
    if not held.signature.ok:
        raise InvalidInput("file", "; ".join(held.signature.problems))
    if not held.issued:
        raise InvalidInput(
            "file", "the signed document is not the decision the product generated for it"
        )
    return held.signature


def submission_document(app: AppState, submission_id: UUID) -> Response:
    """The office's submission (Tờ trình), as prepared."""
    record = app.service.submission_record(submission_id)
    pdf = issue(app, record, DocumentKind.SUBMISSION, public_base(app.settings))
    number = str((record.submission or {})["number"]).split("/")[0]
    return pdf_response(pdf, f"to-trinh-{number}-{record.closed_on.year}.pdf")


@dataclass(frozen=True)
class FileCheck:
    """What a file someone holds is: the very file the product issued under the id, or the
    decision it generated signed afterwards; and what its signature says."""

    issued: bool
    signature: SignatureCheck


def check_file(app: AppState, document_id: str, pdf: bytes) -> FileCheck:
    """Issued as it is; or the decision the product generated, then signed, the signature
    covering every byte added since (anything else added makes it another file)."""
    receipts = receipts_of(app)
    keys = app.settings.signing
    signature = check_signature(pdf, keys.trust_roots() if keys else [])
    as_is = receipts.was_issued(document_id, hashlib.sha256(pdf).hexdigest())
    generated = receipts.was_issued(document_id, hashlib.sha256(first_revision(pdf)).hexdigest())
    return FileCheck(as_is or (generated and signature.ok), signature)


def pdf_response(pdf: bytes, filename: str) -> Response:
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def decision_of_submission(app: AppState, submission_id: UUID) -> Response:
    """The chairman's decision on a submission, as its records stand."""
    record = app.service.decision_record(submission_id)
    pdf = issue(app, record, DocumentKind.DECISION, public_base(app.settings))
    number = str(record.decision_number).split("/")[0]
    return pdf_response(pdf, f"quyet-dinh-{number}-{record.closed_on.year}.pdf")
