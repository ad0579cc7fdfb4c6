"""Council minutes and award decisions as PDF, in the layout of Decree 30/2020/NĐ-CP
(``documents.layout``): what each says, from the records it was made from, and the
provenance it carries in its footer and metadata; see docs/documents.md.

The same record, receipt position and address give the same bytes: the creation date is
the decision's, and the file identifier is derived from the content. That is how
``thidua audit verify-document`` tells an altered file from the one the product made.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from documents.layout import (
    Page,
    centred,
    closing,
    heading,
    issuer_lines,
    para,
    province_of,
    qr_png,
    signature,
    signatures,
    vn_date,
)
from documents.wording import allows_writing, public_feedback, voting_rule_lines
from domain.criteria.awards import awardee_kind as prize_kind
from domain.documents import CouncilRecord, DocumentKind
from domain.submission import Signer
from domain.summaries import NominationSummary

METADATA_PREFIX = "thidua-document/1 "
"""Starts the PDF's Keywords entry; the JSON after it says what the document was made from."""

OUTCOMES = {
    "approved": "Thông qua",
    "not_approved": "Không thông qua",
    "no_quorum": "Không đủ túc số",
    "no_decision": "Chưa quyết định",
    "blocked": "Tạm dừng (khiếu nại chưa giải quyết)",
}


@dataclass(frozen=True)
class Names:
    """How the document names what the record holds by code."""

    unit: Callable[[str], str]
    award_form: Callable[[str], str]
    member: Callable[[str], str]
    authority: str
    """Who signs: the authority in force on the decision date."""
    movement: tuple[str, ...]
    """The documents the movement rests on, as the rule set cites them (its plans)."""
    chair: str | None = None
    """Who chairs the session: its council's chair on the session's date, by the register."""


@dataclass(frozen=True)
class Stamp:
    """What a document says of its own provenance, in its metadata and its footer."""

    document_id: str
    base_url: str
    receipt_position: int | None

    @property
    def verify_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/verify/{self.document_id}"


def metadata(kind: DocumentKind, record: CouncilRecord, stamp: Stamp) -> dict[str, Any]:
    return {
        "document_id": stamp.document_id,
        "kind": kind.value,
        "session_id": str(record.session.id),
        "records": [[r.aggregate_id, r.version, r.digest] for r in record.records],
        "digest": record.digest,
        "receipt_position": stamp.receipt_position,
        "verify_url": stamp.verify_url,
    }


