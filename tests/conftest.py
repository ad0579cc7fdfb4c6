from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.criteria.loader import load_rule_set
from domain.criteria.ruleset import RuleSet
from domain.units import UnitRegistry

ROOT = Path(__file__).resolve().parents[1]
UNITS_FILE = ROOT / "tests" / "fixtures" / "units.json"
"""The units the tests build on: the shipped data as it stood before its units took successors
on 1/7/2025, so that a test may open a commune's dossier for any cycle it needs."""
SHIPPED_UNITS = ROOT / "data" / "units" / "ben-tre.json"


def pytest_configure(config: pytest.Config) -> None:
    # Argon2 at production strength costs ~0.1 s a hash and a sign-in; what the tests check
    # is the same with cheap parameters (the product uses them only when THIDUA_ENVIRONMENT
    # is test).
    from api.security import use_test_hashing

    use_test_hashing()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One real PostgreSQL for the session (per worker): ``THIDUA_TEST_POSTGRES_URL`` or
    embedded. Tests that need one never skip: a server that cannot start fails the run."""
    from thidua.embedded import postgres_server

    with postgres_server("THIDUA_TEST_POSTGRES_URL") as url:
        yield url


@pytest.fixture(scope="session")
def units() -> UnitRegistry:
    return UnitRegistry.from_json(UNITS_FILE.read_bytes())


@pytest.fixture(scope="session")
def shipped_units() -> UnitRegistry:
    """The units the product ships and the demo seeds."""
    return UnitRegistry.from_json(SHIPPED_UNITS.read_bytes())


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rule_set("ben-tre-vi-nguoi-ngheo-2021-2025", 3)


FOLDER_MARKERS = {
    "unit": "unit",
    "workflows": "workflow",
    "projections": "projections",
    "api": "api",
    "security": "security",
    "integration": "integration",
    "e2e": "e2e",
    "faults": "faults",
}
"""Every test is marked by its folder, whatever its module declares."""

SHARED_GROUPS = {"e2e", "faults"}
"""Folders whose tests share one running product or cluster: on one worker, in turn."""

SHARED_MODULES = {"tests/api/test_documents.py"}
"""Modules whose tests share a module-scoped fixture (a seeded demo): on one worker."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = item.path.relative_to(ROOT / "tests").parts
        folder = parts[0] if len(parts) > 1 else ""
        marker = FOLDER_MARKERS.get(folder)
        if marker is not None:
            item.add_marker(getattr(pytest.mark, marker))
        # Under xdist (--dist loadgroup) tests that share costly set-up stay together, so it
        # is paid once; every other test goes to whichever worker is free.
        module = str(item.path.relative_to(ROOT))
        if folder in SHARED_GROUPS:
            item.add_marker(pytest.mark.xdist_group(folder))
        elif module in SHARED_MODULES:
            item.add_marker(pytest.mark.xdist_group(module))
