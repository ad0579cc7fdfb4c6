"""The register of official poverty figures: a unit's years, one year by hand, and the
province's spreadsheet imported whole."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from api.deps import (
    Caller,
    Command,
    State,
    idempotent_write,
    writes_as,
    written,
)
from api.evidence import XLSX, EvidenceStore, TooLarge, WrongType, check_content, receive_upload
from api.schemas.common import Page, Written
from api.schemas.figures import ImportPublic, ImportRowError, OfficialYearPublic
from api.schemas.nominations import FiguresPublic, StatisticsIn
from api.spreadsheets import SheetError, read_figures
from domain.context import Role
from domain.errors import InvalidNomination

router = APIRouter(tags=["province reviewer"])
AsRegistrar = Annotated[Command, Depends(writes_as(Role.PROVINCE_REVIEWER, Role.ADMIN))]
UnitCode = Annotated[str, Path(min_length=1, max_length=64)]
Year = Annotated[int, Path(ge=2000, le=2100)]
TEMPLATE = FilePath(__file__).parents[1] / "templates" / "poverty-figures.xlsx"
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@router.get(
    "/units/{code}/poverty-figures",
    tags=["everyone"],
    response_model=Page[OfficialYearPublic],
    summary="A unit's official poverty figures, year by year",
)
def unit_figures(code: UnitCode, app: State, _: Caller) -> Page[OfficialYearPublic]:
    unit = app.service.unit(code)
    years = [
        OfficialYearPublic(
            year=y.year,
            figures=FiguresPublic.model_validate(y.figures),
            corrections=y.corrections,
            version=y.version,
        )
        for y in app.service.official_years(unit.code)
    ]
    return Page[OfficialYearPublic](data=years, count=len(years))


@router.put(
    "/units/{code}/poverty-figures/{year}",
    response_model=Written,
    summary="Record a unit's official figures for a year; a change is a correction with a reason",
)
@idempotent_write
def record_figures(
    code: UnitCode,
    year: Year,
    body: StatisticsIn,
    cmd: AsRegistrar,
    reason: Annotated[
        str | None, Query(max_length=2000, description="why, for a correction")
    ] = None,
) -> Written:
    data = body.model_dump(mode="json", exclude_none=True)
    return written(cmd.service.record_official_figures(cmd.context, code, year, data, reason))


@router.get(
    "/imports/poverty-figures/template.xlsx",
    tags=["everyone"],
    response_class=FileResponse,
    responses={200: {"content": {XLSX: {}}}},
    summary="The spreadsheet to fill in: one row per unit and year",
)
def template(_: Caller) -> FileResponse:
    return FileResponse(
        TEMPLATE,
        media_type=XLSX,
        filename="bieu-mau-so-lieu-ho-ngheo.xlsx",
        headers={"X-Content-Type-Options": "nosniff"},
    )


@router.post(
    "/imports/poverty-figures",
    response_model=ImportPublic,
    openapi_extra=UPLOAD_BODY,
    summary="Import the poverty review's spreadsheet: all rows or none (or the valid ones)",
)
async def import_figures(
    app: State,
    cmd: AsRegistrar,
    dry_run: Annotated[bool, Query(description="check and report, write nothing")] = True,
    partial: Annotated[bool, Query(description="apply the valid rows, list the others")] = False,
) -> ImportPublic:
    config = app.settings
    store = EvidenceStore(config.uploads_dir, config.upload_max_bytes)
    try:
        upload = await receive_upload(cmd.request, store)
    except TooLarge as refused:
        raise HTTPException(413, str(refused)) from None
    pending = upload.pending
    try:
        try:
            check_content(pending.path, XLSX)
        except WrongType as wrong:
            raise HTTPException(415, f"file: {wrong}") from None
        try:
            sheet = await run_in_threadpool(read_figures, pending.path)
        except SheetError as unreadable:
            raise InvalidNomination("file", unreadable.reason) from None
        outcome = await run_in_threadpool(
            cmd.service.import_official_figures,
            cmd.context,
            sheet.rows,
            pending.sha256,
            # Rows the sheet could not read count as errors: all or nothing, unless partial.
            apply=not dry_run and (partial or not sheet.errors),
            partial=partial,
        )
        if outcome.applied:
            pending.keep()  # the file stays beside the evidence, by its digest
    finally:
        pending.discard()
    errors = sorted([*sheet.errors, *outcome.errors])
    return ImportPublic(
        file_sha256=pending.sha256,
        rows=sheet.total,
        accepted=len(outcome.accepted),
        rejected=len({row for row, _, _ in errors}),
        errors=[ImportRowError(row=r, column=c, reason=why) for r, c, why in errors],
        applied=outcome.applied,
        position=outcome.position,
    )
