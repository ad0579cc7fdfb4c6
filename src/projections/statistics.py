"""Poverty statistics per unit and year, and criterion pass rates by district and cycle."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from fractions import Fraction
from typing import Any

from eventsourcing.persistence import Tracking

from domain.criteria.rules import Explanation, percent
from domain.nomination import Nomination
from projections.handled import HandledProjection, handles
from projections.views.tracked import TrackedView
from storage.views import equal_to, iso_day


class StatisticsView(TrackedView):
    name = "statistics"
    ddl = (
        "CREATE TABLE IF NOT EXISTS stats_cases ("
        " nomination_id TEXT PRIMARY KEY, unit_code TEXT NOT NULL, district_code TEXT,"
        " cycle_year INTEGER NOT NULL, award_form TEXT, outcome TEXT, decided_on TEXT)",
        "CREATE TABLE IF NOT EXISTS stats_years ("
        " nomination_id TEXT NOT NULL, year INTEGER NOT NULL, basis TEXT NOT NULL,"
        " unit_code TEXT NOT NULL, district_code TEXT, cycle_year INTEGER NOT NULL,"
        " total BIGINT NOT NULL, poor BIGINT NOT NULL, near_poor BIGINT,"
        " PRIMARY KEY (nomination_id, year, basis))",
        "CREATE INDEX IF NOT EXISTS stats_years_unit ON stats_years (unit_code, year)",
        "CREATE TABLE IF NOT EXISTS stats_checks ("
        " nomination_id TEXT NOT NULL, criterion_id TEXT NOT NULL, outcome TEXT NOT NULL,"
        " basis TEXT NOT NULL, district_code TEXT, cycle_year INTEGER NOT NULL,"
        " PRIMARY KEY (nomination_id, criterion_id))",
    )

    def __init__(self, database: Any) -> None:
        self._cases: dict[str, tuple[Any, ...] | None] = {}
        super().__init__(database)

    def create_tables(self) -> None:
        """A view made before it kept the council's decisions is dropped, and the runner
        rebuilds it from the log."""
        super().create_tables()
        try:
            with self.db.reading() as cursor:
                cursor.execute("SELECT decided_on FROM stats_cases WHERE 1 = 0")
        except Exception:
            self.drop()

    def forget(self) -> None:
        self._cases.clear()

    def drop(self) -> None:
        self.forget()
        super().drop()

    def add_case(
        self, nomination_id: str, unit: dict[str, Any], cycle_year: int, award_form: str
    ) -> None:
        self._cases[nomination_id] = (unit["code"], unit.get("district_code"), cycle_year)
        self.execute(
            "INSERT INTO stats_cases VALUES (?, ?, ?, ?, ?, NULL, NULL)"
            " ON CONFLICT (nomination_id) DO NOTHING",
            (nomination_id, unit["code"], unit.get("district_code"), cycle_year, award_form),
        )

    def record_decision(self, nomination_id: str, outcome: str, decided_on: str | None) -> None:
        self.execute(
            "UPDATE stats_cases SET outcome = ?, decided_on = ? WHERE nomination_id = ?",
            (outcome, decided_on, nomination_id),
        )

    def _case(self, nomination_id: str) -> tuple[Any, ...] | None:
        if nomination_id not in self._cases:
            self.cursor.execute(
                "SELECT unit_code, district_code, cycle_year FROM stats_cases"
                " WHERE nomination_id = ?",
                (nomination_id,),
            )
            row = self.cursor.fetchone()
            self._cases[nomination_id] = tuple(row) if row else None
        return self._cases[nomination_id]

    def record_year(
        self, nomination_id: str, year: int, basis: str, figures: dict[str, Any]
    ) -> None:
        case = self._case(nomination_id)
        if case is None:
            return
        self.execute(
            "INSERT INTO stats_years VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (nomination_id, year, basis) DO UPDATE SET total = excluded.total,"
            " poor = excluded.poor, near_poor = excluded.near_poor",
            (
                nomination_id,
                year,
                basis,
                *case,
                figures["total_households"],
                figures["poor_households"],
                figures.get("near_poor_households"),
            ),
        )

    def record_check(self, nomination_id: str, check: dict[str, Any]) -> None:
        case = self._case(nomination_id)
        if case is None:
            return
        self.execute(
            "INSERT INTO stats_checks VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (nomination_id, criterion_id) DO UPDATE SET outcome = excluded.outcome,"
            " basis = excluded.basis",
            (
                nomination_id,
                check["criterion_id"],
                check["outcome"],
                check["basis"],
                case[1],
                case[2],
            ),
        )

    # --- reads ------------------------------------------------------------------------

    def unit_years(self, unit_code: str, basis: str = "declared") -> list[dict[str, Any]]:
        """Each year's figures as last recorded for the unit, with exact rates and reductions."""
        with self.db.reading() as cursor:
            cursor.execute(
                "SELECT year, total, poor, near_poor FROM stats_years"
                " WHERE unit_code = ? AND basis = ? ORDER BY year, cycle_year",
                (unit_code, basis),
            )
            latest = {int(y): (int(t), int(p), n) for y, t, p, n in cursor.fetchall()}
        rows: list[dict[str, Any]] = []
        previous: tuple[int, int] | None = None
        for year in sorted(latest):
            total, poor, near = latest[year]
            rate = Fraction(poor, total)
            row: dict[str, Any] = {
                "year": year,
                "total_households": total,
                "poor_households": poor,
                "near_poor_households": near,
                "rate": f"{rate.numerator}/{rate.denominator}",
                "rate_percent": percent(rate),
            }
            if previous is not None and previous[1] > 0:
                before_total, before_poor = previous
                row["reduction"] = before_poor - poor
                row["reduction_percent"] = percent(Fraction(before_poor - poor, before_poor))
                row["rate_drop_points"] = percent(Fraction(before_poor, before_total) - rate)
            rows.append(row)
            previous = (total, poor)
        return rows

    def pass_rates(
        self, cycle_year: int | None = None, district_code: str | None = None
    ) -> list[dict[str, Any]]:
        clauses, params = equal_to((("cycle_year", cycle_year), ("district_code", district_code)))
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        with self.db.reading() as cursor:
            cursor.execute(
                "SELECT district_code, cycle_year, criterion_id, COUNT(*),"  # noqa: S608
                " SUM(CASE WHEN outcome = 'met' THEN 1 ELSE 0 END) FROM stats_checks"
                f"{where} GROUP BY district_code, cycle_year, criterion_id"
                " ORDER BY cycle_year, district_code, criterion_id",
                params,
            )
            rows = cursor.fetchall()
        return [
            {
                "district_code": district,
                "cycle_year": int(cycle),
                "criterion_id": criterion,
                "checked": int(checked),
                "met": int(met),
                "pass_rate_percent": percent(Fraction(int(met), int(checked))),
            }
            for district, cycle, criterion, checked, met in rows
        ]

    def decisions(
        self, cycle_year: int | None = None, district_code: str | None = None
    ) -> list[dict[str, Any]]:
        """The council's decisions counted by cycle, award form, outcome and decision date
        (the date says which authority was in force)."""
        equal, params = equal_to((("cycle_year", cycle_year), ("district_code", district_code)))
        clauses = ["decided_on IS NOT NULL", *equal]
        with self.db.reading() as cursor:
            cursor.execute(
                "SELECT cycle_year, award_form, outcome, decided_on, COUNT(*)"  # noqa: S608
                f" FROM stats_cases WHERE {' AND '.join(clauses)}"
                " GROUP BY cycle_year, award_form, outcome, decided_on"
                " ORDER BY cycle_year, decided_on, award_form, outcome",
                params,
            )
            rows = cursor.fetchall()
        return [
            {
                "cycle_year": int(cycle),
                "award_form": form,
                "outcome": outcome,
                "decided_on": decided_on,
                "count": int(count),
            }
            for cycle, form, outcome, decided_on, count in rows
        ]


