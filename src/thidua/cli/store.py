"""The store itself: the owner's migration, backups and restores."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from projections.runner import CATALOGUE
from service.audit import verify_store
from service.nomination_service import NominationService
from service.receipts import ReceiptError, parse_receipt
from thidua.bootstrap import (
    TRUSTED_AUDIT_KEYS,
    build_runner,
    migrate_store,
    signing_key,
)
from thidua.cli.common import (
    Subparsers,
    UsageError,
    open_service,
    progress_bar,
    read_receipt,
)
from thidua.settings import Settings


def _db_migrate(settings: Settings, _: argparse.Namespace) -> int:
    if not migrate_store(settings):
        raise UsageError(
            "THIDUA_POSTGRES_OWNER_URL: set it (and THIDUA_STORE=postgres) to migrate as the owner"
        )
    print("migrated: tables, append-only triggers and the product role's rights are in place")
    return 0


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from thidua.backup import BackupError, take_backup

    with open_service(settings) as service:
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

    from service.receipts import check_signature, public_key_from_pem
    from thidua.backup import BackupError, restore_backup

    receipt = read_receipt(args.receipt)
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
    with open_service(settings) as service:
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
            with progress_bar(f"rebuild {name}") as progress:
                runner.rebuild(name, progress)
        digests = runner.audit_trail_view.digests()
        with progress_bar("verify") as progress:
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
    from service.log_tree import log_leaves, root_of, tree_of

    position, count = int(receipt["position"]), int(receipt["count"])
    leaves = list(log_leaves(service, position))
    ok = len(leaves) == count and (count == 0 or root_of(tree_of(leaves), count) == receipt["root"])
    return {"ok": ok, "position": position, "count": count, "found": len(leaves)}


def add_parsers(commands: Subparsers) -> None:
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
