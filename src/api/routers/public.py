"""The public notice (công khai): nominations now posted, what each was judged on, and
objections anyone may file while a notice is open. No sign-in; no personal data shown;
a complainant's name and contact reach only the province reviewer, the secretary and
the auditor, through the complaint flow every complaint takes."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import Field

from api.deps import AppState, State
from api.public_pages import Lang, escape, page
from api.schemas.common import Page, Schema, example
from api.security import client_address
from domain.context import Actor, CommandContext, Grant, Role
from domain.dossier import complaint_number
from domain.errors import InvalidNomination, NominationNotFound, NotFound
from domain.stages import Stage
from projections.board import BoardQuery

router = APIRouter()
PUBLIC = Actor("public", (Grant(Role.PUBLIC),))
NUMBER = r"^KN-[A-Z2-7]{10}$"
TEXT_LIMIT = 4000
NAME_LIMIT = 120  # name and contact together fit the complaint's 255-character filer field
NOTICE = "public_notice"


class NoticeRow(Schema):
    nomination_id: str
    unit_name: str
    award_form: str
    award_form_name: str
    cycle_year: int
    last_day: date | None


class FigureYear(Schema):
    year: int
    total_households: int | None
    poor_households: int | None
    rate_percent: float | None
    basis: str  # official, or declared where the register has no figures yet


class CriterionOutcome(Schema):
    criterion: str
    outcome: str
    explanation: str
    override: str | None = None
    """Why the province forwarded the dossier although this criterion was not met."""


class NoticeDetail(NoticeRow):
    figures: list[FigureYear]
    criteria: list[CriterionOutcome]
    open: bool


class PublicComplaintIn(Schema):
    model_config = example(
        nomination_id="0b5f3c1e-8a8e-4f4b-9d55-2f1f3b0c7a11",
        text="Hộ tôi thuộc diện nghèo năm 2023 nhưng không có trong danh sách của xã.",
        name="Nguyễn Văn A",
        contact="0912 345 678",
    )
    nomination_id: UUID
    text: str = Field(min_length=1, max_length=TEXT_LIMIT)
    name: str | None = Field(default=None, max_length=NAME_LIMIT)
    contact: str | None = Field(default=None, max_length=NAME_LIMIT)
    website: str | None = Field(
        default=None, max_length=200, description="leave empty: a field only robots fill in"
    )


class PublicComplaintFiled(Schema):
    number: str
    follow_url: str
    position: int | None


class PublicComplaintState(Schema):
    number: str
    state: str  # open, dismissed, upheld
    filed_at: datetime
    resolved_at: datetime | None


# --- reads ---------------------------------------------------------------------------------


def _rows(app: AppState, limit: int, offset: int) -> tuple[list[NoticeRow], int]:
    rules = app.service.default_rule_set
    found = app.runner.view("board").page_of(BoardQuery(stage=NOTICE, limit=limit, offset=offset))
    rows = [
        NoticeRow(
            nomination_id=r["nomination_id"],
            unit_name=r["unit_name"],
            award_form=r["award_form"],
            award_form_name=rules.award_form(r["award_form"]).name.vi,
            cycle_year=r["cycle_year"],
            last_day=date.fromisoformat(r["due_on"]) if r.get("due_on") else None,
        )
        for r in found.rows
    ]
    return rows, found.count


def _detail(app: AppState, nid: UUID, lang: Lang = "vi") -> NoticeDetail:
    """One posted nomination, or 404 for any other: nothing not posted is shown."""
    n = app.service.get_nomination(nid)
    if n.stage != NOTICE:
        raise NominationNotFound(nid)
    rules = app.service.default_rule_set
    figures = []
    for year in sorted({*n.official_statistics, *n.statistics}, key=int):
        official = n.official_statistics.get(year)
        shown = official or n.statistics[year]
        total, poor = shown.get("total_households"), shown.get("poor_households")
        figures.append(
            FigureYear(
                year=int(year),
                total_households=total,
                poor_households=poor,
                rate_percent=round(100 * poor / total, 2) if total and poor is not None else None,
                basis="official" if official else "declared",
            )
        )
    criteria = []
    for check in n.checks:
        spec = rules.criteria.get(check["criterion_id"])
        title = getattr(spec, "title", None)
        criteria.append(
            CriterionOutcome(
                criterion=getattr(title, lang, check["criterion_id"]),
                outcome=check["outcome"],
                explanation=(check.get("explanation") or {}).get(lang, ""),
                override=(n.overrides.get(check["criterion_id"]) or {}).get("reason"),
            )
        )
    return NoticeDetail(
        nomination_id=str(n.id),
        unit_name=n.unit_name,
        award_form=n.award_form,
        award_form_name=rules.award_form(n.award_form).name.vi,
        cycle_year=n.cycle_year,
        last_day=n.due_on,
        figures=figures,
        criteria=criteria,
        open=n.due_on is None or app.clock() <= n.due_on,
    )


@router.get(
    "/api/v1/public/notices",
    tags=["public"],
    response_model=Page[NoticeRow],
    summary="Nominations now in their public-notice window (no sign-in)",
)
def notices(
    app: State,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Page[NoticeRow]:
    rows, count = _rows(app, limit, offset)
    return Page[NoticeRow](data=rows, count=count)


@router.get(
    "/api/v1/public/notices/{nomination_id}",
    tags=["public"],
    response_model=NoticeDetail,
    summary="A posted nomination: its figures and each criterion's outcome (no sign-in)",
)
def notice(nomination_id: Annotated[UUID, Path()], app: State) -> NoticeDetail:
    return _detail(app, nomination_id)


# --- objecting -------------------------------------------------------------------------------


def _client(request: Request) -> str:
    return client_address(request)


def _require_on_notice(app: AppState, nomination_id: UUID) -> None:
    """A dossier not on public notice is answered exactly as one that does not exist: ids
    are derived from public data, and its stage is no stranger's business."""
    try:
        stage = app.service.get_nomination(nomination_id).stage
    except NotFound:
        stage = None
    if stage != Stage.PUBLIC_NOTICE.value:
        raise NotFound("no dossier on public notice has this id", nomination_id=str(nomination_id))


