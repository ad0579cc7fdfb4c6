"""The award register (sổ theo dõi khen thưởng): every award decided, with its decision and
prize, and every revocation beside the award it withdrew (docs/spec.md §13).

A dossier's nominee, form and years come from its opening event and wait in
``register_dossiers`` until a decision awards it; only then does it enter ``awards``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from eventsourcing.persistence import Tracking

from domain.authorities import authority_for
from domain.criteria.loader import load_rule_set
from domain.criteria.ruleset import RuleSet
from domain.errors import DomainError
from domain.nomination import Nomination
from domain.text import folded
from domain.units import COMMUNE_LEVEL, UNDER_A_COMMUNE, Nominee, UnitKind
from projections.handled import HandledProjection, handles
from projections.views.tracked import TrackedView

AWARD_COLUMNS = (
    "nomination_id",
    "unit_code",
    "unit_name",
    "nominee_kind",
    "award_form",
    "cycle_year",
    "first_year",
    "last_year",
    "movement",
    "decision_number",
    "decided_on",
    "authority_id",
    "prize_vnd",
    "decided_under",
    "revoked_on",
    "revocation_number",
    "revocation_reason",
)
# What a published decision states of an award: no internal ids beyond the unit's code.
PUBLIC_COLUMNS = (
    "unit_code",
    "unit_name",
    "award_form",
    "first_year",
    "last_year",
    "decision_number",
    "decided_on",
    "authority_id",
    "prize_vnd",
    "revoked_on",
    "revocation_number",
)
# Decree 152/2025 art. 4(6) asks for the share of awards at the grassroots: the commune level
# (hamlets and neighbourhoods included) and the households under it.
GROUNDWORK = frozenset(
    {*(k.value for k in COMMUNE_LEVEL | UNDER_A_COMMUNE), UnitKind.HOUSEHOLD.value}
)


@dataclass(frozen=True)
class AwardFilter:
    unit: str | None = None
    form: str | None = None
    year: int | None = None  # the year of the decision
    authority: str | None = None
    within: tuple[str, ...] | None = None  # the authorities a chairman may read; None: all
    nominee_kind: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("unit_code", self.unit),
            ("award_form", self.form),
            ("authority_id", self.authority),
            ("nominee_kind", self.nominee_kind),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.year is not None:
            clauses.append("decided_on >= ? AND decided_on < ?")
            params += [f"{self.year:04d}-01-01", f"{self.year + 1:04d}-01-01"]
        if self.within is not None:
            clauses.append(f"authority_id IN ({', '.join('?' for _ in self.within) or 'NULL'})")
            params += list(self.within)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class AwardRegisterView(TrackedView):
    name = "award_register"
    ddl = (
        "CREATE TABLE IF NOT EXISTS register_dossiers ("
        " nomination_id TEXT PRIMARY KEY, unit_code TEXT NOT NULL, unit_name TEXT NOT NULL,"
        " nominee_kind TEXT NOT NULL, award_form TEXT NOT NULL, cycle_year INTEGER NOT NULL,"
        " first_year INTEGER NOT NULL, last_year INTEGER NOT NULL, movement TEXT NOT NULL,"
        " rule_set_version INTEGER NOT NULL, district_code TEXT, name_key TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS awards ("
        " nomination_id TEXT PRIMARY KEY, unit_code TEXT NOT NULL, unit_name TEXT NOT NULL,"
        " nominee_kind TEXT NOT NULL, award_form TEXT NOT NULL, cycle_year INTEGER NOT NULL,"
        " first_year INTEGER NOT NULL, last_year INTEGER NOT NULL, movement TEXT NOT NULL,"
        " decision_number TEXT NOT NULL, decided_on TEXT NOT NULL, authority_id TEXT,"
        " prize_vnd INTEGER, decided_under TEXT NOT NULL, revoked_on TEXT,"
        " revocation_number TEXT, revocation_reason TEXT, name_key TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS awards_by_date ON awards (decided_on, nomination_id)",
        "CREATE INDEX IF NOT EXISTS awards_by_unit ON awards (unit_code, decided_on)",
    )

    def open_dossier(self, row: tuple[Any, ...]) -> None:
        self.execute(
            "INSERT INTO register_dossiers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (nomination_id) DO NOTHING",
            row,
        )

    def award(self, nomination_id: str, decided: tuple[Any, ...]) -> None:
        """Enters a dossier awarded by ``decided`` (number, date, authority, prize, under)."""
        self.execute(
            "INSERT INTO awards SELECT nomination_id, unit_code, unit_name, nominee_kind,"
            " award_form, cycle_year, first_year, last_year, movement, ?, ?, ?, ?, ?,"
            " NULL, NULL, NULL, name_key FROM register_dossiers WHERE nomination_id = ?"
            " ON CONFLICT (nomination_id) DO NOTHING",
            (*decided, nomination_id),
        )

    def revoke(self, nomination_id: str, on: str, number: str, reason: str) -> None:
        self.execute(
            "UPDATE awards SET revoked_on = ?, revocation_number = ?, revocation_reason = ?"
            " WHERE nomination_id = ?",
            (on, number, reason, nomination_id),
        )

    def dossier(self, nomination_id: str) -> dict[str, Any] | None:
        """What the opening recorded of a dossier: enough to name who decides its form."""
        self.cursor.execute(
            "SELECT unit_code, unit_name, nominee_kind, award_form, movement, rule_set_version,"
            " district_code FROM register_dossiers WHERE nomination_id = ?",
            (nomination_id,),
        )
        row = self.cursor.fetchone()
        if row is None:
            return None
        keys = ("code", "name", "kind", "award_form", "movement", "version", "district_code")
        return dict(zip(keys, row, strict=True))

    # --- reads ------------------------------------------------------------------------

    def page_of(
        self, where: AwardFilter, limit: int, after: tuple[str, str] | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of awards, the newest decision first, from a keyset of (date, id), and
        how many match."""
        sql, params = where.where()
        with self.db.reading() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM awards{sql}", params)  # noqa: S608
            count = int(cursor.fetchone()[0])
            keyset, key = "", []
            if after is not None:
                keyset = (" AND " if sql else " WHERE ") + (
                    "(decided_on < ? OR (decided_on = ? AND nomination_id < ?))"
                )
                key = [after[0], after[0], after[1]]
            cursor.execute(
                f"SELECT {', '.join(AWARD_COLUMNS)} FROM awards{sql}{keyset}"  # noqa: S608
                " ORDER BY decided_on DESC, nomination_id DESC LIMIT ?",
                [*params, *key, limit],
            )
            rows = [dict(zip(AWARD_COLUMNS, r, strict=True)) for r in cursor.fetchall()]
        return rows, count

    def public_search(self, text: str, limit: int = 50) -> list[dict[str, Any]]:
        """Awards to units whose code is ``text`` or whose name holds it (folded: no case, no
        diacritics), the newest first: what published decisions state, nothing more."""
        pattern = "%" + folded(text).replace("\\", "").replace("%", "").replace("_", "") + "%"
        columns = PUBLIC_COLUMNS
        with self.db.reading() as cursor:
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM awards"  # noqa: S608
                " WHERE (unit_code = ? OR name_key LIKE ?) AND nominee_kind <> 'individual'"
                " ORDER BY decided_on DESC, nomination_id DESC LIMIT ?",
                (text, pattern, limit),
            )
            return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]

    def rows(self, where: AwardFilter, page: int = 1000) -> Iterator[dict[str, Any]]:
        """Every matching award, read a page at a time, for exports."""
        after: tuple[str, str] | None = None
        while True:
            rows, _ = self.page_of(where, page, after)
            yield from rows
            if len(rows) < page:
                return
            after = (rows[-1]["decided_on"], rows[-1]["nomination_id"])

    def statistics(self, year: int | None = None) -> list[dict[str, Any]]:
        """Awards in force, and prizes, by decision year, authority, form and awardee kind;
        revoked awards are counted apart and their prizes left out."""
        sql, params = AwardFilter(year=year).where()
        kinds = ", ".join(f"'{k}'" for k in sorted(GROUNDWORK))
        with self.db.reading() as cursor:
            cursor.execute(
                "SELECT substr(decided_on, 1, 4) AS year, COALESCE(authority_id, ''),"  # noqa: S608
                " award_form, nominee_kind,"
                " SUM(CASE WHEN revoked_on IS NULL THEN 1 ELSE 0 END),"
                " SUM(CASE WHEN revoked_on IS NULL THEN 0 ELSE 1 END),"
                " SUM(CASE WHEN revoked_on IS NULL THEN COALESCE(prize_vnd, 0) ELSE 0 END),"
                f" SUM(CASE WHEN nominee_kind IN ({kinds}) AND revoked_on IS NULL"
                f" THEN 1 ELSE 0 END) FROM awards{sql}"
                " GROUP BY 1, 2, 3, 4 ORDER BY 1 DESC, 2, 3, 4",
                params,
            )
            columns = (
                "year",
                "authority_id",
                "award_form",
                "nominee_kind",
                "awards",
                "revoked",
                "prize_vnd",
                "grassroots",
            )
            return [
                {**dict(zip(columns, r, strict=True)), "year": int(r[0])} for r in cursor.fetchall()
            ]


