"""Commands run in a bulk block are saved together, in saves capped by size, and end exactly
as they would one save each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from domain.errors import DomainError, NominationNotFound
from domain.units import UnitRegistry
from service.audit import verify_store
from service.nomination_service import NominationService
from tests.factories import ctx, officer, stats
from thidua.bootstrap import SQLITE_FACTORY

CODES = ("S-829-01", "S-829-02", "S-831-01", "S-831-02", "S-832-01")


def service_at(folder: Path, units: UnitRegistry) -> NominationService:
    env = {
        "PERSISTENCE_MODULE": SQLITE_FACTORY,
        "SQLITE_DBNAME": str(folder / "events.db"),
        "AGGREGATE_CACHE_MAXSIZE": "100",
    }
    return NominationService(env, units=units)


def collect(service: NominationService) -> list[Any]:
    """Each nomination opened, with two years of figures, and submitted."""
    ids = []
    for code in CODES:
        nid = service.open_nomination(ctx(officer()), code, "bang-khen-tinh", 2023).id
        service.record_statistics(ctx(officer()), nid, 2021, stats(4000, 500))
        service.record_statistics(ctx(officer()), nid, 2022, stats(4000, 400))
        service.record_statistics(ctx(officer()), nid, 2023, stats(4000, 300))
        service.write_achievement_report(ctx(officer()), nid, "Báo cáo thành tích.")
        service.submit_nomination(ctx(officer()), nid)
        ids.append(nid)
    return ids


def stored(service: NominationService) -> list[tuple[str, int, str]]:
    return [
        (str(n.originator_id), n.originator_version, n.topic)
        for n in service.recorder.select_notifications(start=1, limit=10_000)
    ]


def test_a_bulk_block_saves_what_single_saves_would_in_a_few_size_capped_saves(
    tmp_path: Path, units: UnitRegistry
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one_by_one = service_at(tmp_path / "a", units)
    single = collect(one_by_one)

    bulky = service_at(tmp_path / "b", units)
    with bulky.bulk(max_bytes=4_000) as bulk:
        ids = collect(bulky)
        unsaved = len(stored(bulky))
    assert unsaved < len(stored(one_by_one))  # the block held events back
    assert 1 < bulk.saves < len(stored(one_by_one))
    assert ids == single
    assert sorted(stored(bulky)) == sorted(stored(one_by_one))
    for nid in ids:
        a, b = one_by_one.get_nomination(nid), bulky.get_nomination(nid)
        assert (b.stage, b.version, b.checks) == (a.stage, a.version, a.checks)
    assert verify_store(bulky).ok


def test_no_bulk_save_is_larger_than_its_cap_unless_one_command_alone_is(
    tmp_path: Path, units: UnitRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = service_at(tmp_path, units)
    sizes: list[int] = []
    save = service._save

    def measured(processing: Any) -> Any:
        sizes.append(sum(len(service.mapper.to_stored_event(e).state) for e in processing.events))
        return save(processing)

    monkeypatch.setattr(service, "_save", measured)
    with service.bulk(max_bytes=4_000):
        collect(service)
    assert len(sizes) > 2
    assert all(size <= 4_000 for size in sizes), sizes


def test_a_failing_command_in_a_bulk_block_is_refused_once_and_the_unsaved_rest_is_dropped(
    tmp_path: Path, units: UnitRegistry
) -> None:
    service = service_at(tmp_path, units)
    with pytest.raises(DomainError), service.bulk(max_bytes=10**9):  # noqa: PT012
        nid = service.open_nomination(ctx(officer()), CODES[0], "bang-khen-tinh", 2023).id
        service.complete_province_review(ctx(officer()), nid, "approve", "")
    assert stored(service) == []
    with pytest.raises(NominationNotFound):
        service.get_nomination(nid)
