"""The unit registry: units are data with validity dates, flags and successors."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.access import require_grant
from domain.chain import ChainedAggregate
from domain.context import Role
from domain.errors import AlreadyExists, InvalidInput, UnitNotFound, one_of
from domain.text import free_text


class UnitKind(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    WARD = "ward"
    TOWNSHIP = "township"
    DEPARTMENT = "department"
    FRONT = "front"
    POLICY_BANK = "policy_bank"
    CREDIT_INSTITUTION = "credit_institution"
    ENTERPRISE = "enterprise"
    HOUSEHOLD = "household"
    INDIVIDUAL = "individual"  # a person (cá nhân): a nominee, never a registered unit
    HAMLET = "hamlet"  # ấp, in a commune
    NEIGHBOURHOOD = "neighbourhood"  # khu phố, in a ward or a township


COMMUNE_LEVEL = frozenset({UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP})
# Hamlets and neighbourhoods (ấp, khu phố) are parts of a commune-level unit, never of more.
UNDER_A_COMMUNE = frozenset({UnitKind.HAMLET, UnitKind.NEIGHBOURHOOD})


class UnitFlag(StrEnum):
    COASTAL_SPECIAL_DIFFICULTY = "coastal_special_difficulty"
    ISLAND = "island"


@dataclass(frozen=True)
class DatedFlag:
    """A flag held over a period, as the decision that listed the unit dates it (a list of
    coastal communes in special difficulty is made for a programme's years)."""

    flag: UnitFlag
    valid_from: date
    valid_to: date | None = None

    def holds_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def to_dict(self) -> dict[str, Any]:
        return {
            "flag": self.flag.value,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
        }


def nfc(text: str, field: str = "name") -> str:
    return free_text(field, text).strip()


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: UnitKind
    parent_code: str | None
    valid_from: date
    valid_to: date | None = None
    successor_codes: tuple[str, ...] = ()
    flags: frozenset[UnitFlag] = field(default_factory=frozenset)
    synthetic: bool = False
    predecessor_codes: tuple[str, ...] = ()
    """The units merged into this one on its ``valid_from`` (a split names its successors)."""
    dated_flags: tuple[DatedFlag, ...] = ()
    """Flags held over a period only; ``flags`` are held over the unit's whole life."""

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def require_within(self, parent: Unit, prefix: str = "") -> None:
        """A unit lives inside its parent's period: it cannot begin before its parent or
        outlive it (a unit whose parent ended needs an end and a successor of its own)."""
        if self.kind in UNDER_A_COMMUNE and parent.kind not in COMMUNE_LEVEL:
            raise InvalidInput(
                f"{prefix}parent_code",
                f"a {self.kind.value} belongs to a commune, ward or township, not to a"
                f" {parent.kind.value} ({parent.code})",
            )
        if self.valid_from < parent.valid_from:
            raise InvalidInput(
                f"{prefix}valid_from",
                f"{self.valid_from.isoformat()} is before its parent {parent.code} began"
                f" ({parent.valid_from.isoformat()})",
            )
        if parent.valid_to is not None and (
            self.valid_to is None or self.valid_to > parent.valid_to
        ):
            raise InvalidInput(
                f"{prefix}valid_to",
                f"must end by {parent.valid_to.isoformat()}, when its parent {parent.code} ended",
            )

    def flags_on(self, day: date) -> frozenset[UnitFlag]:
        """The flags in force on a day: the undated ones and the dated ones holding then."""
        return self.flags | {d.flag for d in self.dated_flags if d.holds_on(day)}

    def flags_for(self, year: int) -> frozenset[UnitFlag]:
        """The flags in force at the end of a year, or on the last day the unit existed in
        it; a year before the unit existed takes its first day's flags."""
        day = date(year, 12, 31)
        if self.valid_to is not None and self.valid_to < day:
            day = self.valid_to
        return self.flags_on(max(day, self.valid_from))

    def flag_changes_within(self, first: date, last: date) -> list[DatedFlag]:
        """The dated flags that begin or end strictly inside a period."""
        return [
            d
            for d in self.dated_flags
            if first < d.valid_from <= last
            or (d.valid_to is not None and first <= d.valid_to < last)
        ]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Unit:
        def text(name: str) -> str:
            value = data.get(name)
            if not isinstance(value, str) or not value.strip():
                raise InvalidInput(name, "is required")
            return nfc(value)

        def day(name: str, *, required: bool) -> date | None:
            value = data.get(name)
            if value is None:
                if required:
                    raise InvalidInput(name, "is required")
                return None
            try:
                return value if isinstance(value, date) else date.fromisoformat(str(value))
            except ValueError:
                raise InvalidInput(name, "must be a date (YYYY-MM-DD)") from None

        kind = one_of(UnitKind, data.get("kind"), "kind")
        flags = frozenset(one_of(UnitFlag, f, "flags", each=True) for f in data.get("flags") or ())
        parent = data.get("parent_code")
        dated = _dated_flags(data.get("dated_flags") or ())
        valid_from = day("valid_from", required=True)
        valid_to = day("valid_to", required=False)
        if valid_from is None:  # pragma: no cover - required above
            raise InvalidInput("valid_from", "is required")
        if valid_to is not None and valid_to < valid_from:
            raise InvalidInput("valid_to", "is before valid_from")
        return cls(
            code=text("code"),
            name=text("name"),
            kind=kind,
            parent_code=nfc(parent) if isinstance(parent, str) and parent.strip() else None,
            valid_from=valid_from,
            valid_to=valid_to,
            successor_codes=_codes(data, "successor_codes", "successors"),
            flags=flags,
            synthetic=bool(data.get("synthetic", False)),
            predecessor_codes=_codes(data, "predecessor_codes", "predecessors"),
            dated_flags=dated,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind.value,
            "parent_code": self.parent_code,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "successor_codes": list(self.successor_codes),
            "flags": sorted(f.value for f in self.flags),
            "synthetic": self.synthetic,
            "predecessor_codes": list(self.predecessor_codes),
            "dated_flags": [d.to_dict() for d in self.dated_flags],
        }


def _dated_flags(raw: Any) -> tuple[DatedFlag, ...]:
    if not isinstance(raw, list | tuple):
        raise InvalidInput("dated_flags", "must be a list of {flag, valid_from, valid_to}")
    dated: list[DatedFlag] = []
    for index, item in enumerate(raw):
        where = f"dated_flags[{index}]"
        if not isinstance(item, dict):
            raise InvalidInput(where, "must be an object {flag, valid_from, valid_to}")
        flag = one_of(UnitFlag, item.get("flag"), f"{where}.flag")
        try:
            first = _as_date(item.get("valid_from"))
            last = _as_date(item["valid_to"]) if item.get("valid_to") is not None else None
        except (ValueError, TypeError):
            raise InvalidInput(where, "valid_from and valid_to must be dates") from None
        if last is not None and last < first:
            raise InvalidInput(f"{where}.valid_to", "is before valid_from")
        dated.append(DatedFlag(flag, first, last))
    return tuple(sorted(dated, key=lambda d: (d.flag.value, d.valid_from)))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _codes(data: dict[str, Any], name: str, alias: str) -> tuple[str, ...]:
    raw = data.get(name, data.get(alias)) or ()
    if not isinstance(raw, list | tuple) or not all(isinstance(c, str) for c in raw):
        raise InvalidInput(alias, "must be a list of unit codes")
    return tuple(nfc(c, alias) for c in raw)


class UnitRegistry:
    """An in-memory index of units by code, with the administrative tree."""

    def __init__(self, units: Iterable[Unit] = ()) -> None:
        self._units: dict[str, Unit] = {}
        for unit in units:
            self.add(unit)

    @classmethod
    def from_json(cls, text: str | bytes) -> UnitRegistry:
        data = json.loads(text)
        return cls(Unit.from_dict(u) for u in data["units"])

    def add(self, unit: Unit) -> None:
        if unit.parent_code is not None and unit.parent_code not in self._units:
            raise InvalidInput("parent_code", f"unit {unit.parent_code!r} is not registered")
        unknown = [c for c in unit.predecessor_codes if c not in self._units]
        if unknown:
            raise InvalidInput("predecessors", f"{', '.join(unknown)} are not registered")
        self._units[unit.code] = unit

    def __contains__(self, code: object) -> bool:
        return code in self._units

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units.values())

    def __len__(self) -> int:
        return len(self._units)

    def get(self, code: str) -> Unit:
        try:
            return self._units[code]
        except KeyError:
            raise UnitNotFound(code) from None

    def ancestors(self, code: str) -> list[Unit]:
        """The unit's parents, nearest first."""
        chain: list[Unit] = []
        unit = self.get(code)
        seen = {code}
        while unit.parent_code is not None and unit.parent_code not in seen:
            seen.add(unit.parent_code)
            unit = self.get(unit.parent_code)
            chain.append(unit)
        return chain

    def district_of(self, code: str) -> Unit | None:
        """The district-level unit a unit lies in (itself, for a district)."""
        unit = self.get(code)
        if unit.kind is UnitKind.DISTRICT:
            return unit
        return next((u for u in self.ancestors(code) if u.kind is UnitKind.DISTRICT), None)

    def is_within(self, code: str, scope: str) -> bool:
        """True when ``scope`` is the unit itself or one of its ancestors."""
        return code == scope or any(u.code == scope for u in self.ancestors(code))

    def children(self, code: str) -> list[Unit]:
        return [u for u in self._units.values() if u.parent_code == code]

    def predecessors(self, code: str) -> list[Unit]:
        """The units this one was formed from: those it names, and those naming it as their
        successor."""
        unit = self.get(code)
        named = set(unit.predecessor_codes)
        named |= {u.code for u in self._units.values() if code in u.successor_codes}
        return sorted((self._units[c] for c in named if c in self._units), key=lambda u: u.code)

    def successors(self, code: str) -> list[Unit]:
        """The units this one went into: those it names, and those naming it as predecessor."""
        unit = self.get(code)
        named = set(unit.successor_codes)
        named |= {u.code for u in self._units.values() if code in u.predecessor_codes}
        return sorted((self._units[c] for c in named if c in self._units), key=lambda u: u.code)

    def was_split(self, code: str) -> bool:
        """Whether the unit went into several successors: its figures cannot be divided."""
        return len(self.successors(code)) > 1


