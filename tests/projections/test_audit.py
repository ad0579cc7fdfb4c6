"""Tamper detection, time travel, what-if and exports, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.criteria.ruleset import RuleSet
from projections.audit_trail_view import TrailFilter
from projections.board import BoardQuery
from projections.exports import export
from projections.runner import ProjectionRunner
from projections.time_travel import board_as_of
from service.audit import BreakKind, RecordedDigest, verify_store
from service.nomination_service import NominationService
from tests.projections.conftest import StoredRows
from tests.scenarios import Story

pytestmark = pytest.mark.projections


def recorded(runner: ProjectionRunner) -> list[RecordedDigest]:
    return list(runner.audit_trail_view.digests())


def test_an_untouched_store_verifies(
    ids: dict[str, UUID], service: NominationService, runner: ProjectionRunner
) -> None:
    report = verify_store(service, recorded(runner))
    assert report.ok
    assert report.first_broken is None
    assert report.checked_events == runner.head()


def test_a_changed_byte_in_a_stored_event_is_found(
    ids: dict[str, UUID], service: NominationService, runner: ProjectionRunner, rows: StoredRows
) -> None:
    good = ids["good"]
    state = rows.state(good, 3)  # the 2022 statistics
    assert b'"poor_households":310' in state
    rows.overwrite(good, 3, state.replace(b'"poor_households":310', b'"poor_households":311'))
    report = verify_store(service)
    assert not report.ok
    assert report.first_broken is not None
    assert (report.first_broken.aggregate_id, report.first_broken.version) == (str(good), 3)
    assert "changed" in report.first_broken.reason
    assert report.first_broken.kind is BreakKind.SUCCESSOR_DISAGREES


def test_a_changed_event_that_carries_its_old_digest_is_still_found(
    ids: dict[str, UUID], service: NominationService, runner: ProjectionRunner, rows: StoredRows
) -> None:
    """The old digest is public (the next event's prev_hash): a stored key cannot vouch."""
    good = ids["good"]
    events = list(service.events.get(good))
    old_digest = events[3].prev_hash  # type: ignore[attr-defined]
    state = json.loads(rows.state(good, 3))
    assert state["statistics"]["poor_households"] == 310
    state["statistics"]["poor_households"] = 100
    state["_stored_digest"] = old_digest
    rows.overwrite(good, 3, json.dumps(state).encode())
    for report in (verify_store(service), verify_store(service, recorded(runner))):
        assert report.first_broken is not None
        assert (report.first_broken.aggregate_id, report.first_broken.version) == (str(good), 3)
    digest = service.mapper.stored_content(  # type: ignore[attr-defined]
        next(iter(service.recorder.select_events(good, gt=2, lte=3)))
    ).digest
    assert digest != old_digest


def test_a_current_event_holding_a_legacy_digest_key_is_reported_broken(
    ids: dict[str, UUID], service: NominationService, runner: ProjectionRunner, rows: StoredRows
) -> None:
    dropped = ids["dropped"]
    last = service.get_nomination(dropped).version
    state = json.loads(rows.state(dropped, last))
    state["_stored_digest"] = "0" * 64
    rows.overwrite(dropped, last, json.dumps(state).encode())
    report = verify_store(service)
    assert report.first_broken is not None
    assert (report.first_broken.aggregate_id, report.first_broken.version) == (str(dropped), last)
    assert report.first_broken.kind is BreakKind.FORGED_FIELD
    assert "_stored_digest" in report.first_broken.reason


def snapshotted(service: NominationService) -> UUID:
    """A nomination past the snapshot interval of 200 events."""
    story = Story(service)
    from tests.scenarios import GOOD
    from tests.service_contract import SYSTEM, ctx

    nid = story.open("S-831-01", GOOD)
    story.to_province_review(nid)
    for i in range(200):
        service.record_reminder(ctx(SYSTEM), nid, "province_review", ["p@x.org"], f"#{i}")
    assert service.snapshots is not None
    assert list(service.snapshots.get(nid))
    return nid


def test_a_forged_snapshot_is_refused_at_load_and_the_aggregate_rebuilt_from_events(
    service: NominationService, rows: StoredRows, caplog: pytest.LogCaptureFixture
) -> None:
    nid = snapshotted(service)
    truth = service.get_nomination(nid)
    snapshot = rows.snapshot_state(nid)
    forged = json.loads(snapshot)
    forged["state"]["stage_name"] = "decided"
    forged["state"]["chain_head"] = "f" * 64
    rows.overwrite_snapshot(nid, json.dumps(forged).encode())
    service.repository.cache = None
    with caplog.at_level("ERROR"):
        loaded = service.get_nomination(nid)
    assert loaded.stage == truth.stage == "province_review"
    assert loaded.chain_head == truth.chain_head
    assert any("snapshot" in r.getMessage() and str(nid) in r.getMessage() for r in caplog.records)
    report = verify_store(service)
    assert report.first_broken is not None
    assert report.first_broken.kind is BreakKind.FORGED_SNAPSHOT
    assert report.first_broken.aggregate_id == str(nid)


def test_verify_finds_a_snapshot_whose_state_was_changed_but_head_kept(
    service: NominationService, rows: StoredRows
) -> None:
    nid = snapshotted(service)
    assert verify_store(service).ok
    forged = json.loads(rows.snapshot_state(nid))
    forged["state"]["stage_name"] = "decided"
    rows.overwrite_snapshot(nid, json.dumps(forged).encode())
    report = verify_store(service)
    assert report.first_broken is not None
    assert report.first_broken.kind is BreakKind.FORGED_SNAPSHOT
    # Its proof no longer matches the changed state (with the key itself, the replay
    # comparison would still find that the state is not what the events give).
    assert "proof does not match" in report.first_broken.reason


def test_a_changed_last_event_is_found_through_the_audit_trails_copy(
    ids: dict[str, UUID], service: NominationService, runner: ProjectionRunner, rows: StoredRows
) -> None:
    dropped = ids["dropped"]
    last = service.get_nomination(dropped).version
    state = rows.state(dropped, last)
    rows.overwrite(dropped, last, state.replace("Rút hồ sơ".encode(), "Rút hồ sơ!".encode()))
    assert verify_store(service).ok  # nothing follows it in its own chain
    report = verify_store(service, recorded(runner))
    assert report.first_broken is not None
    assert (report.first_broken.aggregate_id, report.first_broken.version) == (str(dropped), last)
    assert report.first_broken.kind is BreakKind.CHANGED_SINCE_RECORDED


def test_a_deleted_last_event_is_found_through_the_audit_trails_copy(
    ids: dict[str, UUID], service: NominationService, runner: ProjectionRunner, rows: StoredRows
) -> None:
    dropped = ids["dropped"]
    last = service.get_nomination(dropped).version
    digests = recorded(runner)
    rows.delete(dropped, last)
    report = verify_store(service, digests)
    assert report.first_broken is not None
    assert (report.first_broken.aggregate_id, report.first_broken.version) == (str(dropped), last)
    assert report.first_broken.kind is BreakKind.DELETED_SINCE_RECORDED


def test_an_event_deleted_from_the_middle_of_a_stream_is_found(
    ids: dict[str, UUID], service: NominationService, rows: StoredRows
) -> None:
    rows.delete(ids["slow"], 4)
    report = verify_store(service)
    assert report.first_broken is not None
    assert (report.first_broken.aggregate_id, report.first_broken.version) == (str(ids["slow"]), 4)
    assert report.first_broken.reason == "version 4 is missing"
    assert report.first_broken.kind is BreakKind.VERSION_MISSING


def test_a_stored_event_that_no_longer_decodes_is_found(
    ids: dict[str, UUID], service: NominationService, rows: StoredRows
) -> None:
    rows.overwrite(ids["visit"], 2, b"{not json")
    report = verify_store(service)
    assert report.first_broken is not None
    assert report.first_broken.version == 2
    assert report.first_broken.reason.startswith("cannot be read")
    assert report.first_broken.kind is BreakKind.UNREADABLE


def test_the_board_as_of_a_moment_is_replayed_not_read_from_the_live_view(
    service: NominationService, runner: ProjectionRunner
) -> None:
    story = Story(service)
    from tests.scenarios import GOOD

    nid = story.open("S-831-01", GOOD)
    before = datetime.now(UTC)
    story.to_province_review(nid)
    runner.catch_up_all()
    then = board_as_of(service, before, BoardQuery())
    assert [(r["nomination_id"], r["stage"]) for r in then.rows] == [(str(nid), "collecting")]
    assert runner.board_view.get(str(nid))["stage"] == "province_review"
    empty = board_as_of(service, before - timedelta(days=1), BoardQuery())
    assert empty.count == 0


def test_what_if_shows_changed_outcomes_side_by_side_and_writes_nothing(
    ids: dict[str, UUID], service: NominationService, rules: RuleSet, rows: StoredRows
) -> None:
    head = service.recorder.max_notification_id()
    stricter = RuleSet.from_bytes(
        json.dumps(
            dict(
                rules.raw,
                version=99,
                thresholds={**rules.raw["thresholds"], "rate_reduction_points": "3/100"},
            )
        ).encode()
    )
    result = service.what_if([ids["good"], ids["slow"]], stricter)
    # The register has every year of "good": it is judged on the official figures.
    good = [r for r in result if r.nomination_id == ids["good"] and r.basis == "official"]
    assert [(r.criterion_id, r.current_outcome, r.what_if_outcome) for r in good] == [
        ("commune-high-pp2", "met", "not_met")
    ]
    assert good[0].changed
    assert good[0].what_if_rule_set["version"] == 99
    assert good[0].current_rule_set is not None
    assert good[0].current_rule_set["version"] == 6
    assert service.recorder.max_notification_id() == head


def test_exports_stream_the_trail_and_the_checks_with_filters(
    ids: dict[str, UUID], runner: ProjectionRunner
) -> None:
    view = runner.audit_trail_view
    out = io.StringIO()
    count = export(
        view.checks(TrailFilter(cycle_year=2023, district_code="829")), out, what="checks"
    )
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == len(table) == 1
    assert table[0]["criterion_id"] == "commune-high-pp2"
    assert table[0]["outcome"] == "not_met"
    assert json.loads(table[0]["inputs"])["2021"]["poor_households"] == 150
    lines = io.StringIO()
    export(view.rows(TrailFilter(outcome="approved")), lines, fmt="jsonl")
    decisions = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert decisions
    assert {d["kind"] for d in decisions} <= {"decision", "council"}
    assert export(view.rows(TrailFilter(criterion_id="none")), io.StringIO(), fmt="jsonl") == 0


def test_a_projection_never_writes_the_event_store(
    ids: dict[str, UUID], service: NominationService, runner: ProjectionRunner
) -> None:
    head = runner.head()
    for name in runner.projections:
        runner.rebuild(name)
    assert runner.head() == head


def test_an_event_deleted_from_the_middle_is_named_in_log_order_through_the_audit_trails_copy(
    ids: dict[str, UUID], service: NominationService, runner: ProjectionRunner, rows: StoredRows
) -> None:
    rows.delete(ids["slow"], 4)
    report = verify_store(service, recorded(runner))
    assert report.first_broken is not None
    assert (report.first_broken.aggregate_id, report.first_broken.version) == (str(ids["slow"]), 4)
    assert report.first_broken.kind is BreakKind.DELETED_SINCE_RECORDED


def test_verify_reads_the_audit_trails_copy_beside_the_log_never_holding_it_whole(
    ids: dict[str, UUID], service: NominationService, runner: ProjectionRunner
) -> None:
    copy = recorded(runner)
    read: list[int] = []

    def streamed() -> Iterator[RecordedDigest]:
        for row in copy:
            read.append(row[0])
            yield row

    pages: list[tuple[int, int]] = []
    report = verify_store(
        service,
        streamed(),
        page_size=10,
        progress=lambda position, _: pages.append((position, max(read))),
    )
    assert report.ok
    assert len(pages) > 3
    # After each page, the copy has been read no further than the first row past it.
    assert all(ahead <= position + 1 for position, ahead in pages[:-1])
    assert max(read) == copy[-1][0]
