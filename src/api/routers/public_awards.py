"""The public lookup of awards (tra cứu khen thưởng, docs/spec.md §13): anyone may find the
awards a unit received, as the published decisions state them; no sign-in, no personal
data, no internal ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import HTMLResponse

from api.deps import AppState, State
from api.public import Lang, render, words
from api.routes import Router
from api.schemas.common import Page, Schema

router = Router(tag="public")
Search = Annotated[
    str, Query(min_length=2, max_length=100, description="a unit's code, or part of its name")
]


class PublicAward(Schema):
    unit_code: str
    unit_name: str
    award_form: str
    award_form_name: str
    first_year: int
    last_year: int
    decision_number: str
    decided_on: str
    authority_id: str | None
    prize_vnd: int | None
    revoked_on: str | None
    revocation_number: str | None


def _found(app: AppState, unit: str) -> list[PublicAward]:
    rules = app.service.default_rule_set
    rows = app.runner.award_register_view.public_search(unit)
    return [
        PublicAward.model_validate({**r, "award_form_name": rules.form_name(r["award_form"])})
        for r in rows
    ]


@router.read(
    "/api/v1/public/awards",
    Page[PublicAward],
    "Awards a unit received, as its decisions state them (no sign-in)",
)
def public_awards(app: State, unit: Search) -> Page[PublicAward]:
    found = _found(app, unit)
    return Page[PublicAward](data=found, count=len(found))


@router.get("/cong-khai/khen-thuong", include_in_schema=False, response_class=HTMLResponse)
def awards_page(
    app: State,
    lang: Annotated[Lang, Query()] = "vi",
    q: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    text = q.strip()
    rows = _found(app, text) if len(text) >= 2 else []
    title = words(lang)["awards"]["title"]
    return render("awards.html", lang, "awards", title, rows=rows, q=text, searched=len(text) >= 2)
