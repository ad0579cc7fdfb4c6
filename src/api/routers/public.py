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

from fastapi import Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import Field

from api.deps import AppState, State
from api.public import Lang, render, words
from api.routes import Router
from api.schemas.common import Page, Schema, example
from api.security import client_address
from domain.context import Actor, CommandContext, Grant, Role
from domain.dossier import complaint_number
from domain.errors import InvalidInput, NominationNotFound, NotFound
from domain.stages import Stage
from projections.board import BoardQuery

router = Router(tag="public")
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
    found = app.runner.board_view.page_of(BoardQuery(stage=NOTICE, limit=limit, offset=offset))
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


@router.read(
    "/api/v1/public/notices",
    Page[NoticeRow],
    "Nominations now in their public-notice window (no sign-in)",
)
def notices(
    app: State,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Page[NoticeRow]:
    rows, count = _rows(app, limit, offset)
    return Page[NoticeRow](data=rows, count=count)


@router.read(
    "/api/v1/public/notices/{nomination_id}",
    NoticeDetail,
    "A posted nomination: its figures and each criterion's outcome (no sign-in)",
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
        raise InvalidInput("website", "must be left empty")
    text = unicodedata.normalize("NFC", body.text).strip()
    if not text:
        raise InvalidInput("text", "is required")
    name = unicodedata.normalize("NFC", (body.name or "").strip())
    contact = unicodedata.normalize("NFC", (body.contact or "").strip())
    _require_on_notice(app, body.nomination_id)
    limit = app.complaint_limit
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


@router.create(
    "/api/v1/public/complaints",
    PublicComplaintFiled,
    "Object to a posted nomination while its notice is open (no sign-in)",
)
def post_complaint(body: PublicComplaintIn, request: Request, app: State) -> PublicComplaintFiled:
    return file_public_complaint(app, request, body)


def _state_of(app: AppState, number: str, after: int | None = None) -> PublicComplaintState:
    app.wait_for(after, "board")
    found = app.runner.board_view.complaint(number)
    if found is None:
        raise NotFound(f"no objection has the number {number}", number=number)
    found.pop("nomination_id")
    return PublicComplaintState.model_validate(found)


@router.read(
    "/api/v1/public/complaints/{number}",
    PublicComplaintState,
    "The state of an objection, by its receipt number (no sign-in)",
)
def complaint_state(
    number: Annotated[str, Path(pattern=NUMBER)],
    app: State,
    after: Annotated[int | None, Query(ge=0)] = None,
) -> PublicComplaintState:
    return _state_of(app, number, after)


# --- the pages: words and HTML in api/public/ -------------------------------------------


@router.get("/cong-khai", include_in_schema=False, response_class=HTMLResponse)
def notices_page(
    app: State,
    lang: Annotated[Lang, Query()] = "vi",
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> HTMLResponse:
    rows, count = _rows(app, 50, offset)
    more = offset + 50 if offset + 50 < count else None
    title = words(lang)["notice"]["title"]
    return render("notices.html", lang, "notice", title, rows=rows, more=more)


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
    d = _detail(app, nid, lang)
    return render(
        "notice.html",
        lang,
        "notice",
        words(lang)["notice"]["title"],
        status,
        d=d,
        error=error,
        text_limit=TEXT_LIMIT,
        name_limit=NAME_LIMIT,
    )


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
    except InvalidInput as wrong:
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
    state = _state_of(app, number, after)
    return render("complaint.html", lang, "notice", words(lang)["notice"]["receipt"], state=state)
