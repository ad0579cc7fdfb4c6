"""A snapshot is used only when the product can prove it wrote it. Whoever holds the
database role can read the store, compute any event's digest and so a snapshot's chain
head; without the key kept outside the database they cannot make its proof. Each test
failed before snapshots carried proofs, on SQLite and PostgreSQL."""

from __future__ import annotations

from uuid import UUID

import pytest
from eventsourcing.domain import Snapshot

from domain.accounts import account_id
from domain.units import UnitRegistry
from service.audit import BreakKind, verify_store
from service.nomination_service import NominationService
from tests.projections.conftest import Store
from tests.scenarios import Story

pytestmark = pytest.mark.projections

ATTACKER_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YXR0YWNrZXI$YXR0YWNrZXJhdHRhY2tlcmF0dGFja2Vy"


def planted(service: NominationService, aggregate_id: UUID, **changes: object) -> None:
    """A snapshot at the aggregate's current version, chain head right, state changed, put
    into the snapshot table as the database role may: without the product's key."""
    aggregate = service.repository.get(aggregate_id)
    forged = Snapshot.take(aggregate)
    forged.state.update(changes)
    assert service.snapshots is not None
    service.snapshots.put([forged])


def another_process(store: Store, units: UnitRegistry, of: NominationService) -> NominationService:
    """A fresh process of the same deployment: the same store, the same key."""
    return NominationService(store.env, units=units, snapshot_key=of.snapshot_key)


def test_a_planted_account_snapshot_grants_nothing_and_verify_finds_it(
    store: Store, service: NominationService, units: UnitRegistry
) -> None:
    Story(service).full_lifecycle()
    truth = service.find_account("can.bo-xa") or service.list_accounts()[0]
    planted(
        service,
        account_id(truth.username),
        password_hash=ATTACKER_HASH,
        grants=[{"role": "admin", "scope": None}],
    )
    with another_process(store, units, service) as fresh:
        seen = fresh.find_account(truth.username)
        assert seen is not None
        assert seen.password_hash == truth.password_hash
        assert seen.grants == truth.grants
        report = verify_store(fresh)
    assert report.first_broken is not None
    assert report.first_broken.kind is BreakKind.FORGED_SNAPSHOT
    assert report.first_broken.aggregate_id == str(account_id(truth.username))


def test_a_planted_nomination_snapshot_does_not_move_its_stage_and_verify_finds_it(
    store: Store, service: NominationService, units: UnitRegistry
) -> None:
    from tests.scenarios import GOOD

    story = Story(service)
    nid = story.open("S-831-01", GOOD)
    story.driver.submit("", nid, __import__("datetime").date(2024, 1, 15))
    assert service.get_nomination(nid).stage == "district_review"
    planted(service, nid, stage_name="province_review")
    with another_process(store, units, service) as fresh:
        assert fresh.get_nomination(nid).stage == "district_review"
        report = verify_store(fresh)
    assert report.first_broken is not None
    assert report.first_broken.kind is BreakKind.FORGED_SNAPSHOT
    assert "proof" in report.first_broken.reason


def test_the_products_own_snapshots_are_used_and_verify(
    store: Store, service: NominationService, units: UnitRegistry
) -> None:
    from tests.projections.test_audit import snapshotted

    nid = snapshotted(service)
    with another_process(store, units, service) as fresh:
        assert fresh.get_nomination(nid).stage == "province_review"
        assert verify_store(fresh).ok
