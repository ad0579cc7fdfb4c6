# Over 400 lines: one argparse tree and a short handler per command: the command list.
"""The ``thidua`` command."""

from __future__ import annotations

import argparse
import hashlib
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

import structlog

from domain.audit import verify_store
from domain.criteria.ruleset import RuleSet
from domain.errors import DomainError
from domain.service import NominationService
from projections.audit_trail import TrailFilter
from projections.board import BoardQuery
from projections.exports import FORMATS, export
from projections.receipts import ReceiptError, parse_receipt, prove_append
from projections.runner import CATALOGUE, ProjectionRunner
from projections.time_travel import board_as_of
from thidua.bootstrap import (
    TRUSTED_AUDIT_KEYS,
    build_receipts,
    build_runner,
    build_service,
    migrate_store,
    signing_key,
)
from thidua.logging import configure_logging
from thidua.settings import Settings

Handler = Callable[[Settings, argparse.Namespace], int]


class UsageError(Exception):
    """Bad command-line input; the message names the option."""


@contextmanager
def _service(settings: Settings) -> Iterator[NominationService]:
    service = build_service(settings)
    try:
        yield service
    finally:
        service.close()


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr, so exports on stdout stay clean."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _demo(settings: Settings, _: argparse.Namespace) -> int:
    from thidua.demo import hold_sample_import, run_demo

    structlog.get_logger().info("demo.start", store=settings.store, data_dir=str(settings.data_dir))
    hold_sample_import(settings.waiting_imports_dir)
    with _service(settings) as service:
        return run_demo(service, settings.units_file, sys.stdout)


def _run(settings: Settings, _: argparse.Namespace) -> int:
    from thidua.services import run_everything

    return run_everything(settings)


def _cluster(settings: Settings, _: argparse.Namespace) -> int:
    from thidua.cluster import run_cluster

    return run_cluster(settings)


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from thidua.services import serve

    asyncio.run(serve(settings, worker=True, relay=not args.no_relay))
    return 0


def _api(settings: Settings, _: argparse.Namespace) -> int:
    import asyncio

    from thidua.services import serve_api

    asyncio.run(serve_api(settings))
    return 0


def _openapi(settings: Settings, args: argparse.Namespace) -> int:
    """The API's OpenAPI document, from an app built on a throwaway store."""
    import tempfile

    from thidua.bootstrap import build_app

    with tempfile.TemporaryDirectory(prefix="thidua-openapi-") as scratch:
        throwaway = settings.model_copy(
            update={"store": "sqlite", "sqlite_path": None, "data_dir": Path(scratch)}
        )
        app = build_app(throwaway, follow_projections=False)
        document = app.openapi()
        app.state.thidua.service.close()
    with _output(args.output) as out:
        json.dump(document, out, ensure_ascii=False, indent=2, sort_keys=True)
        out.write("\n")
    return 0


def _import_poverty_figures(settings: Settings, args: argparse.Namespace) -> int:
    """The province's spreadsheet, as the API imports it: all rows or none, unless partial."""
    import hashlib

    from api.spreadsheets import SheetError, read_figures
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
    with _service(settings) as service, _progress("import") as progress:
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
    import hashlib

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
    with _service(settings) as service:
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
    from dataclasses import dataclass

    from pydantic import ValidationError

    from api.deps import create_request_table, principal_of
    from api.routers.batches import Batch, run_items
    from api.schemas.batches import BatchIn
    from domain.calendar import VIETNAM
    from projections.views.database import Database
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

    @dataclass(frozen=True)
    class Host:
        service: NominationService
        database: Database

    with _service(settings) as service:
        account = service.find_account(args.as_)
        if account is None or not account.active:
            raise UsageError(f"--as: {args.as_} is not an active account")
        batch = Batch(principal_of(account), datetime.now(VIETNAM).date(), f"cli/{path.name}")
        database = views_database(settings)
        try:
            create_request_table(database)
            out = run_items(Host(service, database), batch, body)
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
    with _service(settings) as service:
        runner = build_runner(settings, service)
        runner.catch_up("board")
        rules = service.default_rule_set
        moves = {
            stage: (to, reorganisation)
            for reorganisation in rules.reorganisations
            if reorganisation.on <= on
            for stage, to in reorganisation.stages_end.items()
        }
        rows = [
            row
            for stage in sorted(moves)
            for row in runner.view("board").page_of(BoardQuery(stage=stage, limit=1_000_000)).rows
        ]
        for row in rows:
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


