"""The award register (sổ theo dõi khen thưởng, docs/spec.md §13): every award decided and
every revocation, by unit, form, year and authority; exported as CSV or XLSX; and its
statistics."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any, Literal

from fastapi import HTTPException, Query
from fastapi.responses import Response, StreamingResponse

from api.deps import After, AppState, Caller, Principal, State
from api.personal import named_rows, named_stream, women_among
from api.routes import Cursor, Limit, Router
from api.schemas.audit import STREAMED
from api.schemas.awards import AwardRow, AwardStatisticsRow
from api.schemas.common import Page
from api.spreadsheets import XLSX, xlsx_of
from domain.context import Role
from domain.errors import InvalidInput
from projections.award_register import AWARD_COLUMNS, AwardFilter
from projections.exports import chunks

router = Router(prefix="/awards", tag="province reviewer")
READERS = (Role.PROVINCE_REVIEWER, Role.COUNCIL_SECRETARY, Role.AUDITOR, Role.ADMIN)
UnitCode = Annotated[str | None, Query(max_length=64, description="the awarded unit's code")]
Form = Annotated[str | None, Query(max_length=64, description="an award form's id")]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="the decisions' year")]
AuthorityId = Annotated[str | None, Query(max_length=100, description="the deciding authority")]


def _filter_for(
    principal: Principal,
    unit: str | None,
    form: str | None,
    year: int | None,
    authority: str | None,
) -> AwardFilter:
    """The office, the secretary, auditors and admins read the whole register; a chairman
    reads the awards of the authorities they hold (Bến Tre's and Vĩnh Long's, for one who
    held both)."""
    if principal.has(*READERS):
        return AwardFilter(unit, form, year, authority)
    held = [s for s in principal.scopes(Role.AWARDING_AUTHORITY) if s]
    if not held:
        raise HTTPException(403, "needs the role province_reviewer, auditor or awarding_authority")
    if authority is not None and authority not in held:
        raise InvalidInput("authority", f"must be an authority you hold: {', '.join(held)}")
    return AwardFilter(unit, form, year, authority, within=tuple(held))


def _named(app: AppState, row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "award_form_name": app.service.default_rule_set.form_name(row["award_form"])}


@router.read("", Page[AwardRow], "The award register: the newest decision first")
def awards(
    app: State,
    principal: Caller,
    unit: UnitCode = None,
    form: Form = None,
    year: Year = None,
    authority: AuthorityId = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    after: After = None,
) -> Page[AwardRow]:
    where = _filter_for(principal, unit, form, year, authority)
    app.wait_for(after, "award_register")
    rows, count = app.runner.award_register_view.page_of(where, limit, _keyset(cursor))
    last = rows[-1] if len(rows) == limit else None
    following = None
    if last is not None:
        key = json.dumps([last["decided_on"], last["nomination_id"]])
        following = base64.urlsafe_b64encode(key.encode()).decode()
    data = [AwardRow.model_validate(_named(app, r)) for r in named_rows(app, principal, rows)]
    return Page[AwardRow](data=data, count=count, next=following)


def _keyset(cursor: str | None) -> tuple[str, str] | None:
    if cursor is None:
        return None
    try:
        decided_on, nid = json.loads(base64.urlsafe_b64decode(cursor))
        return str(decided_on), str(nid)
    except (ValueError, TypeError):
        raise InvalidInput("cursor", "is not a cursor this route gave") from None


@router.read(
    "/export",
    None,
    "The award register as CSV or XLSX, every matching award",
    response_class=StreamingResponse,
    responses={200: {"content": {**STREAMED, XLSX: {}}}},
)
def export(
    app: State,
    principal: Caller,
    format: Annotated[Literal["csv", "xlsx"], Query()] = "csv",
    unit: UnitCode = None,
    form: Form = None,
    year: Year = None,
    authority: AuthorityId = None,
    after: After = None,
) -> Response:
    where = _filter_for(principal, unit, form, year, authority)
    app.wait_for(after, "award_register")
    rows = named_stream(app, principal, app.runner.award_register_view.rows(where))
    if format == "xlsx":
        content = xlsx_of("So khen thuong", AWARD_COLUMNS, rows)
        disposition = 'attachment; filename="so-theo-doi-khen-thuong.xlsx"'
        return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})
    return StreamingResponse(
        chunks(rows, "csv", AWARD_COLUMNS),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="so-theo-doi-khen-thuong.csv"'},
    )


STAT_COLUMNS = tuple(AwardStatisticsRow.model_fields)


@router.read(
    "/statistics",
    Page[AwardStatisticsRow],
    "Awards and prizes by year, authority, form and awardee kind; as XLSX with format=xlsx",
    responses={200: {"content": {XLSX: {}}}},
)
def statistics(
    app: State,
    principal: Caller,
    year: Year = None,
    format: Annotated[Literal["json", "xlsx"], Query()] = "json",
    after: After = None,
) -> Any:
    if not principal.has(*READERS):
        raise HTTPException(403, "needs the role province_reviewer, council_secretary or auditor")
    app.wait_for(after, "award_register")
    view = app.runner.award_register_view
    women = women_among(app, view.rows(AwardFilter(year=year, nominee_kind="individual")))
    rows = [
        {
            **r,
            "women": women[(r["year"], r["authority_id"], r["award_form"])]
            if r["nominee_kind"] == "individual"
            else None,
        }
        for r in view.statistics(year)
    ]
    if format == "xlsx":
        content = xlsx_of("Thong ke", STAT_COLUMNS, iter(rows))
        disposition = 'attachment; filename="thong-ke-khen-thuong.xlsx"'
        return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})
    data = [AwardStatisticsRow.model_validate(r) for r in rows]
    return Page[AwardStatisticsRow](data=data, count=len(data))
