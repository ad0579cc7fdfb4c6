"""A real PostgreSQL for the integration tests: ``THIDUA_TEST_POSTGRES_URL`` or embedded.

These tests never skip: a server that cannot start fails the run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from thidua.embedded import fresh_schema


@pytest.fixture
def postgres_schema(postgres_url: str) -> Iterator[str]:
    """A fresh schema per test: tests never see each other's rows."""
    with fresh_schema(postgres_url) as name:
        yield name
