"""The register of official poverty figures: one record per unit and year.

The figures come from the yearly poverty review, made official by a recognition decision;
a correction is a new event with its reason, and nothing is overwritten.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.access import require_grant
from domain.chain import ChainedAggregate
from domain.context import Role, current_context
from domain.errors import InvalidInput
from domain.statistics import YearStatistics
from domain.text import bounded_text

FIRST_YEAR, LAST_YEAR = 2000, 2100


def figures_id(unit_code: str, year: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"/poverty-figures/{unit_code}/{year}")


def official(statistics: YearStatistics, year: int, today: date) -> YearStatistics:
    """Figures fit for the register: with their source, recognised after the year's review
    began and not in the future."""
    if statistics.source is None:
        raise InvalidInput("source", "is required: the recognition decision")
    if not statistics.source.issuing_body:
        raise InvalidInput("source.issuing_body", "is required: who issued the decision")
    statistics.source.check_dates(year, today)
    return statistics


class OfficialFigures(ChainedAggregate):
    """A unit's official figures for one year, and every correction of them."""

    @staticmethod
    def create_id(unit_code: str, year: int) -> UUID:
        return figures_id(unit_code, year)

    @classmethod
    def record(cls, unit_code: str, year: int, statistics: YearStatistics) -> OfficialFigures:
        require_grant("record official figures", Role.PROVINCE_REVIEWER, also=(Role.ADMIN,))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidInput("year", f"must be between {FIRST_YEAR} and {LAST_YEAR}")
        figures = official(statistics, year, current_context().today)
        return cls(unit_code=unit_code, year=year, figures=figures.to_dict())

    class Recorded(ChainedAggregate.Created):
        unit_code: str
        year: int
        figures: dict[str, Any]

    @event(Recorded)
    def __init__(self, unit_code: str, year: int, figures: dict[str, Any]) -> None:
        self.unit_code = unit_code
        self.year = year
        self.figures = figures
        self.corrections = 0

    def correct(self, statistics: YearStatistics, reason: str | None) -> bool:
        """A new version of the figures, with why; the same figures again change nothing."""
        require_grant("correct official figures", Role.PROVINCE_REVIEWER, also=(Role.ADMIN,))
        figures = official(statistics, self.year, current_context().today).to_dict()
        if figures == self.figures:
            return False
        why = bounded_text("reason", reason, limit=2000)
        self._corrected(figures=figures, reason=why)
        return True

    class Corrected(ChainedAggregate.Event):
        figures: dict[str, Any]
        reason: str

    @event(Corrected)
    def _corrected(self, figures: dict[str, Any], reason: str) -> None:
        self.figures = figures
        self.corrections += 1

    @property
    def statistics(self) -> YearStatistics:
        return YearStatistics.from_dict(self.figures)
