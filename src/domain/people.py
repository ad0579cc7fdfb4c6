"""People the movement commends (cá nhân) and households' representatives (docs/spec.md §14).

Their personal data is kept apart from the hash-chained log, which names a person by an id
of their own, never derived from who they are: the log never has to be rewritten to honour
an erasure (Decree 13/2023/NĐ-CP on the protection of personal data; docs/spec.md §14 says
which of its articles could be read).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.context import Role
from domain.errors import InvalidInput
from domain.text import bounded_text
from domain.units import Nominee, Unit, UnitKind, UnitRegistry

PERSON_PREFIX = "CN-"
"""A person's nominee code: the prefix and their id (cá nhân)."""

SEES_PERSONAL_DATA = frozenset(
    {
        Role.UNIT_OFFICER,  # who compiles the dossier, within their scope
        Role.DISTRICT_REVIEWER,
        Role.PROVINCE_REVIEWER,
        Role.COUNCIL_SECRETARY,
        Role.COUNCIL_MEMBER,
        Role.AWARDING_AUTHORITY,
    }
)
"""The roles that compile, appraise or decide a dossier: the only ones the purpose needs.
An auditor, an inspector or an admin sees a person's id, never their data."""

PURPOSE = (
    "Xét khen thưởng trong phong trào thi đua (Luật Thi đua, khen thưởng 2022): họ tên, chức"
    " vụ, nơi công tác và giới tính (thống kê tỷ lệ nữ) của người được đề nghị khen thưởng."
)
"""Why the data is processed, recorded with each person."""


class PersonRole(StrEnum):
    NOMINEE = "nominee"  # a person nominated in their own right
    HOUSEHOLD_REPRESENTATIVE = "household_representative"  # who speaks for a household


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"


def person_code(person_id: UUID) -> str:
    return f"{PERSON_PREFIX}{person_id}"


def is_person_code(code: str) -> bool:
    return code.startswith(PERSON_PREFIX)


def person_id_of(code: str) -> UUID:
    if not is_person_code(code):
        raise InvalidInput("person_id", f"{code} names no person")
    try:
        return UUID(code[len(PERSON_PREFIX) :])
    except ValueError:
        raise InvalidInput("person_id", f"{code} names no person") from None


def person_nominee(person_id: UUID, workplace: Unit, registry: UnitRegistry) -> Nominee:
    """A person as their dossier's events record them: an id, never a name; their workplace
    places the dossier in the scopes of the units that compile and review it."""
    district = registry.district_of(workplace.code)
    above = tuple(u.code for u in registry.ancestors(workplace.code))
    code = person_code(person_id)
    return Nominee(
        code,
        code,
        UnitKind.INDIVIDUAL,
        frozenset(),
        district.code if district else None,
        (*above, workplace.code),
    )


@dataclass(frozen=True)
class PersonalData:
    """Only what a dossier needs: who, their job title, where they work (or the household
    they represent), and, where given, their gender for the statistics of women."""

    full_name: str
    job_title: str
    unit_code: str
    role: PersonRole
    gender: Gender | None = None

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> PersonalData:
        role = raw.get("role") or PersonRole.NOMINEE.value
        if role not in {r.value for r in PersonRole}:
            raise InvalidInput("role", f"must be one of {', '.join(r.value for r in PersonRole)}")
        gender = raw.get("gender")
        if gender is not None and gender not in {g.value for g in Gender}:
            raise InvalidInput("gender", "must be female, male or left out")
        return cls(
            full_name=bounded_text("full_name", raw.get("full_name"), limit=120),
            job_title=bounded_text("job_title", raw.get("job_title"), limit=200),
            unit_code=bounded_text("unit_code", raw.get("unit_code"), limit=64),
            role=PersonRole(role),
            gender=Gender(gender) if gender else None,
        )

    def named(self, workplace: str) -> str:
        """As a decision names a person: name, job title, and where they work."""
        if self.role is PersonRole.HOUSEHOLD_REPRESENTATIVE:
            female, male = self.gender is Gender.FEMALE, self.gender is Gender.MALE
            title = "bà" if female else "ông" if male else "ông/bà"
            return f"Hộ {title} {self.full_name}"
        return f"{self.full_name}, {self.job_title}, {workplace}"
