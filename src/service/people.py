"""The register of people's personal data, apart from the event log (docs/spec.md §14).

The log names a person by id only; their name, job title, workplace and gender live here,
with the purpose they were recorded for, who recorded them and when. Only the roles that
compile, appraise or decide a dossier read them; an erasure blanks them here and leaves the
log, whose hashes never covered them, as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

from domain.context import CommandContext, Grant, Role
from domain.errors import JurisdictionError, KeptByLaw, NotFound
from domain.people import PURPOSE, SEES_PERSONAL_DATA, Gender, PersonalData, PersonRole
from domain.text import bounded_text
from storage.views import Database

DDL = (
    "CREATE TABLE IF NOT EXISTS personal_data ("
    " person_id TEXT PRIMARY KEY, full_name TEXT, job_title TEXT, unit_code TEXT NOT NULL,"
    " role TEXT NOT NULL, gender TEXT, purpose TEXT NOT NULL, recorded_by TEXT NOT NULL,"
    " recorded_at TEXT NOT NULL, erased_at TEXT, erased_by TEXT, erasure_reason TEXT)",
    "CREATE INDEX IF NOT EXISTS personal_data_unit ON personal_data (unit_code, role)",
    # Who was shown whose data, when, and where: so a person can learn who processed their
    # data, and an auditor can check the rule on who may (docs/spec.md §14).
    "CREATE TABLE IF NOT EXISTS personal_data_reads ("
    " person_id TEXT NOT NULL, reader TEXT NOT NULL, what TEXT NOT NULL, read_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS personal_data_reads_person ON personal_data_reads"
    " (person_id, read_at)",
)

ERASED = "(đã xóa dữ liệu cá nhân)"
"""What reads show in place of data erased: the person's id still stands in the log."""


@dataclass(frozen=True)
class Person:
    id: UUID
    data: PersonalData | None
    """None once erased."""
    unit_code: str
    purpose: str
    recorded_by: str
    recorded_at: str
    erased_at: str | None = None

    @property
    def name(self) -> str:
        return self.data.full_name if self.data else ERASED


def may_see_personal_data(grants: Iterable[Grant], unit_scopes: Iterable[str]) -> bool:
    """Whether these roles need personal data for their work on a person whose workplace sits
    under ``unit_scopes`` (the workplace and the units above it): a unit's officer or a
    district's reviewer within their scope, the province's reviewers, council and chairmen."""
    within = set(unit_scopes)
    for grant in grants:
        if grant.role not in SEES_PERSONAL_DATA:
            continue
        if grant.role not in (Role.UNIT_OFFICER, Role.DISTRICT_REVIEWER) or grant.scope in within:
            return True
    return False