def by_authority(
    rows: Iterable[dict[str, Any]], authority_on: Callable[[date], Explanation | None]
) -> list[dict[str, Any]]:
    """Decision counts regrouped by the authority in force on each decision date, so a
    cycle decided on both sides of a reorganisation shows each authority's share."""
    counted: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        found = authority_on(date.fromisoformat(row["decided_on"]))
        authority = {"vi": found.vi, "en": found.en} if found else None
        key = (row["cycle_year"], row["award_form"], row["outcome"], found)
        group = counted.get(key)
        if group is None:
            counted[key] = {
                "cycle_year": row["cycle_year"],
                "award_form": row["award_form"],
                "outcome": row["outcome"],
                "deciding_authority": authority,
                "first_decided_on": row["decided_on"],
                "last_decided_on": row["decided_on"],
                "count": row["count"],
            }
            continue
        group["count"] += row["count"]
        group["first_decided_on"] = min(group["first_decided_on"], row["decided_on"])
        group["last_decided_on"] = max(group["last_decided_on"], row["decided_on"])
    return list(counted.values())


class StatisticsProjection(HandledProjection[StatisticsView]):
    name = "statistics"

    @handles(Nomination.Opened)
    def _opened(self, event: Any, tracking: Tracking) -> None:
        self.view.add_case(
            str(event.originator_id), event.nominee, event.cycle_year, event.award_form
        )

    @handles(Nomination.StatisticsRecorded)
    def _figures(self, event: Any, tracking: Tracking) -> None:
        self.view.record_year(str(event.originator_id), event.year, event.basis, event.statistics)

    @handles(Nomination.CriterionChecked)
    def _checked(self, event: Any, tracking: Tracking) -> None:
        self.view.record_check(str(event.originator_id), event.check)

    @handles(Nomination.CouncilDecided)
    def _decided(self, event: Any, tracking: Tracking) -> None:
        self.view.record_decision(
            str(event.originator_id), event.outcome, iso_day(event.decision_date)
        )

    @handles(Nomination.AwardDecided)
    def _award_decided(self, event: Any, tracking: Tracking) -> None:
        outcome = "approved" if event.decision["awarded"] else "not_approved"
        self.view.record_decision(str(event.originator_id), outcome, event.decision["date"])
