"""The rule sets shipped with the product, found by id and version in ``domain/rulesets``."""

from __future__ import annotations

import re
from importlib import resources
from importlib.resources.abc import Traversable

from domain.criteria.ruleset import RuleSet
from domain.errors import InvalidInput, RuleSetNotFound

RULESET_PACKAGE = "domain.rulesets"


SHIPPED_FILE = re.compile(r"^(?P<id>[a-z0-9][a-z0-9-]{0,99})\.v(?P<version>[1-9][0-9]{0,3})\.json$")


def _shipped_files() -> dict[tuple[str, int], Traversable]:
    found: dict[tuple[str, int], Traversable] = {}
    for entry in resources.files(RULESET_PACKAGE).iterdir():
        match = SHIPPED_FILE.match(entry.name)
        if match:
            found[(match["id"], int(match["version"]))] = entry
    return found


def load_rule_set(rule_set_id: str, version: int) -> RuleSet:
    """A rule set shipped with the package, looked up among the files that are there: no
    path is ever built from the text a caller gives."""
    files = _shipped_files()
    ids = sorted({known for known, _ in files})
    if rule_set_id not in ids:
        raise InvalidInput("rule_set_id", f"must be one of {', '.join(ids)}")
    entry = files.get((rule_set_id, version))
    if entry is None:
        raise RuleSetNotFound(rule_set_id, version)
    return RuleSet.from_bytes(entry.read_bytes())


def shipped_rule_sets() -> list[RuleSet]:
    found = []
    for entry in resources.files(RULESET_PACKAGE).iterdir():
        if entry.name.endswith(".json"):
            found.append(RuleSet.from_bytes(entry.read_bytes()))
    return sorted(found, key=lambda r: (r.ref.id, r.ref.version))