class PeopleRegister:
    def __init__(self, database: Database) -> None:
        self.db = database
        with self.db.transaction() as cursor:
            self.db.take_turns_changing_tables(cursor)
            for statement in DDL:
                cursor.execute(statement)

    def record(
        self,
        ctx: CommandContext,
        data: PersonalData,
        scopes: Iterable[str],
        person_id: UUID | None = None,
    ) -> Person:
        """A person a unit's officer (or a reviewer) nominates, or a household's representative,
        with the purpose they are recorded for. Given ``person_id`` (the demo's, fixed), a
        person already recorded under it is answered as it is."""
        compiles = {Role.UNIT_OFFICER, Role.DISTRICT_REVIEWER, Role.PROVINCE_REVIEWER}
        if not may_see_personal_data(ctx.actor.grants, scopes) or not compiles & ctx.actor.roles:
            raise JurisdictionError("only who compiles or appraises a dossier records a person")
        if person_id is not None and (known := self.find(person_id)):
            return known
        person = Person(
            person_id or uuid4(),
            data,
            data.unit_code,
            PURPOSE,
            ctx.actor.account_id,
            (ctx.at or datetime.now(UTC)).isoformat(),
        )
        with self.db.transaction() as cursor:
            cursor.execute(
                "INSERT INTO personal_data (person_id, full_name, job_title, unit_code, role,"
                " gender, purpose, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(person.id),
                    data.full_name,
                    data.job_title,
                    data.unit_code,
                    data.role.value,
                    data.gender.value if data.gender else None,
                    person.purpose,
                    person.recorded_by,
                    person.recorded_at,
                ),
            )
        return person

    def get(self, person_id: UUID) -> Person:
        found = self.find(person_id)
        if found is None:
            raise NotFound(f"no person {person_id}")
        return found

    def find(self, person_id: UUID) -> Person | None:
        return self.many([person_id]).get(person_id)

    def many(self, ids: Iterable[UUID], batch: int = 500) -> dict[UUID, Person]:
        """The people these ids name, ``batch`` to a query (a page of rows is one)."""
        wanted = sorted({str(i) for i in ids})
        found: dict[UUID, Person] = {}
        with self.db.reading() as cursor:
            for start in range(0, len(wanted), batch):
                chunk = wanted[start : start + batch]
                marks = ", ".join("?" for _ in chunk)
                cursor.execute(f"{SELECT} WHERE person_id IN ({marks})", chunk)
                found.update((p.id, p) for p in map(_person, cursor.fetchall()))
        return found

    def log_reads(self, person_ids: Iterable[UUID], reader: str, what: str) -> None:
        """Records that ``reader`` was shown these people's data, in ``what``."""
        at = datetime.now(UTC).isoformat()
        rows = [(str(pid), reader, what, at) for pid in sorted(set(person_ids))]
        if rows:
            with self.db.transaction() as cursor:
                cursor.executemany(
                    "INSERT INTO personal_data_reads (person_id, reader, what, read_at)"
                    " VALUES (?, ?, ?, ?)",
                    rows,
                )

    def reads_of(self, person_id: UUID, limit: int = 500) -> list[dict[str, str]]:
        """Who was shown the person's data, the newest first."""
        with self.db.reading() as cursor:
            cursor.execute(
                "SELECT reader, what, read_at FROM personal_data_reads WHERE person_id = ?"
                " ORDER BY read_at DESC LIMIT ?",
                (str(person_id), limit),
            )
            return [
                {"reader": str(r), "what": str(w), "read_at": str(a)}
                for r, w, a in cursor.fetchall()
            ]

    def representative_of(self, household_code: str) -> Person | None:
        """The household's representative most recently recorded."""
        with self.db.reading() as cursor:
            cursor.execute(
                f"{SELECT} WHERE unit_code = ? AND role = ? ORDER BY recorded_at DESC LIMIT 1",
                (household_code, PersonRole.HOUSEHOLD_REPRESENTATIVE.value),
            )
            row = cursor.fetchone()
        return _person(row) if row else None

    def erase(self, ctx: CommandContext, person_id: UUID, reason: str, awarded: bool) -> Person:
        """Blanks a person's data where the law allows: not while a decision that awarded them
        stands, for a published decision names them and is kept (``awarded``)."""
        if Role.ADMIN not in ctx.actor.roles:
            raise JurisdictionError("only an admin erases personal data")
        why = bounded_text("reason", reason, limit=500)
        person = self.get(person_id)
        if person.data is None:
            return person
        if awarded:
            raise KeptByLaw(
                f"person {person_id} was awarded by a decision, which names them and is kept"
            )
        at = (ctx.at or datetime.now(UTC)).isoformat()
        with self.db.transaction() as cursor:
            cursor.execute(
                "UPDATE personal_data SET full_name = NULL, job_title = NULL, gender = NULL,"
                " erased_at = ?, erased_by = ?, erasure_reason = ? WHERE person_id = ?",
                (at, ctx.actor.account_id, why, str(person_id)),
            )
        return self.get(person_id)


SELECT = (
    "SELECT person_id, full_name, job_title, unit_code, role, gender, purpose, recorded_by,"
    " recorded_at, erased_at FROM personal_data"
)


def _person(row: tuple[object, ...]) -> Person:
    pid, name, job_title, unit, role, gender, purpose, by, at, erased = row
    data = (
        None
        if erased
        else PersonalData(
            str(name),
            str(job_title),
            str(unit),
            PersonRole(str(role)),
            Gender(str(gender)) if gender else None,
        )
    )
    return Person(
        UUID(str(pid)),
        data,
        str(unit),
        str(purpose),
        str(by),
        str(at),
        str(erased) if erased else None,
    )
