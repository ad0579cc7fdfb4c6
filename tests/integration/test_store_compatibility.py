"""A store written before the service, the use cases, the audit and the store adapters
moved to their own folders (tests/data/store-before-layers: a full lifecycle, 146 events,
signed, with the audit public key that certified its writer key) loads and verifies with
the code as it is now: every stored topic still resolves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from eventsourcing.utils import resolve_topic

from domain.store import log_pages
from domain.units import UnitRegistry
from service.audit import verify_store
from service.nomination_service import NominationService
from service.receipts import certified_by, public_key_from_pem
from thidua.bootstrap import SQLITE_FACTORY

pytestmark = pytest.mark.integration

BEFORE = Path(__file__).resolve().parents[1] / "data" / "store-before-layers"


def test_a_store_written_before_the_layers_moved_loads_and_verifies(
    tmp_path: Path, units: UnitRegistry
) -> None:
    store = tmp_path / "store.sqlite3"
    shutil.copyfile(BEFORE / "store.sqlite3", store)
    key = public_key_from_pem((BEFORE / "audit-public.pem").read_bytes())
    env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(store)}
    with NominationService(env, units=units) as service:
        report = verify_store(service, certified=certified_by(key))
        assert report.ok, report.first_broken
        assert report.checked_events == 146
        head = service.recorder.max_notification_id() or 0
        topics = {n.topic for page in log_pages(service.recorder, upto=head) for n in page}
        nominations = {
            n.originator_id
            for page in log_pages(service.recorder, upto=head)
            for n in page
            if n.topic.startswith("domain.nomination:Nomination.")
        }
    assert all(resolve_topic(topic) for topic in topics)
    assert nominations
    with NominationService(env, units=units) as service:
        for nid in nominations:
            assert service.get_nomination(nid).version >= 1
