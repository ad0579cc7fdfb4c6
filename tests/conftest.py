from __future__ import annotations

from pathlib import Path

import pytest

from domain.criteria.ruleset import RuleSet, load_rule_set
from domain.units import UnitRegistry

ROOT = Path(__file__).resolve().parents[1]
UNITS_FILE = ROOT / "data" / "units" / "ben-tre.json"


@pytest.fixture(scope="session")
def units() -> UnitRegistry:
    return UnitRegistry.from_json(UNITS_FILE.read_bytes())


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rule_set("ben-tre-vi-nguoi-ngheo-2021-2025", 3)