def _relay(settings: Settings, _: argparse.Namespace) -> int:
    import asyncio

    from thidua.services import serve

    asyncio.run(serve(settings, worker=False, relay=True))
    return 0


# --- projections -------------------------------------------------------------------------


def _projections_run(settings: Settings, args: argparse.Namespace) -> int:
    log = structlog.get_logger()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    unknown = [n for n in args.names if n not in CATALOGUE]
    if unknown:
        raise UsageError(f"name: {unknown[0]!r} is not one of {', '.join(CATALOGUE)}")
    with _service(settings) as service:
        runner = build_runner(settings, service, args.names or None)
        reporter = threading.Thread(target=_report_lag, args=(runner, stop, log), daemon=True)
        reporter.start()
        log.info("projections.run", names=list(runner.projections))
        runner.run_forever(stop, poll_seconds=args.poll)
    return 0


def _report_lag(runner: ProjectionRunner, stop: threading.Event, log: Any) -> None:
    while not stop.wait(10):
        for lag in runner.lag():
            log.info("projection.lag", projection=lag.name, behind=lag.behind)


def _projections_status(settings: Settings, _: argparse.Namespace) -> int:
    """Each reader of the log: its position and lag, who holds its lease, the age of its
    holder's last committed step and how often a holder lost the lease. The relay keeps its
    place in the same table: signals for events after it are still to be sent."""
    with _service(settings) as service:
        runner = build_runner(settings, service)
        print(
            f"{'reader':16} {'position':>10} {'behind':>10} {'step age':>9} {'losses':>7}  holder"
        )
        for r in runner.readers():
            age = "-" if r.step_age_seconds is None else f"{r.step_age_seconds:.1f}s"
            holder = (r.holder or "-") if r.held else "(none)"
            print(
                f"{r.name:16} {r.position:>10} {r.behind:>10} {age:>9} {r.lease_losses:>7}"
                f"  {holder}"
            )
    return 0


def _projections_rebuild(settings: Settings, args: argparse.Namespace) -> int:
    names = list(CATALOGUE) if args.all else [args.name]
    if not args.all and args.name not in CATALOGUE:
        raise UsageError(f"name: must be one of {', '.join(CATALOGUE)}, or use --all")
    with _service(settings) as service:
        runner = build_runner(settings, service, names)
        for name in names:
            with _progress(f"rebuild {name}") as progress:
                runner.rebuild(name, progress)
            print(f"{name}: rebuilt up to position {runner.position(name)}")
    return 0


# --- audit -------------------------------------------------------------------------------


def _audit_verify(settings: Settings, args: argparse.Namespace) -> int:
    if args.receipt is not None:
        return _audit_verify_receipt(settings, args.receipt)
    with _service(settings) as service:
        runner = build_runner(settings, service, ["audit_trail"])
        digests = runner.view("audit_trail").digests()
        with _progress("verify") as progress:
            report = verify_store(
                service, digests, progress=progress, certified=signing_key(settings).certifies
            )
    print(json.dumps(asdict(report), ensure_ascii=False))
    return 0 if report.ok else 1