def file_public_complaint(
    app: AppState, request: Request, body: PublicComplaintIn
) -> PublicComplaintFiled:
    """Checks the abuse limits, then files the objection as every complaint is filed."""
    if body.website:
        raise InvalidNomination("website", "must be left empty")
    text = unicodedata.normalize("NFC", body.text).strip()
    if not text:
        raise InvalidNomination("text", "is required")
    name = unicodedata.normalize("NFC", (body.name or "").strip())
    contact = unicodedata.normalize("NFC", (body.contact or "").strip())
    _require_on_notice(app, body.nomination_id)
    limit = app.extra["complaint_limit"]
    wait = limit.reserve(_client(request))
    if wait:
        raise HTTPException(
            429,
            f"too many objections from this address; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    filed_by = "; ".join(p for p in (name, contact) if p) or "Người dân (không nêu tên)"
    ctx = CommandContext(
        PUBLIC,
        f"public/{uuid.uuid4()}",
        getattr(request.state, "request_id", "public"),
        app.clock(),
        role=Role.PUBLIC,
    )
    complaint, result = app.service.file_complaint(ctx, body.nomination_id, text, filed_by)
    number = complaint_number(str(complaint))
    return PublicComplaintFiled(
        number=number, follow_url=f"/cong-khai/khieu-nai/{number}", position=result.position
    )


@router.post(
    "/api/v1/public/complaints",
    tags=["public"],
    status_code=201,
    response_model=PublicComplaintFiled,
    summary="Object to a posted nomination while its notice is open (no sign-in)",
)
def post_complaint(body: PublicComplaintIn, request: Request, app: State) -> PublicComplaintFiled:
    return file_public_complaint(app, request, body)


def _state_of(app: AppState, number: str, after: int | None = None) -> PublicComplaintState:
    app.wait_for(after, "board")
    found = app.runner.view("board").complaint(number)
    if found is None:
        raise InvalidNomination("number", "no complaint has this number")
    found.pop("nomination_id")
    return PublicComplaintState.model_validate(found)


@router.get(
    "/api/v1/public/complaints/{number}",
    tags=["public"],
    response_model=PublicComplaintState,
    summary="The state of an objection, by its receipt number (no sign-in)",
)
def complaint_state(
    number: Annotated[str, Path(pattern=NUMBER)],
    app: State,
    after: Annotated[int | None, Query(ge=0)] = None,
) -> PublicComplaintState:
    return _state_of(app, number, after)


# --- the pages -------------------------------------------------------------------------------

WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Công khai hồ sơ đề nghị khen thưởng",
        "intro": "Các hồ sơ dưới đây đang được công khai. Trong thời hạn công khai, mọi người"
        " có thể phản ánh, khiếu nại về hồ sơ.",
        "none": "Hiện không có hồ sơ nào đang công khai.",
        "form": "Hình thức",
        "cycle": "Đợt xét",
        "until": "Công khai đến hết ngày",
        "figures": "Số liệu hộ nghèo",
        "year": "Năm",
        "households": "Tổng số hộ",
        "poor": "Hộ nghèo",
        "rate": "Tỷ lệ",
        "official": "chính thức",
        "declared": "kê khai",
        "criteria": "Kết quả đánh giá từng tiêu chí",
        "object": "Gửi phản ánh, khiếu nại",
        "text": "Nội dung",
        "name": "Họ tên (không bắt buộc)",
        "contact": "Điện thoại hoặc thư điện tử (không bắt buộc)",
        "private": "Họ tên và liên hệ của người gửi được giữ kín; chỉ cán bộ thẩm định cấp"
        " tỉnh, thư ký Hội đồng và thanh tra được xem.",
        "honeypot": "Để trống ô này",
        "send": "Gửi",
        "closed": "Thời hạn công khai đã hết: không nhận thêm phản ánh.",
        "receipt": "Phản ánh của bạn",
        "number": "Số biên nhận",
        "keep": "Hãy ghi lại số biên nhận để theo dõi kết quả tại trang này.",
        "state": "Tình trạng",
        "open": "Đang xem xét",
        "dismissed": "Đã giải quyết: phản ánh không có cơ sở",
        "upheld": "Đã giải quyết: phản ánh có cơ sở",
        "back": "Danh sách hồ sơ công khai",
        "met": "Đạt",
        "not_met": "Không đạt",
        "needs_judgement": "Cần thẩm định",
        "insufficient_data": "Chưa đủ số liệu",
        "not_applicable": "Không áp dụng",
        "override": "Cấp tỉnh vẫn trình Hội đồng, với lý do",
    },
    "en": {
        "title": "Nominations on public notice",
        "intro": "These nominations are publicly posted. While a notice is open, anyone may"
        " object to a nomination.",
        "none": "No nomination is on public notice now.",
        "form": "Award",
        "cycle": "Cycle",
        "until": "Posted until the end of",
        "figures": "Poverty figures",
        "year": "Year",
        "households": "Households",
        "poor": "Poor households",
        "rate": "Rate",
        "official": "official",
        "declared": "declared",
        "criteria": "Each criterion's outcome",
        "object": "Object to this nomination",
        "text": "Your objection",
        "name": "Name (optional)",
        "contact": "Phone or e-mail (optional)",
        "private": "Your name and contact stay confidential: only the province reviewer, the"
        " council secretary and the auditor may see them.",
        "honeypot": "Leave this field empty",
        "send": "Send",
        "closed": "The notice has closed: objections are no longer taken.",
        "receipt": "Your objection",
        "number": "Receipt number",
        "keep": "Keep the receipt number to follow the outcome on this page.",
        "state": "State",
        "open": "Under review",
        "dismissed": "Resolved: the objection was found unfounded",
        "upheld": "Resolved: the objection was upheld",
        "back": "Nominations on public notice",
        "met": "Met",
        "not_met": "Not met",
        "needs_judgement": "Needs judgement",
        "insufficient_data": "Insufficient data",
        "not_applicable": "Not applicable",
        "override": "The province forwarded it nonetheless, because",
    },
}


