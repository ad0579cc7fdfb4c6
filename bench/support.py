"""Shared set-up for benchmarks: a PostgreSQL server and a fresh schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from thidua.embedded import fresh_schema, postgres_server


@contextmanager
def postgres() -> Iterator[str]:
    """``THIDUA_BENCH_POSTGRES_URL`` if set, otherwise an embedded server."""
    with postgres_server("THIDUA_BENCH_POSTGRES_URL") as url:
        yield url


@contextmanager
def schema(url: str) -> Iterator[str]:
    with fresh_schema(url, prefix="bench") as name:
        yield name