# --- operations ----------------------------------------------------------------------------


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from thidua.backup import BackupError, take_backup

    with _service(settings) as service:
        try:
            report = take_backup(settings, args.destination, service.head)
        except BackupError as error:
            raise UsageError(f"destination: {error}") from None
    print(
        f"backup: {report.files} files, {report.bytes} bytes, the log at {report.head} or"
        f" later, in {report.destination}"
    )
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    """Restores, then proves the result: the log is the one a receipt the operator kept
    signed (checked with the audit public key the operator supplies, never the backup's
    own), the chain verifies and every view is rebuilt."""
    from cryptography.hazmat.primitives import serialization

    from projections.receipts import check_signature, public_key_from_pem
    from projections.runner import CATALOGUE
    from thidua.backup import BackupError, restore_backup

    receipt = _read_receipt(args.receipt)
    try:
        public_key = public_key_from_pem(args.public_key.read_bytes())
        check_signature(parse_receipt(receipt), public_key)
    except OSError as error:
        raise UsageError(f"public-key: cannot read {args.public_key}: {error.strerror}") from None
    except ReceiptError as refused:
        raise UsageError(f"receipt: {refused}") from None
    try:
        manifest = restore_backup(settings, args.source, with_keys=args.with_keys)
    except BackupError as error:
        raise UsageError(f"source: {error}") from None
    # The operator's audit key certified the log's writer keys: they count here too.
    trusted = settings.keys_dir / TRUSTED_AUDIT_KEYS
    trusted.mkdir(parents=True, exist_ok=True, mode=0o700)
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    (trusted / f"{hashlib.sha256(raw).hexdigest()[:16]}.pem").write_bytes(
        args.public_key.read_bytes()
    )
    with _service(settings) as service:
        sealed = _log_matches(service, receipt)
        if not sealed["ok"]:  # nothing else is worth doing with it: say so, and stop
            print(json.dumps({"restored_from": str(args.source), "receipt": sealed}))
            print(
                "thidua: the restored log is not the one the receipt signed: do not use it",
                file=sys.stderr,
            )
            return 1
        runner = build_runner(settings, service)
        for name in CATALOGUE:
            with _progress(f"rebuild {name}") as progress:
                runner.rebuild(name, progress)
        digests = runner.view("audit_trail").digests()
        with _progress("verify") as progress:
            report = verify_store(
                service, digests, progress=progress, certified=signing_key(settings).certifies
            )
        head = service.head()
    print(
        json.dumps(
            {
                "restored_from": str(args.source),
                "backup_created_at": manifest["created_at"],
                "head": head,
                "receipt": sealed,
                "keys_restored": bool(args.with_keys),
                "views_rebuilt": list(CATALOGUE),
                "verify": asdict(report),
            },
            ensure_ascii=False,
        )
    )
    return 0 if report.ok else 1


def _log_matches(service: NominationService, receipt: dict[str, Any]) -> dict[str, Any]:
    """Whether the log up to the receipt's position is the one it signed, leaf for leaf."""
    from projections.receipts import log_leaves, root_of, tree_of

    position, count = int(receipt["position"]), int(receipt["count"])
    leaves = list(log_leaves(service, position))
    ok = len(leaves) == count and (count == 0 or root_of(tree_of(leaves), count) == receipt["root"])
    return {"ok": ok, "position": position, "count": count, "found": len(leaves)}


