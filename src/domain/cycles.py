"""Cycles (đợt xét): per year, the closing date, evaluation window and notice days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.access import require_grant
from domain.chain import ChainedAggregate
from domain.context import Role
from domain.criteria.ruleset import RuleSet
from domain.errors import InvalidInput


class CycleKind(StrEnum):
    ANNUAL = "annual"
    PRELIMINARY = "preliminary"
    FINAL = "final"


@dataclass(frozen=True)
class CycleTerms:
    year: int
    kind: CycleKind
    closes_on: date
    evaluation_years: tuple[int, int]
    public_notice_working_days: int | None  # None: each award form's default

    @classmethod
    def default(cls, rule_set: RuleSet, year: int) -> CycleTerms:
        defaults = rule_set.cycles.get(year)
        if defaults is None:
            known = ", ".join(str(y) for y in sorted(rule_set.cycles))
            raise InvalidInput("cycle_year", f"no cycle {year} in the rule set ({known})")
        return cls(
            year,
            CycleKind(defaults.kind),
            defaults.closes_on,
            defaults.evaluation_years,
            None,
        )

    def notice_days(self, form_default: int) -> int:
        return (
            form_default
            if self.public_notice_working_days is None
            else (self.public_notice_working_days)
        )

    def fields(self) -> dict[str, Any]:
        """The terms as events record them and the API shows them."""
        return {
            "year": self.year,
            "kind": self.kind.value,
            "closes_on": self.closes_on,
            "evaluation_years": list(self.evaluation_years),
            "public_notice_working_days": self.public_notice_working_days,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.fields(), "closes_on": self.closes_on.isoformat()}


def cycle_id(year: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"/cycles/{year}")


class Cycle(ChainedAggregate):
    """An admin's settings for one year's cycle; absent, the rule set's defaults hold."""

    @staticmethod
    def create_id(year: int) -> UUID:
        return cycle_id(year)

    class Configured(ChainedAggregate.Created):
        year: int
        kind: str
        closes_on: date
        evaluation_years: list[int]
        public_notice_working_days: int | None

    @event(Configured)
    def __init__(
        self,
        year: int,
        kind: str,
        closes_on: date,
        evaluation_years: list[int],
        public_notice_working_days: int | None,
    ) -> None:
        self.year = year
        self._set(kind, closes_on, evaluation_years, public_notice_working_days)

    @classmethod
    def configure(cls, terms: CycleTerms, rule_set: RuleSet) -> Cycle:
        _authorise()
        _validate(terms, rule_set)
        return cls(**terms.fields())

    def reconfigure(self, terms: CycleTerms, rule_set: RuleSet) -> None:
        _authorise()
        _validate(terms, rule_set)
        if terms != self.terms:
            changed = terms.fields()
            del changed["year"]
            self._reconfigured(**changed)

    class Reconfigured(ChainedAggregate.Event):
        kind: str
        closes_on: date
        evaluation_years: list[int]
        public_notice_working_days: int | None

    @event(Reconfigured)
    def _reconfigured(
        self,
        kind: str,
        closes_on: date,
        evaluation_years: list[int],
        public_notice_working_days: int | None,
    ) -> None:
        self._set(kind, closes_on, evaluation_years, public_notice_working_days)

    def _set(self, kind: str, closes_on: date, years: list[int], notice_days: int | None) -> None:
        self.kind = kind
        self.closes_on = closes_on
        self.evaluation_years = list(years)
        self.public_notice_working_days = notice_days

    @property
    def terms(self) -> CycleTerms:
        first, second = self.evaluation_years
        return CycleTerms(
            self.year,
            CycleKind(self.kind),
            self.closes_on,
            (first, second),
            self.public_notice_working_days,
        )


def _authorise() -> None:
    require_grant("configure a cycle", Role.ADMIN)


def _validate(terms: CycleTerms, rule_set: RuleSet) -> None:
    rule_set.check_evaluation_years(terms.evaluation_years, terms.year)
    if terms.public_notice_working_days is not None and not (
        0 <= terms.public_notice_working_days <= 60
    ):
        raise InvalidInput("public_notice_working_days", "must be between 0 and 60")
    if terms.closes_on.year < terms.evaluation_years[1]:
        raise InvalidInput(
            "closes_on", "must not be before the last evaluated year's figures exist"
        )
