"""The store refuses to change its past: triggers on both stores, and on PostgreSQL a
product role that may only SELECT and INSERT recorded events."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from domain.units import UnitRegistry
from service.audit import BreakKind, verify_store
from service.nomination_service import NominationService
from storage.postgres import migrate
from tests.factories import SYSTEM, ctx
from tests.integration.followers import follow_while_writing
from tests.scenarios import GOOD, Story
from thidua.bootstrap import SQLITE_FACTORY, postgres_env

pytestmark = pytest.mark.integration


def test_sqlite_refuses_to_change_or_delete_a_recorded_event_or_snapshot(
    tmp_path: Path, units: UnitRegistry
) -> None:
    path = tmp_path / "events.sqlite3"
    key = b"k" * 32  # one deployment's snapshot key, shared by its processes
    with NominationService(
        {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(path)},
        units=units,
        snapshot_key=key,
    ) as service:
        nid = Story(service).open("S-831-01", GOOD)
        for i in range(200):  # past the snapshot interval
            service.record_reminder(ctx(SYSTEM), nid, "collecting", ["a@example.org"], f"#{i}")
        head = service.recorder.max_notification_id()
    connection = sqlite3.connect(path)
    for statement in (
        "UPDATE stored_events SET state = x'00'",
        "DELETE FROM stored_events",
        "UPDATE stored_snapshots SET state = x'00'",
        "DELETE FROM stored_snapshots",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(statement)
    connection.close()
    with NominationService(
        {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(path)},
        units=units,
        snapshot_key=key,
    ) as service:
        assert service.recorder.max_notification_id() == head
        assert verify_store(service).ok


def test_a_missing_trigger_is_logged_at_start_up_and_reported(
    tmp_path: Path, units: UnitRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "events.sqlite3"
    env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(path), "CREATE_TABLE": "y"}
    with NominationService(env, units=units):
        pass
    connection = sqlite3.connect(path)
    connection.execute("DROP TRIGGER stored_events_no_delete")
    connection.commit()
    connection.close()
    env["CREATE_TABLE"] = "n"  # a start that does not recreate what is missing
    with NominationService(env, units=units) as service:
        assert service.recorder.missing_guards() == ["stored_events_no_delete"]  # type: ignore[attr-defined]
    assert "store.append_only_guard_missing" in capsys.readouterr().out


class Roles:
    """An owner role that owns the schema, and the product's role, on a fresh schema."""

    def __init__(self, admin_url: str) -> None:
        suffix = uuid4().hex[:8]
        self.admin_url = admin_url
        self.owner, self.app = f"owner_{suffix}", f"app_{suffix}"
        self.schema = f"s_{suffix}"
        self.owner_url = self._url(self.owner)
        self.app_url = self._url(self.app)

    def _url(self, role: str) -> str:
        parts = conninfo_to_dict(self.admin_url)
        parts.update(user=role, password=f"{role}-pw")
        return make_conninfo(**{k: v for k, v in parts.items() if v is not None})

    def create(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            for role in (self.owner, self.app):
                conn.execute(
                    sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                        sql.Identifier(role), sql.Literal(f"{role}-pw")
                    )
                )
            conn.execute(
                sql.SQL("CREATE SCHEMA {} AUTHORIZATION {}").format(
                    sql.Identifier(self.schema), sql.Identifier(self.owner)
                )
            )
            database = conn.execute("SELECT current_database()").fetchone()
            assert database is not None
            conn.execute(
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}, {}").format(
                    sql.Identifier(database[0]),
                    sql.Identifier(self.owner),
                    sql.Identifier(self.app),
                )
            )

    def drop(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(self.schema)))
            for role in (self.app, self.owner):
                conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))

    def app_env(self) -> dict[str, str]:
        return {**postgres_env(self.app_url, self.schema), "CREATE_TABLE": "n"}


@pytest.fixture
def roles(postgres_url: str) -> Iterator[Roles]:
    made = Roles(postgres_url)
    made.create()
    migrate(made.owner_url, made.schema, made.app)
    yield made
    made.drop()


def _as(url: str, schema: str, statement: str, *params: object) -> None:
    with psycopg.connect(url, autocommit=True, options=f"-c search_path={schema}") as conn:
        conn.execute(statement, params)  # type: ignore[arg-type]


