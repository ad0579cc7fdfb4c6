"""A backup taken while writes go on, restored into an empty place: the same events, the
same views, the same evidence bytes. A backup that was altered is refused, and so is a
place that is not empty."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from domain.units import UnitRegistry
from projections.runner import CATALOGUE, ProjectionRunner
from service.nomination_service import NominationService
from service.people import PeopleRegister
from storage.views import Database, PostgresDatabase, SQLiteDatabase
from tests.cli import run_cli
from tests.factories import ADMIN, ctx
from thidua.bootstrap import SQLITE_FACTORY, postgres_env, writer_key
from thidua.demo_people import DEMO_PERSON
from thidua.settings import Settings

pytestmark = pytest.mark.integration


class Place:
    """A data directory and, on PostgreSQL, a database of its own."""

    def __init__(self, root: Path, url: str | None) -> None:
        self.root = root
        self.url = url

    @property
    def env(self) -> dict[str, str]:
        env = {**os.environ, "THIDUA_DATA_DIR": str(self.root), "THIDUA_LOG_FORMAT": "json"}
        if self.url:
            env.update(THIDUA_STORE="postgres", THIDUA_POSTGRES_URL=self.url)
        return env

    def service(self, units: UnitRegistry) -> NominationService:
        """A process of this deployment: it signs with the deployment's writer key."""
        key = writer_key(Settings(data_dir=self.root, _env_file=None))  # type: ignore[call-arg]
        if self.url:
            return NominationService(postgres_env(self.url), units=units, writer_key=key)
        store = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(self.events)}
        return NominationService(store, units=units, writer_key=key)

    @property
    def events(self) -> Path:
        return self.root / "thidua.sqlite3"

    def views(self) -> Database:
        return PostgresDatabase(self.url) if self.url else SQLiteDatabase(str(self.events))

    def thidua(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(self.env, *args)


@pytest.fixture(params=["sqlite", "postgres"])
def places(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Place, ...]]:
    """Three places: the source, an empty target, and another empty target."""
    if request.param == "sqlite":
        yield tuple(Place(tmp_path / name, None) for name in ("source", "target", "other"))
        return
    server = request.getfixturevalue("postgres_url")
    names = [f"b_{uuid4().hex[:10]}" for _ in range(3)]
    with psycopg.connect(server, autocommit=True) as conn:
        for name in names:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = conninfo_to_dict(server)
    try:
        yield tuple(
            Place(tmp_path / label, make_conninfo("", **{**parts, "dbname": name}))
            for label, name in zip(("source", "target", "other"), names, strict=True)
        )
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            for name in names:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def log_of(service: NominationService, up_to: int) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    after = 0
    while after < up_to:
        page = service.read_log(after, 500, up_to)
        rows += [(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in page]
        after = page[-1].id
    return rows


def evidence_of(place: Place) -> dict[str, bytes]:
    folder = place.root / "evidence"
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_backup_under_load_restores_to_the_same_events_views_and_evidence(
    places: tuple[Place, ...], units: UnitRegistry
) -> None:
    source, target, other = places
    assert source.thidua("demo").returncode == 0
    for content in (b"%PDF-1.7 quyet dinh", b"%PDF-1.7 bien ban"):
        sha = hashlib.sha256(content).hexdigest()
        path = source.root / "evidence" / sha[:2] / sha
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (source.root / "keys").mkdir(exist_ok=True)  # the demo made the snapshot key there
    (source.root / "keys" / "token.key").write_bytes(os.urandom(32))

    # What the operator keeps apart from backups: the audit public key and a receipt.
    public_key = source.root.parent / "audit-public.pem"
    public_key.write_text(source.thidua("audit", "public-key").stdout)
    receipt = source.root.parent / "receipt.json"
    assert source.thidua("audit", "seal", "--output", str(receipt)).returncode == 0
    kept = ["--receipt", str(receipt), "--public-key", str(public_key)]

    writing = source.service(units)
    stop = threading.Event()

    def load() -> None:
        index = 0
        while not stop.is_set():
            index += 1
            writing.register_unit(
                ctx(ADMIN),
                {
                    "code": f"S-831-B{index:04d}",
                    "name": f"Xã Sao Lưu {index} (dữ liệu mẫu)",
                    "kind": "commune",
                    "parent_code": "831",
                    "valid_from": "2020-02-01",
                    "valid_to": "2025-06-30",
                    "synthetic": True,
                },
            )

    writer = threading.Thread(target=load)
    writer.start()
    try:
        backup = source.root.parent / "backup"
        taken = source.thidua("backup", str(backup))
        assert taken.returncode == 0, taken.stderr
    finally:
        stop.set()
        writer.join(timeout=60)
        writing.close()

    restored = target.thidua("restore", str(backup), *kept, "--with-keys")
    assert restored.returncode == 0, restored.stderr
    report = json.loads(restored.stdout)
    assert report["verify"]["ok"] is True
    assert report["receipt"]["ok"] is True
    head = int(report["head"])
    manifest = json.loads((backup / "manifest.json").read_text())
    assert head >= manifest["head_at_start"] > 0

    with source.service(units) as original, target.service(units) as copy:
        assert log_of(copy, head) == log_of(original, head)  # the same events, byte for byte
        assert copy.head() == head
        # The restored views, against the source's log rebuilt up to the same point.
        fresh = SQLiteDatabase(str(source.root.parent / "fresh-views.sqlite3"))
        rebuilt = ProjectionRunner(original, fresh)
        restored_views = ProjectionRunner(copy, target.views())
        for name in CATALOGUE:
            while rebuilt.position(name) < head:
                rebuilt.step(name, head)
            assert restored_views.view(name).digest() == rebuilt.view(name).digest(), name
        fresh.close()
        restored_views.database.close()
    assert evidence_of(target) == evidence_of(source)
    # People's data lives beside the views, not in the log: the backup carries it too.
    restored_people = target.views()
    assert PeopleRegister(restored_people).get(DEMO_PERSON).name == "Nguyễn Thị Hoa (mẫu)"
    restored_people.close()
    assert (target.root / "keys" / "token.key").read_bytes() == (
        source.root / "keys" / "token.key"
    ).read_bytes()

    refused = source.thidua("restore", str(backup), *kept)
    assert refused.returncode != 0
    assert "empty" in refused.stderr

    victim = sorted(p for p in (backup / "evidence").rglob("*") if p.is_file())[0]
    victim.write_bytes(victim.read_bytes() + b" ")
    altered = other.thidua("restore", str(backup), *kept)
    assert altered.returncode != 0
    assert str(victim.relative_to(backup)) in altered.stderr
    assert "SHA-256" in altered.stderr
    assert not (other.root / "thidua.sqlite3").exists()


def test_a_restore_needs_the_operators_receipt_and_key_and_brings_keys_back_only_when_asked(
    places: tuple[Place, ...],
) -> None:
    source, target, other = places
    assert source.thidua("demo").returncode == 0
    public_key = source.root.parent / "audit-public.pem"
    public_key.write_text(source.thidua("audit", "public-key").stdout)
    receipt = source.root.parent / "receipt.json"
    assert source.thidua("audit", "seal", "--output", str(receipt)).returncode == 0
    (source.root / "keys" / "token.key").write_text("a key its maker knows\n")
    backup = source.root.parent / "backup"
    assert source.thidua("backup", str(backup)).returncode == 0

    # A receipt checked against another key is refused before anything is restored.
    stranger = source.root.parent / "stranger.pem"
    stranger.write_text(other.thidua("audit", "public-key").stdout)
    refused = target.thidua(
        "restore", str(backup), "--receipt", str(receipt), "--public-key", str(stranger)
    )
    assert refused.returncode != 0
    assert "receipt" in refused.stderr
    assert not (target.root / "thidua.sqlite3").exists()

    # Without --with-keys the backup's keys stay out: a planted token key signs nothing here.
    restored = target.thidua(
        "restore", str(backup), "--receipt", str(receipt), "--public-key", str(public_key)
    )
    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout)["keys_restored"] is False
    planted = backup / "keys" / "token.key"
    mine = target.root / "keys" / "token.key"
    assert planted.exists()
    assert not mine.exists() or mine.read_bytes() != planted.read_bytes()


