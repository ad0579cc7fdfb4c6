"""Issuing a council's documents: naming what they name, stamping them with their id and the
receipts that cover their records, and recording each file as one the product issued."""

from __future__ import annotations

import hashlib
from uuid import UUID

from fastapi.responses import Response

from api.config import ApiConfig
from api.deps import AppState
from documents.council_pdf import Names, Stamp, render_decision, render_minutes
from domain.documents import CouncilRecord, DocumentKind
from domain.errors import UnitNotFound
from service.receipts import Receipts


def names_for(app: AppState, record: CouncilRecord) -> Names:
    """How the documents name units, forms and members; the signatory in force then."""
    rules = app.service.default_rule_set
    registry = app.service.registry()

    def unit(code: str) -> str:
        try:
            return registry.get(code).name
        except UnitNotFound:
            return code

    def member(username: str) -> str:
        account = app.service.find_account(username)
        return account.display_name if account and account.display_name else username

    in_force = rules.authority_on(record.closed_on)
    authority = in_force.vi if in_force else "Chủ tịch Ủy ban nhân dân tỉnh"
    if record.decision is not None:  # the authority that decided, as its decision names it
        authority = str(record.decision["authority"]["name_vi"])
    return Names(
        unit=unit,
        award_form=lambda form: rules.award_form(form).name.vi,
        member=member,
        authority=authority,
        movement=f"Kế hoạch tổ chức {rules.title.vi[0].lower()}{rules.title.vi[1:]}",
    )


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
    render = render_minutes if kind is DocumentKind.MINUTES else render_decision
    pdf = render(record, names_for(app, record), stamp)
    receipts.record_issued(document_id, hashlib.sha256(pdf).hexdigest())
    return pdf


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
