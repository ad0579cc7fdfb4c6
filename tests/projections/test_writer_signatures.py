"""Every event the product records carries its writer's Ed25519 signature, and verify finds
an event the database role appended alone, on SQLite and PostgreSQL. Whoever holds that
role can compute a well-formed next event with a correct chain link; before writer keys,
verify called such a log intact. Events written before signing began are covered once,
by the signed statement of their Merkle root."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.merkle import StreamingRoot
from domain.store import ChainMapper, log_pages
from domain.units import UnitRegistry
from domain.writers import WriterKey
from service.audit import BreakKind, verify_store
from service.log_tree import Leaf, root_of, tree_of
from service.nomination_service import NominationService
from service.receipts import Receipts, SigningKey
from tests.projections.conftest import Store, StoredRows
from tests.scenarios import GOOD, Story
from thidua.bootstrap import begin_signing, system_context

pytestmark = pytest.mark.projections


@pytest.fixture(scope="module")
def audit_key(tmp_path_factory: pytest.TempPathFactory) -> SigningKey:
    return SigningKey.load_or_create(Path(tmp_path_factory.mktemp("keys")))


def process(store: Store, units: UnitRegistry, key: WriterKey | None) -> NominationService:
    """A process of the deployment signing with ``key``; None: one that signs nothing, as
    the product did before writer keys, or as the database role appends alone."""
    service = NominationService(store.env, units=units, writer_key=key or WriterKey.generate())
    if key is None:
        cast(ChainMapper, service.mapper).writer = None
    return service


def verify(store: Store, units: UnitRegistry, audit_key: SigningKey) -> Any:
    with process(store, units, WriterKey.generate()) as fresh:
        return verify_store(fresh, certified=audit_key.certifies)


def test_every_event_the_product_records_is_signed_and_the_log_verifies(
    store: Store, units: UnitRegistry, audit_key: SigningKey
) -> None:
    with process(store, units, WriterKey.generate()) as service:
        begin_signing(service, audit_key)
        Story(service).full_lifecycle()
        mapper = cast(ChainMapper, service.mapper)
        head = service.recorder.max_notification_id() or 0
        unsigned = [
            n.id
            for page in log_pages(service.recorder, upto=head)
            for n in page
            if mapper.stored_content(n).writer is None
        ]
    assert unsigned == []
    report = verify(store, units, audit_key)
    assert report.ok, report.first_broken


def test_an_event_the_database_role_appends_alone_is_found(
    store: Store, units: UnitRegistry, audit_key: SigningKey
) -> None:
    with process(store, units, WriterKey.generate()) as service:
        begin_signing(service, audit_key)
        story = Story(service)
        nid = story.open("S-831-01", GOOD)
    with process(store, units, None) as forger:  # a well-formed next event, chain link right
        forged_at = (forger.recorder.max_notification_id() or 0) + 1
        Story(forger).driver.submit("", nid, date(2024, 1, 15))
    report = verify(store, units, audit_key)
    assert report.first_broken is not None
    assert report.first_broken.kind is BreakKind.WRITER_SIGNATURE
    assert report.first_broken.aggregate_id == str(nid)
    assert f"position {forged_at} carries no writer signature" in report.first_broken.reason


def test_a_key_the_audit_key_did_not_certify_signs_nothing(
    store: Store, units: UnitRegistry, audit_key: SigningKey
) -> None:
    with process(store, units, WriterKey.generate()) as service:
        begin_signing(service, audit_key)
        nid = Story(service).open("S-831-01", GOOD)
    # The attacker's own key, in the log's keyring by their own certificate.
    attacker = SigningKey(Ed25519PrivateKey.generate())
    with process(store, units, WriterKey.generate()) as forger:
        begin_signing(forger, attacker)
        Story(forger).driver.submit("", nid, date(2024, 1, 15))
    report = verify(store, units, audit_key)
    assert report.first_broken is not None
    assert report.first_broken.kind is BreakKind.WRITER_KEY
    assert "no valid certificate from the audit key" in report.first_broken.reason


def test_events_before_signing_began_are_covered_by_its_statement_and_no_later_ones(
    store: Store, units: UnitRegistry, audit_key: SigningKey
) -> None:
    with process(store, units, None) as old_product:
        nid = Story(old_product).open("S-831-01", GOOD)
        before = old_product.recorder.max_notification_id()
    with process(store, units, WriterKey.generate()) as service:
        begin_signing(service, audit_key)
        keyring = service.keyring(audit_key.certifies)
        assert (keyring.began_upto, keyring.began_at) == (before, (before or 0) + 1)
        assert verify_store(service, certified=audit_key.certifies).ok
    with process(store, units, None) as old_product:  # an old process still writing
        Story(old_product).driver.submit("", nid, date(2024, 1, 15))
    report = verify(store, units, audit_key)
    assert report.first_broken is not None
    assert report.first_broken.kind is BreakKind.WRITER_SIGNATURE


def test_a_change_before_signing_began_breaks_its_statement(
    store: Store, service: NominationService, units: UnitRegistry, audit_key: SigningKey
) -> None:
    with process(store, units, None) as old_product:
        Story(old_product).open("S-831-01", GOOD)
        last = old_product.recorder.max_notification_id() or 0
        notification = old_product.recorder.select_notifications(start=last, limit=1)[0]
        mapper = cast(ChainMapper, old_product.mapper)
        content = mapper.stored_content(notification)
    with process(store, units, WriterKey.generate()) as signer:
        begin_signing(signer, audit_key)
    # The last event of its aggregate, which no successor vouches for, rewritten whole.
    state = dict(content.state)
    state["correlation_id"] = "rewritten"
    rows = StoredRows(service, store)
    forged = mapper.transcoder.encode(
        {k: v for k, v in state.items() if k not in ("originator_id", "originator_version")}
    )
    rows.overwrite(notification.originator_id, notification.originator_version, forged)
    report = verify(store, units, audit_key)
    assert report.first_broken is not None
    assert report.first_broken.kind is BreakKind.BEFORE_SIGNING_CHANGED


def test_a_retired_key_signs_nothing_after_its_retirement(
    store: Store, units: UnitRegistry, audit_key: SigningKey
) -> None:
    old_key, new_key = WriterKey.generate(), WriterKey.generate()
    with process(store, units, old_key) as old:
        begin_signing(old, audit_key)
        nid = Story(old).open("S-831-01", GOOD)
    with process(store, units, new_key) as new:
        begin_signing(new, audit_key)
        with pytest.raises(Exception, match="still signs with it"):
            new.retire_writer(system_context("retire-own"), new_key.key_id)
        new.retire_writer(system_context("retire"), old_key.key_id)
    assert verify(store, units, audit_key).ok
    with process(store, units, old_key) as leaked:
        Story(leaked).driver.submit("", nid, date(2024, 1, 15))
    report = verify(store, units, audit_key)
    assert report.first_broken is not None
    assert report.first_broken.kind is BreakKind.WRITER_SIGNATURE
    assert "after it was retired" in report.first_broken.reason


def test_receipts_name_the_writer_keys_and_the_statement_root_is_the_receipts_root(
    store: Store, service: NominationService, units: UnitRegistry, audit_key: SigningKey
) -> None:
    with process(store, units, None) as old_product:
        Story(old_product).open("S-831-01", GOOD)
    begin_signing(service, audit_key)
    database = store.database()
    try:
        receipts = Receipts(service, database, audit_key)
        receipt = receipts.seal()
        sealed = receipts.sealed_leaves()
    finally:
        database.close()
    writers = receipt["writers"]
    assert [k["key_id"] for k in writers["keys"]] == [service.writer_key.key_id]
    began = writers["began"]
    upto = [leaf for leaf in sealed if leaf.position <= began["upto"]]
    assert began["root"] == root_of(tree_of(upto), len(upto))


@pytest.mark.parametrize("size", [0, 1, 2, 3, 5, 8, 13, 64, 100, 257])
def test_the_streaming_root_is_the_rfc_6962_root_receipts_sign(size: int) -> None:
    leaves = [Leaf(i + 1, f"aggregate-{i % 7}", i // 7 + 1, f"{i:064x}") for i in range(size)]
    streamed = StreamingRoot()
    for leaf in leaves:
        streamed.add(leaf.entry())
    assert streamed.root() == root_of(tree_of(leaves), size)