def test_a_backup_whose_log_was_changed_fails_the_operators_receipt(tmp_path: Path) -> None:
    """Its manifest rewritten to match, the backup checks out on its own; the receipt the
    operator kept, checked with the operator's key, does not."""
    from thidua.backup import MANIFEST, SQLITE_FILE

    source, other = Place(tmp_path / "source", None), Place(tmp_path / "other", None)
    assert source.thidua("demo").returncode == 0
    public_key = tmp_path / "audit-public.pem"
    public_key.write_text(source.thidua("audit", "public-key").stdout)
    receipt = tmp_path / "receipt.json"
    assert source.thidua("audit", "seal", "--output", str(receipt)).returncode == 0
    backup = tmp_path / "backup"
    assert source.thidua("backup", str(backup)).returncode == 0
    store = backup / SQLITE_FILE
    with sqlite3.connect(store) as db:
        db.execute("DROP TRIGGER stored_events_no_update")
        db.execute("UPDATE stored_events SET state = state || X'20' WHERE rowid = 3")
    db.close()
    manifest = json.loads((backup / MANIFEST).read_text())
    data = store.read_bytes()
    manifest["files"][SQLITE_FILE] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (backup / MANIFEST).write_text(json.dumps(manifest))
    forged = other.thidua(
        "restore", str(backup), "--receipt", str(receipt), "--public-key", str(public_key)
    )
    assert forged.returncode != 0
    assert json.loads(forged.stdout)["receipt"]["ok"] is False
    assert "not the one the receipt signed" in forged.stderr
