# Over 400 lines: keys, leaves, sealing, checks and proofs share one receipt format.
"""Signed receipts over the whole log, and proofs that the log only grew.

A receipt commits to every event up to a log position: a Merkle root (RFC 6962, by
``pymerkle``) over one leaf per event, in log order, signed with Ed25519. A leaf is the
event's position, aggregate, version and digest as its stored content hashes now, so a
change, a deletion, an insertion or a reordering at or below the position changes the
root. Auditors keep receipts elsewhere; the store alone can then no longer vouch for
itself. The leaves sealed so far are kept beside the log: a new seal refuses to sign a
past that differs from them, and they give consistency proofs between two receipts.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from pymerkle import verify_consistency
from pymerkle.proof import ConsistencyProof, InvalidProof

from domain.writers import KeyringError
from service.audit import verify_store
from service.log_tree import Finding, Leaf, first_difference, log_leaves, root_of, tree_of
from service.nomination_service import NominationService
from service.usecases.writers import read_keyring
from storage.views import Database

FORMAT = "thidua-receipt/1"
LEAF_FORMAT = "sha256(0x00 || '<position>:<aggregate id>:<version>:<event digest>')"

DDL = (
    "CREATE TABLE IF NOT EXISTS audit_sealed_leaves ("
    " idx BIGINT PRIMARY KEY, position BIGINT NOT NULL, aggregate_id TEXT NOT NULL,"
    " version BIGINT NOT NULL, digest TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS audit_sealed_leaves_event ON audit_sealed_leaves"
    " (aggregate_id, version)",
    "CREATE TABLE IF NOT EXISTS audit_receipts ("
    " position BIGINT PRIMARY KEY, sealed_at TEXT NOT NULL, receipt TEXT NOT NULL)",
    # Each document file the product issued, by its SHA-256: a file that is not one of
    # them was altered, whatever its metadata says.
    "CREATE TABLE IF NOT EXISTS issued_documents ("
    " document_id TEXT NOT NULL, sha256 TEXT NOT NULL, issued_at TEXT NOT NULL,"
    " PRIMARY KEY (document_id, sha256))",
)


class ReceiptError(Exception):
    """A receipt that cannot be used: malformed, or not signed by this log's key."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class ReceiptCheck:
    ok: bool
    position: int
    count: int
    checked: int
    finding: Finding | None = None


# --- keys ----------------------------------------------------------------------------------


class SigningKey:
    """The log's Ed25519 key: supplied (PEM), or made once under the data directory."""

    def __init__(
        self, private: Ed25519PrivateKey, trusted: Sequence[Ed25519PublicKey] = ()
    ) -> None:
        self.private = private
        self.public = private.public_key()
        # Earlier audit keys of this log (a restore without the backup's keys trusts the
        # operator's): the writer keys they certified still count.
        self.trusted = tuple(trusted)
        raw = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_raw = raw
        self.key_id = hashlib.sha256(raw).hexdigest()[:16]

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKey:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ReceiptError("audit_signing_key", "must be an Ed25519 private key in PEM")
        return cls(key)

    @classmethod
    def load_or_create(cls, folder: Path) -> SigningKey:
        path = folder / "audit-ed25519.pem"
        if path.exists():
            return cls.from_pem(path.read_bytes())
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Created with 0600 from the start: the key is never readable by others.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        return cls(key)

    def certify(self, message: bytes) -> str:
        """A certificate (base64 signature) for ``message``: a writer key it admits."""
        return base64.b64encode(self.private.sign(message)).decode()

    def certifies(self, signature: bytes, message: bytes) -> bool:
        """Whether ``signature`` over ``message`` is this key's or a trusted earlier one's."""
        return any(certified_by(key)(signature, message) for key in (self.public, *self.trusted))

    def public_pem(self) -> str:
        return self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()


def certified_by(key: Ed25519PublicKey) -> Callable[[bytes, bytes], bool]:
    """Whether a signature over a message is ``key``'s: the check a keyring needs."""

    def certified(signature: bytes, message: bytes) -> bool:
        try:
            key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    return certified


