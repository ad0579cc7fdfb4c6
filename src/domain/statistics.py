"""Yearly poverty statistics of a unit: validated values with exact arithmetic."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from domain.errors import InvalidInput
from domain.text import free_text


def _optional_count(data: dict[str, Any], name: str, prefix: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{prefix}{name}", "must be a whole number")
    if value < 0:
        raise InvalidInput(f"{prefix}{name}", "must not be negative")
    return value


def _count(data: dict[str, Any], name: str, prefix: str) -> int:
    value = _optional_count(data, name, prefix)
    if value is None:
        raise InvalidInput(f"{prefix}{name}", "is required")
    return value


FLOW_FIELDS = ("exited", "newly_poor", "fallen_back", "removed")
"""In the order the UI asks for them."""


@dataclass(frozen=True)
class Flows:
    """Movements during the year: P[y-1] - exited + newly_poor + fallen_back - removed = P[y]."""

    exited: int
    newly_poor: int
    fallen_back: int
    removed: int

    def apply_to(self, previous_poor: int) -> int:
        return previous_poor - self.exited + self.newly_poor + self.fallen_back - self.removed

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Source:
    """The recognition decision that made the figures official."""

    decision_number: str
    decision_date: date
    issuing_body: str | None = None

    def to_dict(self) -> dict[str, str]:
        data = {
            "decision_number": self.decision_number,
            "decision_date": self.decision_date.isoformat(),
        }
        if self.issuing_body:
            data["issuing_body"] = self.issuing_body
        return data

    def check_dates(self, year: int, today: date, field: str = "source.decision_date") -> None:
        """A year's figures are recognised once its review has started (1 September of that
        year), and never on a future date."""
        if self.decision_date < date(year, 9, 1):
            raise InvalidInput(
                field, f"{self.decision_date.isoformat()} is before {year}'s review began (1/9)"
            )
        if self.decision_date > today:
            raise InvalidInput(field, f"{self.decision_date.isoformat()} is in the future")


@dataclass(frozen=True)
class YearStatistics:
    total_households: int
    poor_households: int
    near_poor_households: int | None = None
    flows: Flows | None = None
    source: Source | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any], prefix: str = "") -> YearStatistics:
        """Validates raw figures; every error names the offending field."""
        if not isinstance(data, dict):
            raise InvalidInput(prefix.rstrip(".") or "statistics", "must be an object")
        total = _count(data, "total_households", prefix)
        poor = _count(data, "poor_households", prefix)
        near = _optional_count(data, "near_poor_households", prefix)
        if total == 0:
            raise InvalidInput(f"{prefix}total_households", "must be greater than zero")
        if poor > total:
            raise InvalidInput(
                f"{prefix}poor_households", f"{poor} exceeds total_households {total}"
            )
        if near is not None and poor + near > total:
            raise InvalidInput(
                f"{prefix}near_poor_households",
                f"poor ({poor}) plus near-poor ({near}) exceed total_households {total}",
            )
        flows = None
        raw_flows = data.get("flows")
        if raw_flows is not None:
            if not isinstance(raw_flows, dict):
                raise InvalidInput(f"{prefix}flows", "must be an object")
            flows = Flows(
                **{name: _count(raw_flows, name, f"{prefix}flows.") for name in FLOW_FIELDS}
            )
        source = None
        raw_source = data.get("source")
        if raw_source is not None:
            source = _source(raw_source, f"{prefix}source.")
        return cls(total, poor, near, flows, source)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "total_households": self.total_households,
            "poor_households": self.poor_households,
        }
        if self.near_poor_households is not None:
            data["near_poor_households"] = self.near_poor_households
        if self.flows is not None:
            data["flows"] = self.flows.to_dict()
        if self.source is not None:
            data["source"] = self.source.to_dict()
        return data

    def differences(self, other: YearStatistics) -> dict[str, dict[str, int | None]]:
        """Fields whose counts differ, as ``{field: {"declared": a, "verified": b}}``."""
        diffs: dict[str, dict[str, int | None]] = {}
        for name in ("total_households", "poor_households", "near_poor_households"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine != theirs:
                diffs[name] = {"declared": mine, "verified": theirs}
        return diffs


def discrepancies(
    declared: dict[int, YearStatistics],
    verified: dict[int, YearStatistics],
    *,
    new_year: bool = True,
) -> dict[str, dict[str, Any]]:
    """Per year, how verified figures differ from declared ones; a year never declared is
    new (or, with ``new_year=False``, left out)."""
    found: dict[str, dict[str, Any]] = {}
    for year, figures in sorted(verified.items()):
        if year not in declared and not new_year:
            continue
        differences: dict[str, Any] = (
            declared[year].differences(figures) if year in declared else {"year": "new"}
        )
        if differences:
            found[str(year)] = differences
    return found


def _source(raw: Any, prefix: str) -> Source:
    if not isinstance(raw, dict):
        raise InvalidInput(prefix.rstrip("."), "must be an object")
    number = raw.get("decision_number")
    if isinstance(number, str):
        number = free_text("source.number", number)
    if not isinstance(number, str) or not number.strip():
        raise InvalidInput(f"{prefix}decision_number", "is required")
    raw_date = raw.get("decision_date")
    try:
        when = raw_date if isinstance(raw_date, date) else date.fromisoformat(str(raw_date))
    except ValueError:
        raise InvalidInput(f"{prefix}decision_date", "must be a date (YYYY-MM-DD)") from None
    body = raw.get("issuing_body")
    if body is not None and not isinstance(body, str):
        raise InvalidInput(f"{prefix}issuing_body", "must be text")
    issuing_body = free_text(f"{prefix}issuing_body", body).strip()[:255] if body else None
    return Source(number.strip(), when, issuing_body or None)


def check_flows_reconcile(year: int, previous_poor: int | None, stats: YearStatistics) -> None:
    """Refuses flows that do not lead from last year's poor households to this year's."""
    if stats.flows is None or previous_poor is None:
        return
    expected = stats.flows.apply_to(previous_poor)
    if expected != stats.poor_households:
        difference = stats.poor_households - expected
        raise InvalidInput(
            "flows",
            f"do not reconcile for {year}: {previous_poor} - exited {stats.flows.exited}"
            f" + newly_poor {stats.flows.newly_poor} + fallen_back {stats.flows.fallen_back}"
            f" - removed {stats.flows.removed} = {expected}, but poor_households is"
            f" {stats.poor_households} (difference {difference:+d})",
            year=year,
            difference=difference,
        )
