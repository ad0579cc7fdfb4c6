"""An event row the notification log does not list (an id of 0 or below) is refused by the
store, never loaded into its aggregate, and found by verify, on SQLite and PostgreSQL. The
log, verify and receipts read ids above 0 only: before this, such a row was applied when
its aggregate loaded, unseen by any of them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from domain.units import UnitRegistry
from service.audit import BreakKind, verify_store
from service.nomination_service import NominationService
from tests.projections.conftest import Store, StoredRows
from tests.scenarios import GOOD, Story

pytestmark = pytest.mark.projections


@pytest.fixture
def rows(service: NominationService, store: Store) -> StoredRows:
    return StoredRows(service, store)


def last_row(rows: StoredRows, nid: UUID, version: int) -> tuple[str, bytes]:
    with rows.db.reading() as cursor:
        cursor.execute(
            f"SELECT topic, state FROM {rows.table}"  # noqa: S608
            " WHERE originator_id = ? AND originator_version = ?",
            (rows.key(nid), version),
        )
        topic, state = cursor.fetchone()
    return str(topic), bytes(state)


def insert_outside_log(rows: StoredRows, cursor: Any, nid: UUID, version: int) -> None:
    topic, state = last_row(rows, nid, version - 1)
    column = "rowid" if rows.sqlite else "notification_id"
    cursor.execute(
        f"INSERT INTO {rows.table} ({column}, originator_id, originator_version, topic, state)"  # noqa: S608
        " VALUES (-1, ?, ?, ?, ?)",
        (rows.key(nid), version, topic, state),
    )


def opened(service: NominationService) -> tuple[UUID, int]:
    nid = Story(service).open("S-831-01", GOOD)
    return nid, service.get_nomination(nid).version


def test_the_store_refuses_a_row_outside_the_log(
    service: NominationService, rows: StoredRows
) -> None:
    nid, version = opened(service)
    refused = pytest.raises(Exception, match="outside the notification log")
    with refused, rows.db.transaction() as cursor:
        insert_outside_log(rows, cursor, nid, version + 1)
    assert service.recorder.missing_guards() == []  # type: ignore[attr-defined]


def test_a_row_outside_the_log_is_never_loaded_and_verify_finds_it(
    store: Store, service: NominationService, rows: StoredRows, units: UnitRegistry
) -> None:
    nid, version = opened(service)
    with rows.db.transaction() as cursor:  # as the owner would: the guard dropped first
        if rows.sqlite:
            cursor.execute(f"DROP TRIGGER IF EXISTS {rows.table}_in_log")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {rows.table}_in_log ON {rows.table}")
        insert_outside_log(rows, cursor, nid, version + 1)
    with NominationService(store.env, units=units) as fresh:
        assert fresh.get_nomination(nid).version == version
        report = verify_store(fresh)
    assert report.first_broken is not None
    assert report.first_broken.kind is BreakKind.OUTSIDE_LOG