def test_the_product_role_can_append_and_read_but_never_change_or_delete(
    roles: Roles, units: UnitRegistry
) -> None:
    with NominationService(roles.app_env(), units=units) as service:
        nid = Story(service).open("S-831-01", GOOD)
        assert service.get_nomination(nid).version >= 2
        assert service.recorder.missing_guards() == []  # type: ignore[attr-defined]
    for statement in (
        "UPDATE thidua_events SET state = 'x'::bytea",
        "DELETE FROM thidua_events",
        "TRUNCATE thidua_events",
        "UPDATE thidua_snapshots SET state = 'x'::bytea",
        "DELETE FROM thidua_snapshots",
        "DROP TRIGGER thidua_events_no_update ON thidua_events",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _as(roles.app_url, roles.schema, statement)


def test_even_the_owner_is_refused_by_the_triggers_and_verify_finds_a_change_made_without_them(
    roles: Roles, units: UnitRegistry
) -> None:
    with NominationService(roles.app_env(), units=units) as service:
        nid = Story(service).open("S-831-01", GOOD)
    change = (
        "UPDATE thidua_events SET state = %s WHERE originator_id = %s AND originator_version = 2"
    )
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        _as(roles.owner_url, roles.schema, change, b"{}", nid)
    with psycopg.connect(roles.owner_url, autocommit=True) as conn:
        conn.execute(f"SET search_path = {roles.schema}")
        conn.execute("DROP TRIGGER thidua_events_no_update ON thidua_events")
        row = conn.execute(
            "SELECT state FROM thidua_events WHERE originator_id = %s AND originator_version = 2",
            (nid,),
        ).fetchone()
        assert row is not None
        forged = bytes(row[0]).replace(b'"poor_households":400', b'"poor_households":100')
        assert forged != bytes(row[0])
        conn.execute(change, (forged, nid))
    with NominationService(roles.app_env(), units=units) as service:
        report = verify_store(service)
        assert report.first_broken is not None
        assert (report.first_broken.aggregate_id, report.first_broken.version) == (str(nid), 2)
        assert report.first_broken.kind is BreakKind.SUCCESSOR_DISAGREES
        assert "no_update" in " ".join(service.recorder.missing_guards())  # type: ignore[attr-defined]


def test_under_the_product_role_a_follower_never_passes_over_an_event(
    roles: Roles, units: UnitRegistry
) -> None:
    """Appends queue on an advisory lock held to the commit, not on a table lock."""
    writers = [NominationService(roles.app_env(), units=units) for _ in range(3)]
    recorder = writers[0].recorder
    seen = follow_while_writing(writers, 80)
    everything = [n.id for n in recorder.select_notifications(1, 10_000)]
    assert seen == everything
    for w in writers:
        w.close()


def test_the_owner_migrates_from_the_command_line_and_the_product_runs_as_its_role(
    postgres_url: str, tmp_path: Path
) -> None:
    made = Roles(postgres_url)
    made.create()
    try:
        env = {
            **os.environ,
            "THIDUA_DATA_DIR": str(tmp_path),
            "THIDUA_STORE": "postgres",
            "THIDUA_POSTGRES_URL": made.app_url,
            "THIDUA_POSTGRES_SCHEMA": made.schema,
            "THIDUA_LOG_FORMAT": "json",
        }
        cli = [sys.executable, "-m", "thidua.cli"]
        refused = subprocess.run(
            [*cli, "db", "migrate"], env=env, capture_output=True, text=True, check=False
        )
        assert refused.returncode == 2
        assert "THIDUA_POSTGRES_OWNER_URL" in refused.stderr
        migrated = subprocess.run(
            [*cli, "db", "migrate"],
            env={**env, "THIDUA_POSTGRES_OWNER_URL": made.owner_url},
            capture_output=True,
            text=True,
            check=True,
        )
        assert "migrated" in migrated.stdout
        product = {**env, "THIDUA_POSTGRES_CREATE_SCHEMA": "false"}
        subprocess.run([*cli, "demo"], env=product, capture_output=True, check=True)
        verified = subprocess.run(
            [*cli, "audit", "verify"], env=product, capture_output=True, text=True, check=True
        )
        assert '"ok": true' in verified.stdout
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _as(made.app_url, made.schema, "DELETE FROM thidua_events")
    finally:
        made.drop()