@dataclass(frozen=True)
class Nominee:
    """What a nomination needs to know of its unit, fixed when the nomination opens."""

    code: str
    name: str
    kind: UnitKind
    flags: frozenset[UnitFlag]
    district_code: str | None
    ancestor_codes: tuple[str, ...] = ()
    unit_valid_to: date | None = None

    @classmethod
    def of(cls, unit: Unit, registry: UnitRegistry, last_year: int | None = None) -> Nominee:
        """The nominee with the flags in force at the end of its last evaluated year."""
        district = registry.district_of(unit.code)
        return cls(
            unit.code,
            unit.name,
            unit.kind,
            unit.flags if last_year is None else unit.flags_for(last_year),
            district.code if district else None,
            tuple(u.code for u in registry.ancestors(unit.code)),
            unit.valid_to,
        )

    def is_within(self, scope: str | None) -> bool:
        """A scope covers its own unit and every unit under it; no scope covers nothing."""
        return scope is not None and (scope == self.code or scope in self.ancestor_codes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind.value,
            "flags": sorted(f.value for f in self.flags),
            "district_code": self.district_code,
            "ancestor_codes": list(self.ancestor_codes),
            "unit_valid_to": self.unit_valid_to.isoformat() if self.unit_valid_to else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Nominee:
        valid_to = data.get("unit_valid_to")
        return cls(
            data["code"],
            data["name"],
            UnitKind(data["kind"]),
            frozenset(UnitFlag(f) for f in data.get("flags", ())),
            data.get("district_code"),
            tuple(data.get("ancestor_codes", ())),
            date.fromisoformat(valid_to) if valid_to else None,
        )


def catalogue_id() -> UUID:
    return uuid5(NAMESPACE_URL, "/units")


class UnitCatalogue(ChainedAggregate):
    """Units an admin registered, beyond the shipped data set."""

    @staticmethod
    def create_id() -> UUID:
        return catalogue_id()

    class Started(ChainedAggregate.Created):
        pass

    @event(Started)
    def __init__(self) -> None:
        self.units: list[dict[str, Any]] = []
        self.codes: dict[str, int] = {}
        """Each code's place in ``units``: checking a code costs the same at any size."""

    def register(self, unit: Unit) -> None:
        require_grant("register a unit", Role.ADMIN)
        if unit.kind is UnitKind.INDIVIDUAL or unit.code.startswith("CN-"):
            raise InvalidInput("kind", "a person is not a unit: people are recorded apart")
        if unit.code in self.codes:
            raise AlreadyExists(f"unit {unit.code} exists already", unit_code=unit.code)
        self._unit_registered(unit=unit.to_dict())

    class UnitRegistered(ChainedAggregate.Event):
        unit: dict[str, Any]

    @event(UnitRegistered)
    def _unit_registered(self, unit: dict[str, Any]) -> None:
        self.codes[unit["code"]] = len(self.units)
        self.units.append(unit)
