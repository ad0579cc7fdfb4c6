"""People nominated in their own right and households' representatives (docs/spec.md §14):
their personal data is recorded here, apart from the event log, read only by the roles whose
work needs it, and erased where the law allows."""

from __future__ import annotations

from itertools import product
from typing import Annotated
from uuid import UUID

from fastapi import Depends, HTTPException, Path

from api.access import may_read
from api.deps import AppState, Caller, Command, Principal, State, writes_as
from api.personal import people_of, person_public, scopes_of, sees, shown
from api.routes import Router
from api.schemas.common import Page
from api.schemas.people import ErasureIn, PersonIn, PersonPublic, PersonReadPublic
from domain.context import Role
from domain.errors import InvalidInput, NotFound, StageTransitionError
from domain.nomination import nomination_id
from domain.people import PersonalData, PersonRole, person_code
from domain.units import UnitKind
from service.people import Person, may_see_personal_data

router = Router(prefix="/people", tag="unit officer")
OFFICE_WORK = (
    Role.UNIT_OFFICER,
    Role.DISTRICT_REVIEWER,
    Role.PROVINCE_REVIEWER,
    Role.COUNCIL_SECRETARY,
)
AsCompiler = Annotated[
    Command,
    Depends(writes_as(Role.UNIT_OFFICER, Role.DISTRICT_REVIEWER, Role.PROVINCE_REVIEWER)),
]
AsAdmin = Annotated[Command, Depends(writes_as(Role.ADMIN))]
PersonId = Annotated[UUID, Path(description="the person's id, as their dossier's events name them")]


@router.post_once("", "Record a person a dossier names", created=True, response_model=PersonPublic)
def record(body: PersonIn, cmd: AsCompiler) -> PersonPublic:
    data = PersonalData.parse(body.model_dump())
    scopes = scopes_of(cmd.app, data.unit_code)
    kind = cmd.service.unit(data.unit_code).kind
    if (data.role is PersonRole.HOUSEHOLD_REPRESENTATIVE) != (kind is UnitKind.HOUSEHOLD):
        raise InvalidInput(
            "role",
            "a household's representative is recorded with the household's code, and only they are",
        )
    return person_public(people_of(cmd.app).record(cmd.context, data, scopes))


@router.read("/{person_id}", PersonPublic, "A person's data, for whose work needs it")
def person(person_id: PersonId, app: State, principal: Caller) -> PersonPublic:
    found = people_of(app).get(person_id)
    if not sees(app, principal, found) or not _works_on(app, principal, found):
        raise NotFound(f"no person {person_id}")  # as if absent: not even whether they are
    return shown(app, principal, found, "person")


def _works_on(app: AppState, principal: Principal, person: Person) -> bool:
    """The office and the units' officers and reviewers in scope work on a person's record; a
    council member or a chairman, only on a dossier of theirs they may read (an agenda's, a
    decision's), as for the dossier itself."""
    office = [g for g in principal.grants if g.role in OFFICE_WORK]
    if may_see_personal_data(office, scopes_of(app, person.unit_code)):
        return True
    rules = app.service.default_rule_set
    code = person_code(person.id)
    for form, year in product(rules.award_forms, rules.cycles):
        try:
            dossier = app.service.get_nomination(nomination_id(code, form, year))
        except NotFound:
            continue
        if may_read(app, principal, dossier):
            return True
    return False


@router.read(
    "/{person_id}/reads",
    Page[PersonReadPublic],
    "Who was shown a person's data, when and where, the newest first",
    tag="auditor",
)
def reads(person_id: PersonId, app: State, principal: Caller) -> Page[PersonReadPublic]:
    if not principal.has(Role.AUDITOR, Role.ADMIN):
        raise HTTPException(403, "needs the role auditor or admin")
    people_of(app).get(person_id)  # an unknown person is a 404
    found = [PersonReadPublic.model_validate(r) for r in people_of(app).reads_of(person_id)]
    return Page[PersonReadPublic](data=found, count=len(found))


@router.post_once(
    "/{person_id}/erasure",
    "Erase a person's data where the law allows",
    tag="admin",
    response_model=PersonPublic,
)
def erase(person_id: PersonId, body: ErasureIn, cmd: AsAdmin) -> PersonPublic:
    dossiers = cmd.service.achievements_of(person_code(person_id))
    live = [a.nomination_id for a in dossiers if not a.awarded_by]
    if live:
        raise StageTransitionError(
            f"dossier {live[0]} is in progress and needs the data: withdraw it first"
        )
    awarded = any(a.awarded_by for a in dossiers)
    return person_public(people_of(cmd.app).erase(cmd.context, person_id, body.reason, awarded))