def _day(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "—"


@router.get("/cong-khai", include_in_schema=False, response_class=HTMLResponse)
def notices_page(
    app: State,
    lang: Annotated[Lang, Query()] = "vi",
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> HTMLResponse:
    w = WORDS[lang]
    rows, count = _rows(app, 50, offset)
    items = "".join(
        f'<li class="notice"><a href="/cong-khai/{escape(r.nomination_id)}?lang={lang}">'
        f"<strong>{escape(r.unit_name)}</strong></a><br>{escape(w['form'])}:"
        f" {escape(r.award_form_name)} · {escape(w['cycle'])} {r.cycle_year}<br>"
        f"{escape(w['until'])} {_day(r.last_day)}</li>"
        for r in rows
    )
    more = (
        f'<p><a href="/cong-khai?lang={lang}&amp;offset={offset + 50}">…</a></p>'
        if offset + 50 < count
        else ""
    )
    body = f"<p>{escape(w['intro'])}</p>" + (
        f'<ul class="notices">{items}</ul>{more}' if rows else f"<p>{escape(w['none'])}</p>"
    )
    return page(lang, w["title"], body)


@router.get("/cong-khai/{nomination_id}", include_in_schema=False, response_class=HTMLResponse)
def notice_page(
    nomination_id: Annotated[UUID, Path()],
    app: State,
    lang: Annotated[Lang, Query()] = "vi",
) -> HTMLResponse:
    return _notice_html(app, nomination_id, lang)


def _notice_html(
    app: AppState, nid: UUID, lang: Lang, error: str = "", status: int = 200
) -> HTMLResponse:
    w = WORDS[lang]
    d = _detail(app, nid, lang)
    figures = "".join(
        f"<tr><td>{f.year}</td><td>{f.total_households or '—'}</td>"
        f"<td>{f.poor_households if f.poor_households is not None else '—'}</td>"
        f"<td>{'' if f.rate_percent is None else f'{f.rate_percent:.2f} %'}</td>"
        f"<td>{escape(w[f.basis])}</td></tr>"
        for f in d.figures
    )
    criteria = "".join(
        f"<li><strong>{escape(c.criterion)}</strong>: {escape(w.get(c.outcome, c.outcome))}."
        f" {escape(c.explanation)}"
        + (f"<br><em>{escape(w['override'])}: {escape(c.override)}</em>" if c.override else "")
        + "</li>"
        for c in d.criteria
    )
    if d.open:
        form = (
            f"<h2>{escape(w['object'])}</h2>"
            + (f'<p class="error" role="alert">{escape(error)}</p>' if error else "")
            + f'<form method="post" action="/cong-khai/{d.nomination_id}?lang={lang}">'
            f'<label>{escape(w["text"])}<textarea name="text" required maxlength="{TEXT_LIMIT}"'
            ' rows="6"></textarea></label>'
            f'<label>{escape(w["name"])}<input name="name" maxlength="{NAME_LIMIT}"'
            ' autocomplete="name"></label>'
            f'<label>{escape(w["contact"])}<input name="contact" maxlength="{NAME_LIMIT}"'
            ' autocomplete="tel"></label>'
            f'<label class="trap" aria-hidden="true">{escape(w["honeypot"])}'
            '<input name="website" tabindex="-1" autocomplete="off"></label>'
            f'<p class="note">{escape(w["private"])}</p>'
            f'<button type="submit">{escape(w["send"])}</button></form>'
        )
    else:
        form = f"<p>{escape(w['closed'])}</p>"
    body = (
        f'<p><a href="/cong-khai?lang={lang}">← {escape(w["back"])}</a></p>'
        f"<h2>{escape(d.unit_name)}</h2>"
        f"<dl><dt>{escape(w['form'])}</dt><dd>{escape(d.award_form_name)}</dd>"
        f"<dt>{escape(w['cycle'])}</dt><dd>{d.cycle_year}</dd>"
        f"<dt>{escape(w['until'])}</dt><dd>{_day(d.last_day)}</dd></dl>"
        f"<h2>{escape(w['figures'])}</h2><table><thead><tr><th>{escape(w['year'])}</th>"
        f"<th>{escape(w['households'])}</th><th>{escape(w['poor'])}</th>"
        f"<th>{escape(w['rate'])}</th><th></th></tr></thead><tbody>{figures}</tbody></table>"
        f"<h2>{escape(w['criteria'])}</h2><ul>{criteria}</ul>{form}"
    )
    return page(lang, w["title"], body, status)


@router.post("/cong-khai/{nomination_id}", include_in_schema=False, response_model=None)
def object_by_form(
    nomination_id: Annotated[UUID, Path()],
    request: Request,
    app: State,
    text: Annotated[str, Form(max_length=TEXT_LIMIT)] = "",
    name: Annotated[str, Form(max_length=NAME_LIMIT)] = "",
    contact: Annotated[str, Form(max_length=NAME_LIMIT)] = "",
    website: Annotated[str, Form(max_length=200)] = "",
    lang: Annotated[Lang, Query()] = "vi",
) -> Any:
    try:
        filed = file_public_complaint(
            app,
            request,
            PublicComplaintIn(
                nomination_id=nomination_id,
                text=text or " ",
                name=name or None,
                contact=contact or None,
                website=website or None,
            ),
        )
    except InvalidNomination as wrong:
        return _notice_html(app, nomination_id, lang, f"{wrong.field}: {wrong.reason}", 422)
    after = f"&after={filed.position}" if filed.position else ""
    return RedirectResponse(f"{filed.follow_url}?lang={lang}{after}", status_code=303)


@router.get("/cong-khai/khieu-nai/{number}", include_in_schema=False, response_class=HTMLResponse)
def complaint_page(
    number: Annotated[str, Path(pattern=NUMBER)],
    app: State,
    lang: Annotated[Lang, Query()] = "vi",
    after: Annotated[int | None, Query(ge=0)] = None,
) -> HTMLResponse:
    w = WORDS[lang]
    state = _state_of(app, number, after)
    body = (
        f"<dl><dt>{escape(w['number'])}</dt><dd><code>{escape(state.number)}</code></dd>"
        f'<dt>{escape(w["state"])}</dt><dd><span class="state {escape(state.state)}"'
        f' role="status">{escape(w[state.state])}</span></dd></dl>'
        f"<p>{escape(w['keep'])}</p>"
        f'<p><a href="/cong-khai?lang={lang}">← {escape(w["back"])}</a></p>'
    )
    return page(lang, w["receipt"], body)
