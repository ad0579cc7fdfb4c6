"""The register of people (docs/spec.md §14), on its own database."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import JurisdictionError
from domain.people import Gender, PersonalData, PersonRole
from service.people import PeopleRegister, may_see_personal_data
from storage.views import SQLiteDatabase
from tests.factories import PROVINCE, ctx, inspector, officer

pytestmark = pytest.mark.unit

SCOPES = ("83", "831", "S-831-01")


def person(name: str) -> PersonalData:
    return PersonalData(name, "Cán bộ", "S-831-01", PersonRole.NOMINEE, Gender.MALE)


def test_many_people_are_read_back_whatever_the_batch(tmp_path: Path) -> None:
    register = PeopleRegister(SQLiteDatabase(str(tmp_path / "p.sqlite3")))
    made = [register.record(ctx(officer()), person(f"Người {i}"), SCOPES) for i in range(5)]
    found = register.many([p.id for p in made], batch=2)
    assert sorted(p.name for p in found.values()) == [f"Người {i}" for i in range(5)]
    assert register.many([]) == {}


def test_only_who_compiles_or_appraises_a_dossier_records_a_person(tmp_path: Path) -> None:
    register = PeopleRegister(SQLiteDatabase(str(tmp_path / "p.sqlite3")))
    with pytest.raises(JurisdictionError):
        register.record(ctx(inspector()), person("Người"), SCOPES)
    with pytest.raises(JurisdictionError):
        register.record(ctx(officer("829")), person("Người"), SCOPES)  # another district
    assert register.record(ctx(PROVINCE), person("Người"), SCOPES).recorded_by


def test_an_officer_sees_people_only_within_their_scope() -> None:
    assert may_see_personal_data(officer("831").grants, SCOPES)
    assert not may_see_personal_data(officer("829").grants, SCOPES)
    assert may_see_personal_data(PROVINCE.grants, SCOPES)
    assert not may_see_personal_data(inspector().grants, SCOPES)
