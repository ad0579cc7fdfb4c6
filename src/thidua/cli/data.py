"""Bringing data in and acting in bulk: imports, batches, the reorganisation."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import date, datetime
from pathlib import Path
from uuid import UUID

from projections.board import BoardQuery
from thidua.bootstrap import (
    build_runner,
)
from thidua.cli.common import (
    Subparsers,
    UsageError,
    open_service,
    progress_bar,
)
from thidua.settings import Settings


def _import_poverty_figures(settings: Settings, args: argparse.Namespace) -> int:
    """The province's spreadsheet, as the API imports it: all rows or none, unless partial."""

    from documents.spreadsheets import SheetError, read_figures
    from domain.context import Actor, CommandContext, Grant, Role

    path: Path = args.file
    if not path.is_file():
        raise UsageError(f"file: {path} does not exist")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        sheet = read_figures(path)
    except SheetError as unreadable:
        raise UsageError(f"file: {unreadable.reason}") from None
    operator = Actor("cli", (Grant(Role.ADMIN),))
    ctx = CommandContext(operator, f"cli/import/{digest}", f"import/{digest[:12]}", date.today())
    with open_service(settings) as service, progress_bar("import") as progress:
        outcome = service.import_official_figures(
            ctx,
            sheet.rows,
            digest,
            apply=not args.dry_run and (args.partial or not sheet.errors),
            partial=args.partial,
            progress=progress,
        )
    errors = sorted([*sheet.errors, *outcome.errors])
    for row, column, reason in errors:
        print(f"row {row}, {column}: {reason}", file=sys.stderr)
    rejected = len({row for row, _, _ in errors})
    verdict = "applied" if outcome.applied else "not applied"
    print(
        f"{path.name} ({digest[:12]}): {sheet.total} rows, {len(outcome.accepted)} accepted,"
        f" {rejected} rejected; {verdict}"
    )
    return 0 if outcome.applied or (args.dry_run and not errors) else 1


def _import_units(settings: Settings, args: argparse.Namespace) -> int:
    """A units file (``{"units": [...]}``, as ``data/units/``): all of them or none; the
    same file again changes nothing, and finishes an import a crash cut short."""

    from domain.context import Actor, CommandContext, Grant, Role

    path: Path = args.file
    if not path.is_file():
        raise UsageError(f"file: {path} does not exist")
    data = path.read_bytes()
    try:
        rows = json.loads(data)["units"]
    except (ValueError, KeyError, TypeError):
        raise UsageError('file: is not JSON of the form {"units": [...]}') from None
    if not isinstance(rows, list):
        raise UsageError("file: units must be a list")
    digest = hashlib.sha256(data).hexdigest()
    operator = Actor("cli", (Grant(Role.ADMIN),))
    ctx = CommandContext(operator, f"cli/units/{digest}", f"units/{digest[:12]}", date.today())
    with open_service(settings) as service:
        results = service.register_units(ctx, rows)
    replayed = sum(r.replayed for r in results)
    print(
        f"{path.name} ({digest[:12]}): {len(rows)} units in {len(results)} saves,"
        f" {len(results) - replayed} applied, {replayed} already applied"
    )
    return 0


def _batch(settings: Settings, args: argparse.Namespace) -> int:
    """The API's batch from a file, as a named account: each item its own command, key and
    result, one line per item; the exit status says whether every item was done."""
    from pydantic import ValidationError

    from api.batches import run_as
    from api.schemas.batches import BatchIn
    from domain.calendar import VIETNAM
    from thidua.bootstrap import views_database

    path: Path = args.file
    if not path.is_file():
        raise UsageError(f"file: {path} does not exist")
    try:
        body = BatchIn.model_validate_json(path.read_bytes())
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise UsageError(f"file: {where}: {first['msg']}") from None
    with open_service(settings) as service:
        account = service.find_account(args.as_)
        if account is None or not account.active:
            raise UsageError(f"--as: {args.as_} is not an active account")
        database = views_database(settings)
        try:
            today = datetime.now(VIETNAM).date()
            out = run_as(service, database, account, body, today, f"cli/{path.name}")
        finally:
            database.close()
    for r in out.results:
        verdict = "done" if r.ok else f"refused ({r.status}): {(r.error or {}).get('detail')}"
        print(f"{r.key}\t{r.action}\t{r.nomination_id}\t{verdict}")
    print(f"{out.succeeded} done, {out.failed} refused")
    return 0 if out.failed == 0 else 1


