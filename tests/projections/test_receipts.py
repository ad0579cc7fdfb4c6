"""Signed receipts find every change to the log they signed, on SQLite and PostgreSQL, even
after the read models were rebuilt from the tampered store."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from service.receipts import ReceiptError, Receipts, SigningKey, prove_append
from tests.projections.conftest import Store, StoredRows
from tests.scenarios import GOOD, Story

pytestmark = pytest.mark.projections


@pytest.fixture
def key(tmp_path: Path) -> SigningKey:
    return SigningKey.load_or_create(tmp_path / "keys")


@pytest.fixture
def receipts(service: NominationService, store: Store, key: SigningKey) -> Receipts:
    return Receipts(service, store.database(), key)


@pytest.fixture
def ids(service: NominationService, runner: ProjectionRunner) -> dict[str, UUID]:
    built = Story(service).full_lifecycle()
    runner.catch_up_all()
    return built


def test_the_key_is_made_once_readable_by_its_owner_alone(tmp_path: Path) -> None:
    first = SigningKey.load_or_create(tmp_path / "keys")
    path = tmp_path / "keys" / "audit-ed25519.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SigningKey.load_or_create(tmp_path / "keys").key_id == first.key_id


def test_an_untouched_log_matches_its_receipt(
    ids: dict[str, UUID], service: NominationService, receipts: Receipts
) -> None:
    receipt = receipts.seal()
    assert receipt["position"] == service.recorder.max_notification_id()
    assert receipt["count"] == receipt["position"]
    assert len(json.dumps(receipt)) < 1000  # small enough to keep anywhere
    check = receipts.check(receipt)
    assert check.ok
    assert check.finding is None
    assert receipts.latest() == receipt


def test_a_receipt_is_checked_against_the_log_it_signed_not_what_came_after(
    ids: dict[str, UUID], service: NominationService, receipts: Receipts
) -> None:
    receipt = receipts.seal()
    Story(service).open("S-832-01", GOOD)
    assert receipts.check(receipt).ok


def _first(check: Any) -> tuple[str, str, int]:
    assert not check.ok
    assert check.finding is not None
    return check.finding.change, check.finding.aggregate_id, check.finding.version


def test_the_last_event_of_an_aggregate_deleted_is_named(
    ids: dict[str, UUID], service: NominationService, receipts: Receipts, rows: StoredRows
) -> None:
    receipt = receipts.seal()
    dropped = ids["dropped"]
    last = service.get_nomination(dropped).version
    rows.delete(dropped, last)
    assert _first(receipts.check(receipt)) == ("deleted", str(dropped), last)


def test_a_whole_aggregate_deleted_is_named_at_its_first_event(
    ids: dict[str, UUID], receipts: Receipts, rows: StoredRows
) -> None:
    receipt = receipts.seal()
    rows.delete_aggregate(ids["visit"])
    assert _first(receipts.check(receipt)) == ("deleted", str(ids["visit"]), 1)


def test_one_changed_byte_is_named(
    ids: dict[str, UUID], receipts: Receipts, rows: StoredRows
) -> None:
    receipt = receipts.seal()
    good = ids["good"]
    state = rows.state(good, 3)
    rows.overwrite(good, 3, state.replace(b'"poor_households":310', b'"poor_households":311'))
    assert _first(receipts.check(receipt)) == ("changed", str(good), 3)


def test_two_swapped_events_are_named_as_reordered(
    ids: dict[str, UUID], service: NominationService, receipts: Receipts, rows: StoredRows
) -> None:
    receipt = receipts.seal()
    rows.swap(5, 9)
    change, _, _ = _first(receipts.check(receipt))
    assert change == "reordered"
    assert receipts.check(receipt).finding.position == 5  # type: ignore[union-attr]


def test_tampering_is_still_found_after_every_read_model_was_rebuilt(
    ids: dict[str, UUID], receipts: Receipts, rows: StoredRows, runner: ProjectionRunner
) -> None:
    receipt = receipts.seal()
    good = ids["good"]
    last_version = 3
    state = rows.state(good, last_version)
    rows.overwrite(
        good, last_version, state.replace(b'"poor_households":310', b'"poor_households":300')
    )
    for name in runner.projections:
        runner.rebuild(name)
    assert _first(receipts.check(receipt)) == ("changed", str(good), last_version)


def test_a_receipt_with_a_wrong_signature_is_refused(
    ids: dict[str, UUID], receipts: Receipts, tmp_path: Path
) -> None:
    receipt = receipts.seal()
    forged = dict(receipt, count=receipt["count"] - 1)
    with pytest.raises(ReceiptError, match="signature"):
        receipts.check(forged)
    other = SigningKey.load_or_create(tmp_path / "other-keys")
    resigned = dict(receipt)
    resigned["signature"] = base64.b64encode(
        other.private.sign(
            json.dumps(
                {k: v for k, v in receipt.items() if k != "signature"},
                sort_keys=True,
                separators=(",", ":"),
            ).encode()
        )
    ).decode()
    with pytest.raises(ReceiptError, match="signature"):
        receipts.check(resigned)
    with pytest.raises(ReceiptError, match="format"):
        receipts.check({"position": 1})


def test_a_later_receipt_proves_the_log_only_grew(
    ids: dict[str, UUID], service: NominationService, receipts: Receipts
) -> None:
    old = receipts.seal()
    Story(service).open("S-832-01", GOOD)
    new = receipts.seal()
    proof = receipts.consistency(old["position"], new["position"])
    assert proof["from_root"] == old["root"]
    assert proof["to_root"] == new["root"]
    prove_append(old, new, proof, receipts.key.public)


def test_sealing_refuses_to_sign_a_changed_past(
    ids: dict[str, UUID], receipts: Receipts, rows: StoredRows
) -> None:
    receipts.seal()
    state = rows.state(ids["good"], 3)
    rows.overwrite(ids["good"], 3, state.replace(b'"poor_households":310', b'"poor_households":1'))
    with pytest.raises(ReceiptError, match="no longer matches"):
        receipts.seal()


def test_a_consistency_proof_over_a_rewritten_prefix_fails(
    ids: dict[str, UUID],
    service: NominationService,
    receipts: Receipts,
    rows: StoredRows,
) -> None:
    old = receipts.seal()
    state = rows.state(ids["good"], 3)
    rows.overwrite(ids["good"], 3, state.replace(b'"poor_households":310', b'"poor_households":1'))
    with rows.db.transaction() as cursor:  # the kept leaves rewritten too
        cursor.execute("DELETE FROM audit_sealed_leaves")
    Story(service).open("S-832-01", GOOD)
    new = receipts.seal()  # signed over the rewritten past
    proof = receipts.consistency(old["position"], new["position"])
    with pytest.raises(ReceiptError, match="rewritten"):
        prove_append(old, new, proof, receipts.key.public)
    assert not receipts.check(old).ok