@cache
def _rules(rule_set_id: str, version: int) -> RuleSet:
    return load_rule_set(rule_set_id, version)


def _former_authority(opened: dict[str, Any], on: date) -> str | None:
    """Who decided an award the council's vote made before the decision chain: the
    authority competent for its form on the day of the vote (docs/spec.md §12)."""
    try:
        rules = _rules(str(opened["movement"]), int(opened["version"]))
        nominee = Nominee(
            opened["code"],
            opened["name"],
            UnitKind(opened["kind"]),
            frozenset(),
            opened["district_code"],
        )
        return authority_for(rules, opened["award_form"], nominee, on).id
    except DomainError:
        return None


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


class AwardRegisterProjection(HandledProjection[AwardRegisterView]):
    name = "award_register"

    @handles(Nomination.Opened)
    def _opened(self, event: Any, tracking: Tracking) -> None:
        nominee = event.nominee
        first, last = event.evaluation_years
        self.view.open_dossier(
            (
                str(event.originator_id),
                nominee["code"],
                nominee["name"],
                nominee["kind"],
                event.award_form,
                event.cycle_year,
                first,
                last,
                event.rule_set["id"],
                event.rule_set["version"],
                nominee.get("district_code"),
                folded(nominee["name"]),
            )
        )

    @handles(Nomination.AwardDecided)
    def _decided(self, event: Any, tracking: Tracking) -> None:
        decision = event.decision
        if not decision["awarded"]:
            return
        prize = (decision.get("prize") or {}).get("amount_vnd")
        self.view.award(
            str(event.originator_id),
            (
                decision["number"],
                decision["date"],
                decision["authority"],
                prize,
                "authority_decision",
            ),
        )

    @handles(Nomination.CouncilDecided)
    def _voted(self, event: Any, tracking: Tracking) -> None:
        """An award a council's vote made before the decision chain, under its number then."""
        if event.outcome != "approved":
            return
        nid = str(event.originator_id)
        opened = self.view.dossier(nid)
        decided_on = event.decision_date
        authority = _former_authority(opened, decided_on) if opened else None
        self.view.award(
            nid,
            (
                event.decision_number or "",
                _day(decided_on),
                authority,
                None,
                "former_council_vote",
            ),
        )

    @handles(Nomination.Revoked)
    def _revoked(self, event: Any, tracking: Tracking) -> None:
        self.view.revoke(
            str(event.originator_id),
            event.timestamp.date().isoformat(),
            event.decision_number,
            event.reason,
        )
