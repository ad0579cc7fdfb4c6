"""Use cases of the register of official poverty figures: one unit-year at a time, or a
whole provincial spreadsheet in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.context import CommandContext, acting
from domain.errors import DomainError, InvalidInput, NotFound
from domain.figures import OfficialFigures, figures_id
from domain.statistics import YearStatistics
from domain.summaries import CommandResult
from service.application import Kind
from service.lookups import Lookups

FIGURES = Kind(OfficialFigures, lambda fid: NotFound(f"no official figures {fid}"))
LISTED_FROM = 2015
"""The register lists years from this one: the movement's baseline is end-2021."""


@dataclass(frozen=True)
class OfficialYear:
    unit_code: str
    year: int
    figures: dict[str, Any]
    corrections: int
    version: int


@dataclass(frozen=True)
class FigureRow:
    """One row of an import: where it is in the file, and what it says."""

    row: int
    unit_code: str
    year: int
    figures: dict[str, Any]


@dataclass
class ImportOutcome:
    accepted: list[int] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, reason
    applied: bool = False
    position: int | None = None


class FigureCases(Lookups):
    def record_official_figures(
        self,
        ctx: CommandContext,
        unit_code: str,
        year: int,
        data: Mapping[str, Any],
        reason: str | None = None,
    ) -> CommandResult:
        """Records a unit's figures for a year; changed figures are a correction with a reason."""
        unit = self.unit(unit_code)
        statistics = YearStatistics.from_dict(dict(data))
        fid = figures_id(unit.code, year)
        try:
            self._load(FIGURES, fid)
        except NotFound:
            return self._create(
                ctx,
                fid,
                lambda: OfficialFigures.record(unit.code, year, statistics),
                f"official figures of {unit.code} for {year}",
            )

        def decide(figures: OfficialFigures) -> None:
            _correct(figures, statistics, reason)

        return self._execute(ctx, FIGURES, fid, decide)

    def official_year(self, unit_code: str, year: int) -> OfficialYear | None:
        try:
            found = self._load(FIGURES, figures_id(unit_code, year))
        except NotFound:
            return None
        return OfficialYear(
            found.unit_code, found.year, dict(found.figures), found.corrections, found.version
        )

    def official_years(self, unit_code: str, until: int | None = None) -> list[OfficialYear]:
        """A unit's official figures, year by year."""
        last = until or date.today().year + 1
        found = (self.official_year(unit_code, y) for y in range(LISTED_FROM, last + 1))
        return [f for f in found if f is not None]

    def import_official_figures(
        self,
        ctx: CommandContext,
        rows: Sequence[FigureRow],
        file_sha256: str,
        *,
        apply: bool,
        partial: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportOutcome:
        """Checks every row; applies them all in one transaction, or none. With ``partial``,
        the valid rows are applied and the others listed. Each row's command id comes from
        the file's digest and the row, so importing the same file again changes nothing."""
        outcome = ImportOutcome()
        decided: list[tuple[FigureRow, YearStatistics]] = []
        for row in rows:
            try:
                unit = self.unit(row.unit_code)
            except NotFound:
                outcome.errors.append(
                    (row.row, "unit_code", f"{row.unit_code} is not a known unit")
                )
                continue
            try:
                statistics = YearStatistics.from_dict(dict(row.figures))
            except DomainError as refused:
                outcome.errors.append((row.row, _column(refused), str(refused)))
                continue
            decided.append((replace(row, unit_code=unit.code), statistics))
        changed: dict[UUID, OfficialFigures] = {}
        with acting(ctx):
            for done, (row, statistics) in enumerate(decided, start=1):
                if progress is not None and (done % 100 == 0 or done == len(decided)):
                    progress(done, len(decided))
                row_ctx = replace(ctx, command_id=f"import:{file_sha256}:{row.row}")
                try:
                    with acting(row_ctx):
                        figures = self._figures_for_import(changed, row, statistics, row_ctx)
                except DomainError as refused:
                    outcome.errors.append((row.row, _column(refused), str(refused)))
                    continue
                if figures is not None:
                    changed[figures.id] = figures
                outcome.accepted.append(row.row)
        outcome.errors.sort()
        if not apply or (outcome.errors and not partial):
            return outcome
        if changed:
            with acting(ctx):
                outcome.position = self._commit(*changed.values())
        outcome.applied = True
        return outcome

    def _figures_for_import(
        self,
        changed: dict[UUID, OfficialFigures],
        row: FigureRow,
        statistics: YearStatistics,
        ctx: CommandContext,
    ) -> OfficialFigures | None:
        """The aggregate this row changes (None when it changes nothing)."""
        fid = figures_id(row.unit_code, row.year)
        existing = changed.get(fid)
        if existing is None:
            try:
                existing = self._store_reader.get(fid)
            except AggregateNotFoundError:
                return OfficialFigures.record(row.unit_code, row.year, statistics)
        if existing.has_handled(ctx.command_id):
            return None
        reason = f"corrected by an import (row {row.row})"
        return existing if _correct(existing, statistics, reason) else None


def _correct(figures: OfficialFigures, statistics: YearStatistics, reason: str | None) -> bool:
    if figures.statistics != statistics and not (reason or "").strip():
        raise InvalidInput("reason", "is required to correct official figures")
    return figures.correct(statistics, reason)


def _column(error: DomainError) -> str:
    return error.field if isinstance(error, InvalidInput) else "row"