def _signed_part(receipt: dict[str, Any]) -> bytes:
    body = {k: v for k, v in receipt.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def check_signature(receipt: dict[str, Any], key: Ed25519PublicKey) -> None:
    try:
        signature = base64.b64decode(str(receipt["signature"]), validate=True)
        key.verify(signature, _signed_part(receipt))
    except (KeyError, ValueError, InvalidSignature) as error:
        raise ReceiptError("signature", "does not verify with this log's public key") from error


def parse_receipt(data: Any) -> dict[str, Any]:
    """A receipt's fields, checked for shape (not yet for signature)."""
    if not isinstance(data, dict):
        raise ReceiptError("receipt", "must be a JSON object")
    if data.get("format") != FORMAT:
        raise ReceiptError("format", f"must be {FORMAT}")
    for field, kind in (("position", int), ("count", int), ("root", str), ("signature", str)):
        value = data.get(field)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ReceiptError(field, f"must be a {kind.__name__}")
    if data["position"] < 0 or data["count"] < 0 or data["count"] > data["position"]:
        raise ReceiptError("count", "must be between 0 and the position")
    return data


class Receipts:
    """Seals the log, keeps what it sealed, and checks receipts against the store."""

    def __init__(self, service: NominationService, database: Database, key: SigningKey) -> None:
        self.service = service
        self.db = database
        self.key = key
        with self.db.transaction() as cursor:
            self.db.take_turns_changing_tables(cursor)
            for statement in DDL:
                cursor.execute(statement)

    # sealed leaves ------------------------------------------------------------------------

    def sealed_leaves(self, upto: int | None = None) -> list[Leaf]:
        query = "SELECT position, aggregate_id, version, digest FROM audit_sealed_leaves"
        params: tuple[Any, ...] = ()
        if upto is not None:
            query += " WHERE position <= ?"
            params = (upto,)
        return [
            Leaf(int(p), str(a), int(v), str(d))
            for p, a, v, d in self.db.stream(query + " ORDER BY idx", params)
        ]

    # sealing ------------------------------------------------------------------------------

    def seal(self, now: datetime | None = None) -> dict[str, Any]:
        """A signed receipt for the whole log as it stands; refuses a changed past."""
        head = self.service.recorder.max_notification_id() or 0
        leaves = list(log_leaves(self.service, head))
        sealed = self.sealed_leaves()
        finding = first_difference(sealed, leaves[: len(sealed)])
        if finding is not None or len(leaves) < len(sealed):
            raise ReceiptError(
                "log",
                "the log no longer matches what was sealed before: "
                + (finding.reason if finding else "events were deleted"),
            )
        new = leaves[len(sealed) :]
        try:  # the keys that signed the events it covers, as the log certifies them
            writers = read_keyring(self.service, head, self.key.certifies).to_dict()
        except KeyringError as error:
            raise ReceiptError("writers", str(error)) from None
        tree = tree_of(leaves)
        receipt: dict[str, Any] = {
            "format": FORMAT,
            "position": head,
            "count": len(leaves),
            "root": root_of(tree, len(leaves)),
            "tree": "RFC 6962 Merkle tree, SHA-256",
            "leaf": LEAF_FORMAT,
            "sealed_at": (now or datetime.now(UTC)).isoformat(),
            "key_id": self.key.key_id,
            "public_key": base64.b64encode(self.key.public_raw).decode(),
            "writers": writers,
        }
        receipt["signature"] = base64.b64encode(
            self.key.private.sign(_signed_part(receipt))
        ).decode()
        with self.db.transaction() as cursor:
            cursor.executemany(
                "INSERT INTO audit_sealed_leaves (idx, position, aggregate_id, version, digest)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        len(sealed) + i + 1,
                        leaf.position,
                        leaf.aggregate_id,
                        leaf.version,
                        leaf.digest,
                    )
                    for i, leaf in enumerate(new)
                ],
            )
            cursor.execute("DELETE FROM audit_receipts WHERE position = ?", (head,))
            cursor.execute(
                "INSERT INTO audit_receipts (position, sealed_at, receipt) VALUES (?, ?, ?)",
                (head, receipt["sealed_at"], json.dumps(receipt, sort_keys=True)),
            )
        return receipt

    def receipts(self, limit: int = 100) -> list[dict[str, Any]]:
        rows = self.db.stream(
            "SELECT receipt FROM audit_receipts ORDER BY position DESC LIMIT ?", (limit,)
        )
        return [json.loads(r[0]) for r in rows]

    def latest(self) -> dict[str, Any] | None:
        found = self.receipts(limit=1)
        return found[0] if found else None

    def covering(self, records: Sequence[tuple[str, int]]) -> int | None:
        """The position of the first receipt that seals every one of these (aggregate id,
        version) events, or None while some are not sealed yet."""
        if not records:
            return None
        latest = 0
        with self.db.reading() as cursor:
            for aggregate_id, version in records:
                cursor.execute(
                    "SELECT position FROM audit_sealed_leaves WHERE aggregate_id = ?"
                    " AND version = ?",
                    (aggregate_id, version),
                )
                row = cursor.fetchone()
                if row is None:
                    return None
                latest = max(latest, int(row[0]))
            cursor.execute(
                "SELECT MIN(position) FROM audit_receipts WHERE position >= ?", (latest,)
            )
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def record_issued(self, document_id: str, sha256: str, now: datetime | None = None) -> None:
        with self.db.transaction() as cursor:
            cursor.execute(
                "INSERT INTO issued_documents (document_id, sha256, issued_at) VALUES (?, ?, ?)"
                " ON CONFLICT (document_id, sha256) DO NOTHING",
                (document_id, sha256, (now or datetime.now(UTC)).isoformat()),
            )

    def was_issued(self, document_id: str, sha256: str) -> bool:
        with self.db.reading() as cursor:
            cursor.execute(
                "SELECT 1 FROM issued_documents WHERE document_id = ? AND sha256 = ?",
                (document_id, sha256),
            )
            return cursor.fetchone() is not None

    # checking -----------------------------------------------------------------------------

    def check(self, data: Any) -> ReceiptCheck:
        """The store against a receipt: the first event at or below its position that was
        changed, deleted, inserted or reordered since it was sealed."""
        receipt = parse_receipt(data)
        check_signature(receipt, self.key.public)
        position, count = receipt["position"], receipt["count"]
        now = list(log_leaves(self.service, position))
        if len(now) == count and root_of(tree_of(now), count) == receipt["root"]:
            return ReceiptCheck(True, position, count, len(now))
        return ReceiptCheck(False, position, count, len(now), self._locate(receipt, now))

    def _locate(self, receipt: dict[str, Any], now: list[Leaf]) -> Finding:
        sealed = self.sealed_leaves(receipt["position"])
        trusted = len(sealed) == receipt["count"] and (
            root_of(tree_of(sealed), len(sealed)) == receipt["root"]
        )
        if trusted:  # the kept leaves are the ones the receipt signed
            finding = first_difference(sealed, now)
            if finding is not None:
                return finding
        broken = verify_store(self.service, certified=self.key.certifies).first_broken
        if broken is not None:
            return Finding(str(broken.kind), 0, broken.aggregate_id, broken.version, broken.reason)
        deleted = receipt["count"] - len(now)
        return Finding(
            "changed" if deleted == 0 else ("deleted" if deleted > 0 else "inserted"),
            receipt["position"],
            "",
            0,
            f"the log up to position {receipt['position']} is not the one the receipt signed"
            f" ({len(now)} events now, {receipt['count']} sealed)",
        )

    # append-only proofs -------------------------------------------------------------------

    def consistency(self, old_position: int, new_position: int) -> dict[str, Any]:
        """An RFC 6962 proof that the sealed log at ``new_position`` extends the one at
        ``old_position``."""
        if old_position < 0 or new_position < old_position:
            raise ReceiptError("from", "must be between 0 and 'to'")
        sealed = self.sealed_leaves(new_position)
        if not sealed or sealed[-1].position < new_position:
            head = self.latest()
            if head is None or head["position"] < new_position:
                raise ReceiptError("to", "no receipt covers that position yet: seal first")
        old_size = sum(1 for leaf in sealed if leaf.position <= old_position)
        new_size = len(sealed)
        tree = tree_of(sealed)
        proof: dict[str, Any] | None = None
        if 0 < old_size <= new_size:
            proof = tree.prove_consistency(old_size, new_size).serialize()
        return {
            "from": old_position,
            "to": new_position,
            "from_count": old_size,
            "to_count": new_size,
            "from_root": root_of(tree, old_size),
            "to_root": root_of(tree, new_size),
            "proof": proof,
        }


def public_key_from_pem(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ReceiptError("public_key", "must be an Ed25519 public key in PEM")
    return key


def prove_append(
    old: dict[str, Any], new: dict[str, Any], proof: dict[str, Any], key: Ed25519PublicKey
) -> None:
    """Raises ReceiptError unless ``new`` signs a log that extends the one ``old`` signed."""
    for receipt in (old, new):
        check_signature(parse_receipt(receipt), key)
    if new["count"] < old["count"] or new["position"] < old["position"]:
        raise ReceiptError("new", "is older than the old receipt")
    if old["count"] == 0:
        return
    if proof.get("proof") is None:
        raise ReceiptError("proof", "is missing")
    try:
        verify_consistency(
            bytes.fromhex(old["root"]),
            bytes.fromhex(new["root"]),
            ConsistencyProof.deserialize(proof["proof"]),
            prior_size=old["count"],
            later_size=new["count"],
        )
    except (InvalidProof, ValueError, KeyError, TypeError) as error:
        raise ReceiptError(
            "proof", "the newer log does not extend the older one: its past was rewritten"
        ) from error