def read_metadata(pdf: bytes) -> dict[str, Any]:
    """The provenance a document carries, or ValueError naming what is wrong."""
    from pypdf import PdfReader

    try:
        info = PdfReader(io.BytesIO(pdf)).metadata
    except Exception as error:
        raise ValueError(f"not a readable PDF: {error}") from None
    keywords = str(info.get("/Keywords") or "") if info is not None else ""
    if not keywords.startswith(METADATA_PREFIX):
        raise ValueError("the PDF carries no thidua document metadata")
    try:
        data = json.loads(keywords[len(METADATA_PREFIX) :])
    except json.JSONDecodeError:
        raise ValueError("the document metadata is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("document_id"), str):
        raise ValueError("the document metadata names no document")
    return data


def vnd(amount: int) -> str:
    """An amount in đồng as Vietnamese writes it: 4.680.000."""
    return f"{amount:,}".replace(",", ".")


def paying_body(authority: str) -> str:
    """The People's Committee whose fund pays: "Chủ tịch UBND tỉnh X" → "UBND tỉnh X"."""
    return authority.removeprefix("Chủ tịch ").replace("UBND", "Ủy ban nhân dân")


def _prize_of(n: NominationSummary) -> dict[str, Any] | None:
    prize = (n.award_decision or {}).get("prize")
    return dict(prize) if prize else None


AWARDEE_WORDS = {"collective": "tập thể", "household": "hộ gia đình", "individual": "cá nhân"}


def awardee_kind(unit_kind: str) -> str:
    """How a decision names an awardee's kind, as the prizes classify it (tập thể for every
    unit, hộ gia đình, cá nhân)."""
    return AWARDEE_WORDS[prize_kind(unit_kind)]


# Decree 152/2025/NĐ-CP (art. 59 repeals Decree 98/2023/NĐ-CP; art. 60 keeps 98/2023 for
# dossiers received before 1/7/2025) governs from 1/7/2025 (docs/spec.md §12).
DECREE_152_FROM = date(2025, 7, 1)
DECREE_98 = (
    "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định"
    " chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;"
)
LOCAL_GOVERNMENT = (
    "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 và Nghị quyết số"
    " 202/2025/QH15 của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh;"
)
DECREE_152 = (
    "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết thi hành một số điều"
    " của Luật Thi đua, khen thưởng;"
)


def _start(kind: DocumentKind, record: CouncilRecord, stamp: Stamp) -> Page:
    footer = [
        f"Mã tài liệu: {stamp.document_id}",
        f"Lập từ phiên họp {record.session.id}, phiên bản {record.session.version};"
        f" mã băm hồ sơ (SHA-256): {record.digest}",
        "Biên nhận ký số bao gồm hồ sơ: "
        + (f"vị trí {stamp.receipt_position}" if stamp.receipt_position else "chưa có")
        + f". Kiểm tra: {stamp.verify_url}",
    ]
    pdf = Page(footer, qr_png(stamp.verify_url))
    moment = datetime.combine(record.closed_on, time(0, 0), UTC)
    pdf.set_creation_date(moment)
    pdf.set_creator("thidua")
    pdf.set_producer("thidua")
    title = {
        DocumentKind.MINUTES: "Biên bản họp Hội đồng",
        DocumentKind.DECISION: "Quyết định khen thưởng",
        DocumentKind.SUBMISSION: "Tờ trình đề nghị khen thưởng",
    }[kind]
    pdf.set_title(f"{title} — {record.session.title}")
    pdf.set_keywords(METADATA_PREFIX + json.dumps(metadata(kind, record, stamp), sort_keys=True))
    pdf.alias_nb_pages()
    pdf.add_page()
    return pdf


def _masthead(
    pdf: Page, record: CouncilRecord, names: Names, issuer: list[str], number: str, title: str
) -> None:
    """Issuer, number, place and date, and the document's kind in capitals (Decree 30/2020,
    appendix I: the layout every administrative document shares)."""
    heading(pdf, issuer, number, f"{province_of(names.authority)}, {vn_date(record.closed_on)}")
    centred(pdf, title, size=14)


def render_decision(record: CouncilRecord, names: Names, stamp: Stamp) -> bytes:
    """The award decision: the awarded units and forms, on the bases cited, signed by the
    authority in force on the decision date."""
    pdf = _start(DocumentKind.DECISION, record, stamp)
    number = record.decision_number or "—"
    form = names.award_form(record.session.award_form)
    _masthead(pdf, record, names, issuer_lines(names.authority), f"Số: {number}", "QUYẾT ĐỊNH")
    centred(pdf, f"Về việc tặng {form}")
    pdf.ln(2)
    centred(pdf, names.authority.replace("UBND", "Ủy ban nhân dân").upper())
    pdf.ln(2)
    rule = record.session.voting_rule
    decision = record.decision
    # The office's submission dates the dossiers' receipt at the latest; a vote that decided
    # before the chain was under Decree 98/2023 (docs/spec.md §12).
    submission = record.submission or {}
    received = date.fromisoformat(str(submission["prepared_on"])) if decision else record.closed_on
    decree = DECREE_152 if decision and received >= DECREE_152_FROM else DECREE_98
    if decision is None:  # a vote that decided, before the decision chain
        proposal = (
            "Theo đề nghị của Hội đồng Thi đua – Khen thưởng tại phiên họp "
            f"“{record.session.title}” {vn_date(record.closed_on)}."
        )
    else:
        proposal = (
            f"Xét Tờ trình số {submission['number']} của Ban Thi đua – Khen thưởng"
            f" và ý kiến của Hội đồng Thi đua – Khen thưởng tại phiên họp"
            f" “{record.session.title}”."
        )
    # A decision of the authority that the reorganisation made cites the law that made it.
    local = [LOCAL_GOVERNMENT] if decision and record.closed_on >= DECREE_152_FROM else []
    for basis in (
        *local,
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
        decree,
        *(f"Căn cứ {plan};" for plan in names.movement),
        f"Căn cứ {str(rule.get('legal_basis', '')).rstrip('.;')};",
        proposal,
    ):
        para(pdf, basis, "I")
    pdf.ln(2)
    centred(pdf, "QUYẾT ĐỊNH:")
    approved = record.approved
    kinds = [awardee_kind(record.nominations[item].unit_kind) for item in approved]
    counted = ", ".join(f"{kinds.count(k)} {k}" for k in dict.fromkeys(kinds)) or "0 tập thể"
    para(
        pdf,
        f"Điều 1. Tặng {form} cho {counted} đã có thành tích trong phong trào thi đua, có tên"
        " sau đây:",
    )
    prizes = [p for p in (_prize_of(record.nominations[item]) for item in approved) if p]
    for i, item in enumerate(approved, start=1):
        n = record.nominations[item]
        kind = awardee_kind(n.unit_kind).capitalize()
        prize = _prize_of(n)
        paid = f"; tiền thưởng: {vnd(int(prize['amount_vnd']))} đồng" if prize else ""
        para(pdf, f"{i}. {kind} {names.unit(n.unit_code)} (chu kỳ xét {n.cycle_year}){paid}.")
    if not approved:
        para(pdf, "(Không có tập thể nào được khen thưởng tại quyết định này.)")
    article = 2
    if prizes:  # Decree 152/2025 art. 54: coefficient × base salary, rounded (docs/spec.md §12)
        bases = sorted({str(p["basis"]) for p in prizes} | {str(p["salary_basis"]) for p in prizes})
        total = sum(int(p["amount_vnd"]) for p in prizes)
        para(
            pdf,
            f"Điều {article}. Tiền thưởng kèm theo mỗi hình thức khen thưởng bằng hệ số nhân với"
            f" mức lương cơ sở {vnd(int(prizes[0]['base_salary_vnd']))} đồng theo"
            f" {', '.join(bases)}; tổng số tiền thưởng là {vnd(total)} đồng, chi từ Quỹ thi đua,"
            f" khen thưởng của {paying_body(names.authority)}.",
        )
        article += 1
    para(
        pdf,
        f"Điều {article}. Hồ sơ, biên bản họp và kết quả biểu quyết của Hội đồng được lưu trong"
        " hệ thống và có thể kiểm tra theo mã tài liệu in ở chân trang.",
    )
    para(
        pdf,
        f"Điều {article + 1}. Quyết định này có hiệu lực kể từ ngày ký. Thường trực Hội đồng Thi"
        " đua – Khen thưởng, thủ trưởng các cơ quan, đơn vị liên quan và các"
        f" {', '.join(dict.fromkeys(kinds)) or 'tập thể'} có tên tại Điều 1 chịu trách nhiệm thi"
        " hành Quyết định này.",
    )
    closing(
        pdf,
        [
            f"- Như Điều {article + 1};",
            "- Hội đồng Thi đua – Khen thưởng;",
            "- Ban Thi đua – Khen thưởng;",
            "- Các tập thể có tên tại Điều 1;",
            "- Lưu: VT.",
        ],
    )
    if decision is None:
        signature(pdf, ["CHỦ TỊCH"], "")
    else:
        signer = Signer(str(decision["signer_title"]), str(decision.get("signer_name", "")))
        signature(pdf, signer.block, signer.name)
    return bytes(pdf.output())


def render_submission(record: CouncilRecord, names: Names, stamp: Stamp) -> bytes:
    """The office's submission (Tờ trình) to the awarding authority: the dossiers the council
    recommended, each with its tally and the public-feedback result, in the same layout."""
    submission = record.submission or {}
    pdf = _start(DocumentKind.SUBMISSION, record, stamp)
    office = [f"SỞ NỘI VỤ TỈNH {province_of(names.authority).upper()}", "BAN THI ĐUA – KHEN THƯỞNG"]
    form = names.award_form(record.session.award_form)
    _masthead(pdf, record, names, office, f"Số: {submission['number']}", "TỜ TRÌNH")
    centred(pdf, f"Về việc đề nghị tặng {form}")
    pdf.ln(2)
    centred(pdf, f"Kính gửi: {names.authority.replace('UBND', 'Ủy ban nhân dân')}", "")
    pdf.ln(2)
    decree = DECREE_152 if record.closed_on >= DECREE_152_FROM else DECREE_98
    for basis in (
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
        decree,
        *(f"Căn cứ {plan};" for plan in names.movement),
        f"Căn cứ kết quả phiên họp Hội đồng Thi đua – Khen thưởng “{record.session.title}”.",
    ):
        para(pdf, basis, "I")
    para(pdf, str(submission.get("summary", "")))
    items = {str(i["nomination_id"]): i for i in submission.get("items", [])}
    para(
        pdf,
        f"Ban Thi đua – Khen thưởng kính trình xem xét, quyết định tặng {form} cho"
        f" {len(items)} tập thể có tên sau, đã được Hội đồng đề nghị:",
    )
    for i, (nid, item) in enumerate(items.items(), start=1):
        n = record.nominations[nid]
        tally = item.get("tally", {})
        para(
            pdf,
            f"{i}. {names.unit(n.unit_code)}: Hội đồng biểu quyết tán thành"
            f" {tally.get('approve', 0)}/{tally.get('total', '—')} thành viên; ý kiến nhân dân:"
            f" {public_feedback(n.complaints)}",
        )
    para(pdf, "Kính trình Chủ tịch xem xét, quyết định./.")
    closing(pdf, ["- Như trên;", "- Hội đồng Thi đua – Khen thưởng;", "- Lưu: VT, BTĐKT."])
    signature(pdf, ["TRƯỞNG BAN"], "")
    return bytes(pdf.output())


def render_minutes(record: CouncilRecord, names: Names, stamp: Stamp) -> bytes:
    """The minutes of a closed session: who sat, who stood aside, the rule and each item's
    tally and outcome; never who voted what."""
    pdf = _start(DocumentKind.MINUTES, record, stamp)
    s = record.session
    council = "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG"
    issuer = [*issuer_lines(names.authority), council]
    _masthead(pdf, record, names, issuer, "", "BIÊN BẢN HỌP HỘI ĐỒNG")
    centred(pdf, s.title)
    pdf.ln(3)
    took_part = s.attendance()
    present = [m for m in s.members if took_part[m] == "in_person"]
    written = [m for m in s.members if took_part[m] == "in_writing"]
    absent = [m for m in s.members if took_part[m] == "absent"]
    form = names.award_form(s.award_form)
    para(
        pdf,
        f"1. Thời gian: phiên họp dự kiến ngày {s.scheduled_for:%d/%m/%Y}, kết thúc"
        f" {vn_date(record.closed_on)}. Hình thức khen thưởng xét: {form}.",
    )
    chaired = f" Chủ tọa: {names.chair}." if names.chair else ""
    para(pdf, f"2. Thành phần: {len(s.members)} thành viên Hội đồng.{chaired}")
    para(pdf, f"Có mặt ({len(present)}): " + (", ".join(map(names.member, present)) or "không"))
    if written or allows_writing(s.voting_rule):
        para(
            pdf,
            f"Vắng mặt, biểu quyết bằng văn bản ({len(written)}): "
            + (", ".join(map(names.member, written)) or "không"),
        )
    para(pdf, f"Vắng mặt ({len(absent)}): " + (", ".join(map(names.member, absent)) or "không"))
    for i, line in enumerate(voting_rule_lines(s.voting_rule)):
        para(pdf, f"3. {line}" if i == 0 else line)
    para(pdf, "4. Kết quả biểu quyết từng hồ sơ (không ghi ai chọn gì):")
    _results_table(pdf, record, names)
    for item, members in sorted(record.recused.items()):
        unit = names.unit(record.nominations[item].unit_code)
        who = ", ".join(map(names.member, members))
        para(pdf, f"Không tham gia biểu quyết hồ sơ {unit}: {who}.", "I")
    para(pdf, "5. Kết quả lấy ý kiến nhân dân trong thời gian công khai:")
    for item in s.agenda:
        n = record.nominations[item]
        para(pdf, f"- {names.unit(n.unit_code)}: {public_feedback(n.complaints)}")
    if record.decision_number:
        para(pdf, f"6. Số quyết định ghi nhận khi kết thúc phiên họp: {record.decision_number}.")
    closing(pdf, [])
    signatures(pdf, ["THƯ KÝ HỘI ĐỒNG"], ["CHỦ TỌA PHIÊN HỌP"], names.chair)
    return bytes(pdf.output())


def _results_table(pdf: Page, record: CouncilRecord, names: Names) -> None:
    pdf.set_font("Serif", "", 10.5)
    widths = (10, 58, 17, 17, 17, 14, 32)
    with pdf.table(
        col_widths=widths,
        text_align=("CENTER", "LEFT", "CENTER", "CENTER", "CENTER", "CENTER", "LEFT"),
        line_height=5.2,
        first_row_as_headings=True,
    ) as table:
        table.row(
            [
                "STT",
                "Tập thể",
                "Tán thành",
                "Không tán thành",
                "Không biểu quyết",
                "Tự rút",
                "Kết quả",
            ]
        )
        for i, item in enumerate(record.session.agenda, start=1):
            result = record.session.results.get(item, {})
            counts = result.get("tally", {})
            n = record.nominations[item]
            table.row(
                [
                    str(i),
                    f"{names.unit(n.unit_code)} ({n.cycle_year})",
                    str(counts.get("approve", 0)),
                    str(counts.get("reject", 0)),
                    str(counts.get("abstain", 0)),
                    str(counts.get("recuse", 0)),
                    OUTCOMES.get(str(result.get("outcome")), str(result.get("outcome")))
                    + (
                        f" ({written} phiếu bằng văn bản)"
                        if (written := counts.get("in_writing"))
                        else ""
                    ),
                ]
            )
    pdf.ln(2)
