"""What auditors run: verify chains, signatures and receipts, seal, export, replay."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import asdict
from pathlib import Path
from uuid import UUID

from domain.criteria.ruleset import RuleSet
from projections.audit_trail_view import TrailFilter
from projections.board import BoardQuery
from projections.exports import FORMATS, export
from projections.time_travel import board_as_of
from service.audit import verify_store
from service.receipts import ReceiptError, prove_append
from thidua.bootstrap import (
    build_receipts,
    build_runner,
    signing_key,
)
from thidua.cli.common import (
    Subparsers,
    UsageError,
    open_service,
    output,
    parse_moment,
    parse_uuid,
    progress_bar,
    read_receipt,
)
from thidua.cli.writer_keys import add_parsers as add_writer_key_parsers
from thidua.settings import Settings


def _audit_verify(settings: Settings, args: argparse.Namespace) -> int:
    if args.receipt is not None:
        return _audit_verify_receipt(settings, args.receipt)
    with open_service(settings) as service:
        runner = build_runner(settings, service, ["audit_trail"])
        digests = runner.audit_trail_view.digests()
        with progress_bar("verify") as progress:
            report = verify_store(
                service, digests, progress=progress, certified=signing_key(settings).certifies
            )
    print(json.dumps(asdict(report), ensure_ascii=False))
    return 0 if report.ok else 1


def _audit_verify_receipt(settings: Settings, path: Path) -> int:
    receipt = read_receipt(path)
    with open_service(settings) as service:
        try:
            check = build_receipts(settings, service).check(receipt)
        except ReceiptError as refused:
            print(json.dumps({"ok": False, "refused": str(refused)}, ensure_ascii=False))
            return 1
    print(json.dumps(asdict(check), ensure_ascii=False))
    return 0 if check.ok else 1


def _audit_verify_document(settings: Settings, args: argparse.Namespace) -> int:
    """Exit 0 only when the file is one the product issued and its records are intact."""

    from documents.council_pdf import read_metadata
    from documents.signing import check_signature
    from thidua.bootstrap import signing_keys

    try:
        pdf = args.file.read_bytes()
    except OSError as error:
        raise UsageError(f"file: cannot read {args.file}: {error.strerror}") from None
    try:
        meta = read_metadata(pdf)
    except ValueError as error:
        print(json.dumps({"ok": False, "file": str(args.file), "refused": str(error)}))
        return 1
    with open_service(settings) as service:
        check = service.check_document(meta["document_id"])
        issued = build_receipts(settings, service).was_issued(
            meta["document_id"], hashlib.sha256(pdf).hexdigest()
        )
    altered = [] if issued else ["the file is not one the product issued: it was altered"]
    signature = check_signature(pdf, signing_keys(settings).trust_roots())
    signing = {
        "present": signature.present,
        "ok": signature.ok,
        "signer": signature.signer,
        "signed_at": signature.signed_at.isoformat() if signature.signed_at else None,
    }
    # An unsigned document is judged by its record alone; a signed one by its signature too.
    report = {
        "ok": check.ok and issued and (signature.ok or not signature.present),
        "signature": signing,
        "document_id": check.document_id,
        "records": check.state.value,
        "file": "as issued" if issued else "altered",
        "digest": check.digest,
        "digest_in_document": meta.get("digest"),
        "problems": altered + check.problems + (signature.problems if signature.present else []),
    }
    print(json.dumps(report, ensure_ascii=False))
    return 0 if report["ok"] else 1


def _audit_public_key(settings: Settings, _: argparse.Namespace) -> int:

    print(signing_key(settings).public_pem(), end="")
    return 0


def _audit_seal(settings: Settings, args: argparse.Namespace) -> int:
    with open_service(settings) as service:
        try:
            receipt = build_receipts(settings, service).seal()
        except ReceiptError as refused:
            print(f"thidua: not sealed: {refused}", file=sys.stderr)
            return 1
    with output(args.output) as out:
        out.write(json.dumps(receipt, ensure_ascii=False, indent=2) + "\n")
    return 0


def _audit_prove_append(settings: Settings, args: argparse.Namespace) -> int:
    old, new = read_receipt(args.old), read_receipt(args.new)
    with open_service(settings) as service:
        receipts = build_receipts(settings, service)
        try:
            proof = receipts.consistency(int(old["position"]), int(new["position"]))
            prove_append(old, new, proof, receipts.key.public)
        except (ReceiptError, KeyError, TypeError, ValueError) as refused:
            print(json.dumps({"ok": False, "refused": str(refused)}, ensure_ascii=False))
            return 1
    print(json.dumps({"ok": True, **proof}, ensure_ascii=False))
    return 0


def _audit_export(settings: Settings, args: argparse.Namespace) -> int:
    where = TrailFilter(args.cycle, args.district, args.criterion, args.outcome)
    with open_service(settings) as service:
        view = build_runner(settings, service, ["audit_trail"]).audit_trail_view
        rows = view.checks(where) if args.checks else view.rows(where)
        what = "checks" if args.checks else "trail"
        with output(args.output) as out:
            count = export(rows, out, what=what, fmt=args.format)
    print(f"exported {count} rows", file=sys.stderr)
    return 0


def _audit_what_if(settings: Settings, args: argparse.Namespace) -> int:
    with open_service(settings) as service:
        if args.rule_set_file:
            try:
                rules = RuleSet.from_bytes(Path(args.rule_set_file).read_bytes())
            except OSError as error:
                raise UsageError(f"rule-set-file: cannot be read ({error.strerror})") from None
        else:
            rules = service.rule_set(settings.rule_set_id, args.rule_set_version)
        if args.nomination:
            nids = [parse_uuid("nomination", n) for n in args.nomination]
        else:
            runner = build_runner(settings, service, ["board"])
            runner.catch_up("board")
            page = runner.board_view.page_of(BoardQuery(cycle_year=args.cycle, limit=100_000))
            nids = [UUID(row["nomination_id"]) for row in page.rows]
        for row in service.what_if(nids, rules):
            record = asdict(row) | {"changed": row.changed}
            print(json.dumps(record, ensure_ascii=False, default=str))
    return 0


def _audit_board(settings: Settings, args: argparse.Namespace) -> int:
    moment = parse_moment(args.as_of)
    query = BoardQuery(stage=args.stage, cycle_year=args.cycle, limit=100_000)
    with open_service(settings) as service:
        page = board_as_of(service, moment, query)
    for row in page.rows:
        print(json.dumps(row, ensure_ascii=False))
    print(f"{page.count} nominations as of {moment.isoformat()}", file=sys.stderr)
    return 0


def _audit_show(settings: Settings, args: argparse.Namespace) -> int:
    nid = parse_uuid("nomination", args.nomination)
    moment = parse_moment(args.as_of) if args.as_of else None
    with open_service(settings) as service:
        summary = service.get_nomination(nid, version=args.version, as_of=moment)
    print(json.dumps(asdict(summary), ensure_ascii=False, default=str, indent=2))
    return 0


def add_parsers(commands: Subparsers) -> None:
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
    add_writer_key_parsers(audit)
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