def _reorganise(settings: Settings, args: argparse.Namespace) -> int:
    """Lists the dossiers in stages that the reorganisations up to a date ended, and moves
    them (those the clock has not moved yet), each by a recorded event citing the law."""
    from domain.context import Actor, CommandContext, Grant, Role

    try:
        on = date.fromisoformat(args.on)
    except ValueError:
        raise UsageError(f"on: {args.on!r} is not a date (YYYY-MM-DD)") from None
    operator = Actor("cli", (Grant(Role.ADMIN),))
    with open_service(settings) as service:
        runner = build_runner(settings, service)
        runner.catch_up("board")
        rules = service.default_rule_set
        moves = {
            stage: (to, reorganisation)
            for reorganisation in rules.reorganisations
            if reorganisation.on <= on
            for stage, to in reorganisation.stages_end.items()
        }
        # A form the reorganisation ended closes in any open stage; other dossiers move.
        stages = sorted({*moves, "council", "awaiting_decision"})
        rows = [
            row
            for stage in stages
            for row in runner.board_view.page_of(BoardQuery(stage=stage, limit=1_000_000)).rows
            if rules.form_ended_by(row["award_form"], on) or stage in moves
        ]
        for row in rows:
            if ended := rules.form_ended_by(row["award_form"], on):
                to, reorganisation = "closed", ended
            else:
                to, reorganisation = moves[row["stage"]]
            print(
                f"{row['unit_code']}\t{row['nomination_id']}\t{row['stage']} → {to}"
                f"\t(từ {reorganisation.on.isoformat()})"
            )
            if not args.dry_run:
                ctx = CommandContext(
                    operator,
                    f"cli/reorganise/{on.isoformat()}/{row['nomination_id']}",
                    f"reorganise/{on.isoformat()}",
                    on,
                )
                service.cut_over(ctx, UUID(row["nomination_id"]))
    verb = "would move" if args.dry_run else "moved"
    print(f"{verb} {len(rows)} dossiers", file=sys.stderr)
    return 0


def add_parsers(commands: Subparsers) -> None:
    batch = commands.add_parser(
        "batch", help="the API's batch from a JSON file, as an account: each item on its own"
    )
    batch.add_argument("file", type=Path, metavar="FILE.json", help='{"items": [...]}')
    batch.add_argument("--as", dest="as_", required=True, metavar="USERNAME")
    batch.set_defaults(handler=_batch)
    reorganise = commands.add_parser(
        "reorganise",
        help="move dossiers out of the stages a reorganisation ended; close its ended forms' ones",
    )
    reorganise.add_argument("--on", required=True, help="the date, YYYY-MM-DD")
    reorganise.add_argument("--dry-run", action="store_true", help="list, move nothing")
    reorganise.set_defaults(handler=_reorganise)
    importing = commands.add_parser("import", help="bring in official data").add_subparsers(
        dest="what", required=True
    )
    figures = importing.add_parser(
        "poverty-figures", help="the poverty review's spreadsheet (XLSX), all rows or none"
    )
    figures.add_argument("file", type=Path, metavar="FILE.xlsx")
    figures.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    figures.add_argument("--partial", action="store_true", help="apply the valid rows only")
    figures.set_defaults(handler=_import_poverty_figures)
    bulk = importing.add_parser(
        "units", help='many units at once from a JSON file {"units": [...]}, all or none'
    )
    bulk.add_argument("file", type=Path, metavar="FILE.json")
    bulk.set_defaults(handler=_import_units)
