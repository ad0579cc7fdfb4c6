from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, WithJsonSchema

from api.schemas.common import Schema, example
from domain.accounts import GRANTABLE
from domain.context import Role
from domain.cycles import CycleTerms


def _grantable(role: Role) -> Role:
    if role not in GRANTABLE:
        raise ValueError(f"{role.value} cannot be granted")
    return role


# The roles an admin may grant, derived from the domain's, not copied from it.
GrantableRole = Annotated[
    Role,
    AfterValidator(_grantable),
    WithJsonSchema({"type": "string", "enum": sorted(r.value for r in GRANTABLE)}),
]


class GrantIn(Schema):
    role: GrantableRole
    scope: str | None = Field(
        default=None, max_length=64, description="a unit code, a team id, or none"
    )


class AccountCreate(Schema):
    username: str = Field(min_length=2, max_length=64, examples=["phongnoivu.batri"])
    password: str = Field(min_length=10, max_length=200)
    roles: list[GrantIn] = Field(min_length=1)
    display_name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "username": "phongnoivu.batri",
                    "password": "a-long-passphrase",
                    "roles": [{"role": "district_reviewer", "scope": "836"}],
                    "display_name": "Phòng Nội vụ huyện Ba Tri",
                }
            ]
        },
    )


class AccountPublic(Schema):
    username: str
    display_name: str
    email: str | None
    roles: list[GrantIn]
    active: bool


class MePublic(Schema):
    username: str
    display_name: str
    roles: list[GrantIn]


class TokenPublic(Schema):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int


UnitKindName = Literal[
    "province",
    "district",
    "commune",
    "ward",
    "township",
    "department",
    "front",
    "policy_bank",
    "credit_institution",
    "enterprise",
    "household",
    "hamlet",
    "neighbourhood",
]


FlagName = Literal["coastal_special_difficulty", "island"]


class DatedFlagBody(Schema):
    """A flag the unit holds over a period only, as the decision listing it dates it."""

    flag: FlagName
    valid_from: date
    valid_to: date | None = None


class UnitCreate(Schema):
    model_config = example(
        code="S-836-03",
        name="Xã Mới (dữ liệu mẫu)",
        kind="commune",
        parent_code="836",
        valid_from="2024-01-01",
        flags=["coastal_special_difficulty"],
        synthetic=True,
    )

    code: str = Field(min_length=1, max_length=64, examples=["S-836-03"])
    name: str = Field(min_length=1, max_length=200)
    kind: UnitKindName
    parent_code: str | None = Field(default=None, max_length=64)
    valid_from: date
    valid_to: date | None = None
    successor_codes: list[str] = Field(default_factory=list, max_length=20)
    predecessors: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="the units merged into this one on its valid_from",
    )
    flags: list[FlagName] = Field(
        default_factory=list, description="flags held over the unit's whole life"
    )
    dated_flags: list[DatedFlagBody] = Field(
        default_factory=list,
        max_length=20,
        description="flags held over a period only; the checks use those in force",
    )
    synthetic: bool = False


class LinkedUnit(Schema):
    """A predecessor or a successor, with the dates that tie it to the unit."""

    code: str
    name: str
    valid_from: date
    valid_to: date | None


class UnitPublic(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None
    valid_from: date
    valid_to: date | None
    successor_codes: list[str]
    predecessor_codes: list[str]
    predecessors: list[LinkedUnit] = Field(default_factory=list)
    successors: list[LinkedUnit] = Field(default_factory=list)
    flags: list[str]
    dated_flags: list[DatedFlagBody] = Field(default_factory=list)
    synthetic: bool


class CycleUpdate(Schema):
    model_config = example(
        kind="final",
        closes_on="2026-01-30",
        evaluation_years=[2024, 2025],
        public_notice_working_days=10,
    )

    kind: Literal["annual", "preliminary", "final"]
    closes_on: date
    evaluation_years: list[int] = Field(min_length=2, max_length=2)
    public_notice_working_days: int | None = Field(default=None, ge=0, le=60)


class CyclePublic(Schema):
    year: int
    kind: str
    closes_on: date
    evaluation_years: list[int]
    public_notice_working_days: int | None


def cycle_public(terms: CycleTerms) -> CyclePublic:
    return CyclePublic(**terms.fields())


class AccountUpdate(Schema):
    """What an admin changes on an account; either change revokes its tokens."""

    model_config = example(roles=[{"role": "auditor"}], active=True)

    roles: list[GrantIn] | None = Field(default=None, min_length=1)
    active: bool | None = None
    reason: str = Field(default="", max_length=2000, description="why it is deactivated")


class PasswordReset(Schema):
    model_config = example(password="Mat-khau-moi-2025!")  # noqa: S106 - an example

    password: str = Field(min_length=1, max_length=200, description="12+ characters, not common")


class PasswordChange(Schema):
    model_config = example(
        current_password="the-one-I-have-now",  # noqa: S106
        new_password="Mat-khau-moi-2025!",  # noqa: S106
    )

    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(
        min_length=1, max_length=200, description="12+ characters, not common"
    )