def _read_receipt(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise UsageError(f"{path}: not a readable receipt ({error})") from error


def _audit_verify_receipt(settings: Settings, path: Path) -> int:
    receipt = _read_receipt(path)
    with _service(settings) as service:
        try:
            check = build_receipts(settings, service).check(receipt)
        except ReceiptError as refused:
            print(json.dumps({"ok": False, "refused": str(refused)}, ensure_ascii=False))
            return 1
    print(json.dumps(asdict(check), ensure_ascii=False))
    return 0 if check.ok else 1


def _audit_verify_document(settings: Settings, args: argparse.Namespace) -> int:
    """Exit 0 only when the file is one the product issued and its records are intact."""
    import hashlib

    from api.documents import read_metadata

    try:
        pdf = args.file.read_bytes()
    except OSError as error:
        raise UsageError(f"file: cannot read {args.file}: {error.strerror}") from None
    try:
        meta = read_metadata(pdf)
    except ValueError as error:
        print(json.dumps({"ok": False, "file": str(args.file), "refused": str(error)}))
        return 1
    with _service(settings) as service:
        check = service.check_document(meta["document_id"])
        issued = build_receipts(settings, service).was_issued(
            meta["document_id"], hashlib.sha256(pdf).hexdigest()
        )
    altered = [] if issued else ["the file is not one the product issued: it was altered"]
    report = {
        "ok": check.ok and issued,
        "document_id": check.document_id,
        "records": check.state.value,
        "file": "as issued" if issued else "altered",
        "digest": check.digest,
        "digest_in_document": meta.get("digest"),
        "problems": altered + check.problems,
    }
    print(json.dumps(report, ensure_ascii=False))
    return 0 if report["ok"] else 1


def _audit_public_key(settings: Settings, _: argparse.Namespace) -> int:

    print(signing_key(settings).public_pem(), end="")
    return 0


def _audit_seal(settings: Settings, args: argparse.Namespace) -> int:
    with _service(settings) as service:
        try:
            receipt = build_receipts(settings, service).seal()
        except ReceiptError as refused:
            print(f"thidua: not sealed: {refused}", file=sys.stderr)
            return 1
    with _output(args.output) as out:
        out.write(json.dumps(receipt, ensure_ascii=False, indent=2) + "\n")
    return 0


def _audit_prove_append(settings: Settings, args: argparse.Namespace) -> int:
    old, new = _read_receipt(args.old), _read_receipt(args.new)
    with _service(settings) as service:
        receipts = build_receipts(settings, service)
        try:
            proof = receipts.consistency(int(old["position"]), int(new["position"]))
            prove_append(old, new, proof, receipts.key.public)
        except (ReceiptError, KeyError, TypeError, ValueError) as refused:
            print(json.dumps({"ok": False, "refused": str(refused)}, ensure_ascii=False))
            return 1
    print(json.dumps({"ok": True, **proof}, ensure_ascii=False))
    return 0


def _db_migrate(settings: Settings, _: argparse.Namespace) -> int:
    if not migrate_store(settings):
        raise UsageError(
            "THIDUA_POSTGRES_OWNER_URL: set it (and THIDUA_STORE=postgres) to migrate as the owner"
        )
    print("migrated: tables, append-only triggers and the product role's rights are in place")
    return 0


def _audit_export(settings: Settings, args: argparse.Namespace) -> int:
    where = TrailFilter(args.cycle, args.district, args.criterion, args.outcome)
    with _service(settings) as service:
        view = build_runner(settings, service, ["audit_trail"]).view("audit_trail")
        rows = view.checks(where) if args.checks else view.rows(where)
        what = "checks" if args.checks else "trail"
        with _output(args.output) as out:
            count = export(rows, out, what=what, fmt=args.format)
    print(f"exported {count} rows", file=sys.stderr)
    return 0


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as out:
        yield out


def _audit_what_if(settings: Settings, args: argparse.Namespace) -> int:
    with _service(settings) as service:
        if args.rule_set_file:
            try:
                rules = RuleSet.from_bytes(Path(args.rule_set_file).read_bytes())
            except OSError as error:
                raise UsageError(f"rule-set-file: cannot be read ({error.strerror})") from None
        else:
            rules = service.rule_set(settings.rule_set_id, args.rule_set_version)
        if args.nomination:
            nids = [_uuid("nomination", n) for n in args.nomination]
        else:
            runner = build_runner(settings, service, ["board"])
            runner.catch_up("board")
            page = runner.view("board").page_of(BoardQuery(cycle_year=args.cycle, limit=100_000))
            nids = [UUID(row["nomination_id"]) for row in page.rows]
        for row in service.what_if(nids, rules):
            record = asdict(row) | {"changed": row.changed}
            print(json.dumps(record, ensure_ascii=False, default=str))
    return 0


def _audit_board(settings: Settings, args: argparse.Namespace) -> int:
    moment = _moment(args.as_of)
    query = BoardQuery(stage=args.stage, cycle_year=args.cycle, limit=100_000)
    with _service(settings) as service:
        page = board_as_of(service, moment, query)
    for row in page.rows:
        print(json.dumps(row, ensure_ascii=False))
    print(f"{page.count} nominations as of {moment.isoformat()}", file=sys.stderr)
    return 0


def _audit_show(settings: Settings, args: argparse.Namespace) -> int:
    nid = _uuid("nomination", args.nomination)
    moment = _moment(args.as_of) if args.as_of else None
    with _service(settings) as service:
        summary = service.get_nomination(nid, version=args.version, as_of=moment)
    print(json.dumps(asdict(summary), ensure_ascii=False, default=str, indent=2))
    return 0


def _uuid(name: str, value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise UsageError(f"{name}: {value!r} is not a UUID") from None


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"as-of: {value!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise UsageError("as-of: must include a time zone, e.g. 2024-03-01T00:00:00+07:00")
    return moment


# --- the parser --------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thidua", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", help="take sample nominations through their lifecycle and print the outcomes"
    )
    demo.set_defaults(handler=_demo)
    everything = commands.add_parser(
        "run", help="a local Temporal, the worker, the relay and the projections (make run)"
    )
    everything.set_defaults(handler=_run)
    cluster = commands.add_parser(
        "cluster",
        help="a production-shaped deployment on one machine: PostgreSQL, Temporal, two of"
        " each process (make cluster)",
    )
    cluster.set_defaults(handler=_cluster)
    worker = commands.add_parser("worker", help="the Temporal worker (and the relay)")
    worker.add_argument("--no-relay", action="store_true", help="run the relay elsewhere")
    worker.set_defaults(handler=_worker)
    api = commands.add_parser("api", help="the HTTP API alone, on THIDUA_HOST:THIDUA_PORT")
    api.set_defaults(handler=_api)
    openapi = commands.add_parser("openapi", help="the API's OpenAPI document, as JSON")
    openapi.add_argument("-o", "--output", type=Path, help="a file (default: standard output)")
    openapi.set_defaults(handler=_openapi)
    relay = commands.add_parser("relay", help="turn committed events into workflow signals")
    relay.set_defaults(handler=_relay)

    projections = commands.add_parser("projections", help="read models").add_subparsers(
        dest="action", required=True
    )
    run = projections.add_parser("run", help="follow the log and keep every view current")
    run.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(CATALOGUE)}")
    run.add_argument("--poll", type=float, default=0.5, help="seconds between polls")
    run.set_defaults(handler=_projections_run)
    status = projections.add_parser(
        "status", help="each projection's and the relay's position and lag behind the log"
    )
    status.set_defaults(handler=_projections_status)
    rebuild = projections.add_parser("rebuild", help="drop a view and replay the log into it")
    rebuild.add_argument("name", nargs="?", metavar="NAME")
    rebuild.add_argument("--all", action="store_true")
    rebuild.set_defaults(handler=_projections_rebuild)

    db = commands.add_parser("db", help="the event store's schema").add_subparsers(
        dest="action", required=True
    )
    db.add_parser(
        "migrate", help="as the owner role: create or update tables, triggers and grants"
    ).set_defaults(handler=_db_migrate)

    backup = commands.add_parser(
        "backup", help="an online backup: the store, evidence files, keys and a manifest"
    )
    backup.add_argument("destination", type=Path, help="a new or empty folder")
    backup.set_defaults(handler=_backup)
    restore = commands.add_parser(
        "restore", help="restore a backup into an empty place, verify it and rebuild the views"
    )
    restore.add_argument("source", type=Path, help="a folder made by thidua backup")
    restore.add_argument(
        "--receipt",
        type=Path,
        required=True,
        help="a receipt sealed before the backup, kept apart from it (thidua audit seal)",
    )
    restore.add_argument(
        "--public-key",
        type=Path,
        required=True,
        help="the audit public key (PEM) the receipt was signed with, kept apart from the backup",
    )
    restore.add_argument(
        "--with-keys",
        action="store_true",
        help="also restore the backup's keys (tokens, receipts, snapshots); by default new"
        " ones are made",
    )
    restore.set_defaults(handler=_restore)

    audit = commands.add_parser("audit", help="verify, export and replay history").add_subparsers(
        dest="action", required=True
    )
    verify = audit.add_parser("verify", help="recompute every hash chain, or check a receipt")
    verify.add_argument("--receipt", type=Path, help="a receipt kept from `audit seal`")
    verify.set_defaults(handler=_audit_verify)
    document = audit.add_parser(
        "verify-document", help="check a council document (PDF) against the store"
    )
    document.add_argument("file", type=Path, metavar="FILE.pdf")
    document.set_defaults(handler=_audit_verify_document)
    public_key = audit.add_parser(
        "public-key", help="the audit public key (PEM) receipts are signed with: keep a copy"
    )
    public_key.set_defaults(handler=_audit_public_key)
    seal = audit.add_parser("seal", help="sign a receipt over the whole log as it stands")
    seal.add_argument("--output", type=Path, help="where to write it (default: stdout)")
    seal.set_defaults(handler=_audit_seal)
    prove = audit.add_parser("prove-append", help="check that the log at NEW extends OLD")
    prove.add_argument("old", type=Path, metavar="OLD")
    prove.add_argument("new", type=Path, metavar="NEW")
    prove.set_defaults(handler=_audit_prove_append)
    from thidua import writer_keys

    writer_keys.add_parsers(audit)
    batch = commands.add_parser(
        "batch", help="the API's batch from a JSON file, as an account: each item on its own"
    )
    batch.add_argument("file", type=Path, metavar="FILE.json", help='{"items": [...]}')
    batch.add_argument("--as", dest="as_", required=True, metavar="USERNAME")
    batch.set_defaults(handler=_batch)
    reorganise = commands.add_parser(
        "reorganise", help="move dossiers out of the stages a reorganisation ended"
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
    exporting = audit.add_parser("export", help="the audit trail as CSV or JSON Lines")
    exporting.add_argument("--checks", action="store_true", help="criterion checks only")
    exporting.add_argument("--format", choices=FORMATS, default="csv")
    exporting.add_argument("--cycle", type=int)
    exporting.add_argument("--district")
    exporting.add_argument("--criterion")
    exporting.add_argument("--outcome")
    exporting.add_argument("--output", type=Path)
    exporting.set_defaults(handler=_audit_export)
    what_if = audit.add_parser("what-if", help="re-evaluate under another rule set, no writes")
    source = what_if.add_mutually_exclusive_group(required=True)
    source.add_argument("--rule-set-file")
    source.add_argument("--rule-set-version", type=int)
    which = what_if.add_mutually_exclusive_group(required=True)
    which.add_argument("--nomination", action="append")
    which.add_argument("--cycle", type=int)
    what_if.set_defaults(handler=_audit_what_if)
    board = audit.add_parser("board", help="the board as it stood at a moment")
    board.add_argument("--as-of", required=True)
    board.add_argument("--stage")
    board.add_argument("--cycle", type=int)
    board.set_defaults(handler=_audit_board)
    show = audit.add_parser("show", help="a nomination now, at a version or at a moment")
    show.add_argument("nomination")
    moment = show.add_mutually_exclusive_group()
    moment.add_argument("--version", type=int)
    moment.add_argument("--as-of")
    show.set_defaults(handler=_audit_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings()
    configure_logging(settings)
    try:
        return int(args.handler(settings, args))
    except (UsageError, DomainError) as error:
        print(f"thidua: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
