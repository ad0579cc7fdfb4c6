"""Personal data at the API's edge (docs/spec.md §14): the log and the views name a person by
id; the name is added here, for the roles that compile, appraise or decide, and nowhere else."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any
from uuid import UUID

from api.deps import AppState, Principal
from api.schemas.people import PersonPublic
from domain.errors import InvalidInput, UnitNotFound
from domain.people import Gender, PersonRole, is_person_code, person_id_of
from service.people import ERASED, PeopleRegister, Person, may_see_personal_data


def people_of(app: AppState) -> PeopleRegister:
    people: PeopleRegister = app.people
    return people


def scopes_of(app: AppState, unit_code: str) -> tuple[str, ...]:
    """A unit and every unit above it: the scopes that cover a person who works there."""
    try:
        above = app.service.registry().ancestors(unit_code)
    except UnitNotFound:
        raise InvalidInput("unit_code", f"no unit {unit_code}") from None
    return (*(u.code for u in above), unit_code)


def sees(app: AppState, principal: Principal, person: Person) -> bool:
    return may_see_personal_data(principal.grants, scopes_of(app, person.unit_code))


def person_public(person: Person) -> PersonPublic:
    data = person.data
    return PersonPublic(
        id=str(person.id),
        full_name=data.full_name if data else None,
        job_title=data.job_title if data else None,
        unit_code=person.unit_code,
        role=data.role.value if data else "erased",
        gender=data.gender.value if data and data.gender else None,
        purpose=person.purpose,
        recorded_by=person.recorded_by,
        recorded_at=person.recorded_at,
        erased_at=person.erased_at,
    )


def shown(app: AppState, principal: Principal, person: Person, what: str) -> PersonPublic:
    """A person's data as shown to the caller, the showing recorded."""
    people_of(app).log_reads([person.id], principal.username, what)
    return person_public(person)


def visible_person(app: AppState, principal: Principal, code: str) -> PersonPublic | None:
    """The person a nominee code names, for a caller whose work needs them; else None."""
    if not is_person_code(code):
        return None
    found = people_of(app).find(person_id_of(code))
    return (
        shown(app, principal, found, "dossier") if found and sees(app, principal, found) else None
    )


def visible_representative(
    app: AppState, principal: Principal, code: str, kind: str
) -> PersonPublic | None:
    """A household's representative, for a caller whose work needs them; else None."""
    if kind != "household":
        return None
    found = people_of(app).representative_of(code)
    return (
        shown(app, principal, found, "dossier") if found and sees(app, principal, found) else None
    )


def named_rows(
    app: AppState, principal: Principal, rows: Sequence[dict[str, Any]], what: str = "list"
) -> list[dict[str, Any]]:
    """Rows of a page with each person's name in ``unit_name`` where the caller may see it:
    one lookup for the page, and the people shown recorded in one write."""
    ids = [person_id_of(r["unit_code"]) for r in rows if is_person_code(str(r["unit_code"]))]
    if not ids:
        return list(rows)
    found: dict[UUID, Person] = people_of(app).many(ids)
    named, shown_to = [], []
    for row in rows:
        code = str(row["unit_code"])
        person = found.get(person_id_of(code)) if is_person_code(code) else None
        if person is not None and sees(app, principal, person):
            row = {**row, "unit_name": person.name}
            shown_to.append(person.id)
        named.append(row)
    people_of(app).log_reads(shown_to, principal.username, what)
    return named


def nominated_person(app: AppState, person_id: str) -> Person:
    """The person a new dossier names: recorded, not erased, and nominated in their own right."""
    try:
        found = people_of(app).find(UUID(person_id))
    except ValueError:
        found = None
    if found is None or found.data is None:
        raise InvalidInput("person_id", "names no person recorded under /people")
    if found.data.role is not PersonRole.NOMINEE:
        raise InvalidInput("person_id", "a household's representative is not nominated alone")
    return found


def named_stream(
    app: AppState, principal: Principal, rows: Iterable[dict[str, Any]], batch: int = 500
) -> Iterator[dict[str, Any]]:
    """``named_rows`` over a stream, a batch at a time, so an export's memory stays flat."""
    it = iter(rows)
    while chunk := list(islice(it, batch)):
        yield from named_rows(app, principal, chunk, "export")


def women_among(app: AppState, awards: Iterable[dict[str, Any]]) -> Counter[tuple[Any, ...]]:
    """Women among the individuals awarded (awards in force), by the statistics' groups; a
    person whose gender was not given, or whose data was erased, is not counted."""
    people = [
        r for r in awards if r["nominee_kind"] == "individual" and r.get("revoked_on") is None
    ]
    found = people_of(app).many(person_id_of(str(r["unit_code"])) for r in people)
    women: Counter[tuple[Any, ...]] = Counter()
    for r in people:
        person = found.get(person_id_of(str(r["unit_code"])))
        if person and person.data and person.data.gender is Gender.FEMALE:
            key = (int(str(r["decided_on"])[:4]), r["authority_id"] or "", r["award_form"])
            women[key] += 1
    return women


def decided_name(app: AppState, person: Person) -> str:
    """A person as their award decision names them: name, job title and workplace."""
    if person.data is None:
        return ERASED
    try:
        workplace = app.service.registry().get(person.unit_code).name
    except UnitNotFound:
        workplace = person.unit_code
    return person.data.named(workplace)
