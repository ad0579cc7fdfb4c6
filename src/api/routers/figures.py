"""The register of official poverty figures: a unit's years, one year by hand, and the
province's spreadsheet imported whole."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import Depends, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from api.deps import (
    AppState,
    Caller,
    Command,
    Principal,
    State,
    require_role,
    writes_as,
    written,
)
from api.evidence import (
    XLSX,
    EvidenceStore,
    receive_checked,
    upload_body,
)
from api.routes import Router
from api.schemas.common import Page, Written
from api.schemas.figures import ImportPublic, ImportRowError, OfficialYearPublic, WaitingImport
from api.schemas.nominations import FiguresPublic, StatisticsIn
from documents.spreadsheets import SheetError, read_figures
from domain.context import Role
from domain.errors import InvalidInput, NotFound

router = Router(tags=["province reviewer"])
AsRegistrar = Annotated[Command, Depends(writes_as(Role.PROVINCE_REVIEWER, Role.ADMIN))]
Registrar = Annotated[Principal, Depends(require_role(Role.PROVINCE_REVIEWER, Role.ADMIN))]
UnitCode = Annotated[str, Path(min_length=1, max_length=64)]
Year = Annotated[int, Path(ge=2000, le=2100)]
TEMPLATE = FilePath(__file__).parents[1] / "templates" / "poverty-figures.xlsx"
UPLOAD_BODY = upload_body("the poverty review's spreadsheet (XLSX)")


@router.read(
    "/units/{code}/poverty-figures",
    Page[OfficialYearPublic],
    "A unit's official poverty figures, year by year",
    tag="everyone",
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


@router.put_once(
    "/units/{code}/poverty-figures/{year}",
    "Record a unit's official figures for a year; a change is a correction with a reason",
)
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


@router.read(
    "/imports/poverty-figures/template.xlsx",
    None,
    "The spreadsheet to fill in: one row per unit and year",
    tag="everyone",
    response_class=FileResponse,
    responses={200: {"content": {XLSX: {}}}},
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
    upload = await receive_checked(cmd.request, store, expected=XLSX)
    pending = upload.pending
    try:
        answer = await run_in_threadpool(
            _import, cmd, pending.path, pending.sha256, dry_run, partial
        )
        if answer.applied:
            pending.keep()  # the file stays beside the evidence, by its digest
    finally:
        pending.discard()
    return answer


def _import(
    cmd: Command, path: FilePath, sha256: str, dry_run: bool, partial: bool
) -> ImportPublic:
    """Reads a spreadsheet and imports it (or, on a dry run, only checks it)."""
    try:
        sheet = read_figures(path)
    except SheetError as unreadable:
        raise InvalidInput("file", unreadable.reason) from None
    outcome = cmd.service.import_official_figures(
        cmd.context,
        sheet.rows,
        sha256,
        # Rows the sheet could not read count as errors: all or nothing, unless partial.
        apply=not dry_run and (partial or not sheet.errors),
        partial=partial,
    )
    errors = sorted([*sheet.errors, *outcome.errors])
    return ImportPublic(
        file_sha256=sha256,
        rows=sheet.total,
        accepted=len(outcome.accepted),
        rejected=len({row for row, _, _ in errors}),
        errors=[ImportRowError(row=r, column=c, reason=why) for r, c, why in errors],
        applied=outcome.applied,
        position=outcome.position,
    )


def _waiting(app: AppState) -> dict[str, FilePath]:
    """The spreadsheets received and not yet imported, by name."""
    folder = app.settings.waiting_imports_dir
    if folder is None or not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix == ".xlsx"}


@router.read(
    "/imports/poverty-figures/waiting",
    Page[WaitingImport],
    "Spreadsheets received and waiting to be previewed and imported",
)
def waiting_imports(app: State, _: Registrar) -> Page[WaitingImport]:
    files = [
        WaitingImport(
            name=name,
            size=path.stat().st_size,
            sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            received_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        )
        for name, path in _waiting(app).items()
    ]
    return Page[WaitingImport](data=files, count=len(files))


@router.post(
    "/imports/poverty-figures/waiting/{name}",
    response_model=ImportPublic,
    summary="Preview or import a waiting spreadsheet; once imported it leaves the list",
)
def import_waiting(
    name: Annotated[str, Path(min_length=1, max_length=255)],
    app: State,
    cmd: AsRegistrar,
    dry_run: Annotated[bool, Query(description="check and report, write nothing")] = True,
    partial: Annotated[bool, Query(description="apply the valid rows, list the others")] = False,
) -> ImportPublic:
    # Looked up among the files that are there: no path is built from the caller's text.
    path = _waiting(app).get(name)
    if path is None:
        raise NotFound(f"no spreadsheet named {name} is waiting")
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    answer = _import(cmd, path, sha256, dry_run, partial)
    if answer.applied:
        done = path.parent.parent / "done"
        done.mkdir(parents=True, exist_ok=True)
        path.replace(done / f"{sha256[:12]}-{path.name}")
    return answer
