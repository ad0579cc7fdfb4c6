"""docs/spec.md §12: councils as constituted. A session's members are those in office on its
date, by the decision that constituted them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.errors import InvalidInput, JurisdictionError, StageTransitionError
from domain.units import UnitRegistry
from service.nomination_service import NominationService
from tests.factories import ADMIN, SECRETARY, ctx, officer

pytestmark = pytest.mark.unit

FIRST = ["uv-1", "uv-2", "uv-3", "uv-4", "uv-5"]
LATER = ["uv-1", "uv-2", "uv-6", "uv-7", "uv-8"]


@pytest.fixture
def service(units: UnitRegistry) -> NominationService:
    return NominationService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, units=units)


def terms(members: list[str], valid_from: date, chair: str = "uv-1") -> dict[str, Any]:
    return {
        "decision_number": f"{valid_from.month}/QĐ-UBND",
        "decision_date": valid_from,
        "chair": chair,
        "members": members,
        "valid_from": valid_from,
    }


def schedule(service: NominationService, on: date, members: list[str] | None = None) -> Any:
    return service.schedule_council_session(
        ctx(SECRETARY, on), "Phiên họp", on, members, "bang-khen-tinh"
    )


def test_a_sessions_members_are_the_council_in_office_on_its_date(
    service: NominationService,
) -> None:
    service.constitute_council(ctx(ADMIN), "province", None, terms(FIRST, date(2024, 1, 5)))
    service.constitute_council(ctx(SECRETARY), "province", None, terms(LATER, date(2024, 6, 1)))
    spring = schedule(service, date(2024, 4, 3))
    summer = schedule(service, date(2024, 7, 1))
    assert service.get_session(spring.id).members == FIRST
    assert service.get_session(summer.id).members == LATER
    register = service.council_register("province", None)
    assert [c["decision_number"] for c in register["compositions"]] == ["1/QĐ-UBND", "6/QĐ-UBND"]


def test_members_given_for_a_registered_council_must_be_those_in_office(
    service: NominationService,
) -> None:
    service.constitute_council(ctx(ADMIN), "province", None, terms(FIRST, date(2024, 1, 5)))
    with pytest.raises(InvalidInput, match="members: must be the council constituted by"):
        schedule(service, date(2024, 4, 3), ["uv-1", "uv-9"])
    assert service.get_session(schedule(service, date(2024, 4, 3), FIRST[::-1]).id).members
    with pytest.raises(StageTransitionError, match="no council composition is in office"):
        schedule(service, date(2023, 12, 1))


def test_a_composition_names_its_chair_among_its_members_and_takes_office_in_order(
    service: NominationService,
) -> None:
    register = service.constitute_council
    with pytest.raises(InvalidInput, match="chair"):
        register(ctx(ADMIN), "province", None, terms(FIRST, date(2024, 1, 5), chair="uv-9"))
    with pytest.raises(InvalidInput, match="members: names a member twice"):
        register(ctx(ADMIN), "province", None, terms(["uv-1", "uv-1"], date(2024, 1, 5)))
    with pytest.raises(InvalidInput, match="scope"):
        register(ctx(ADMIN), "district", None, terms(FIRST, date(2024, 1, 5)))
    with pytest.raises(JurisdictionError):
        register(ctx(officer()), "province", None, terms(FIRST, date(2024, 1, 5)))
    register(ctx(ADMIN), "province", None, terms(FIRST, date(2024, 1, 5)))
    with pytest.raises(InvalidInput, match="valid_from: must be after 2024-01-05"):
        register(ctx(ADMIN), "province", None, terms(LATER, date(2024, 1, 5)))


def test_a_council_not_in_the_register_names_its_members_with_the_session(
    service: NominationService,
) -> None:
    with pytest.raises(InvalidInput, match="members: name the members"):
        schedule(service, date(2024, 4, 3))
    assert service.get_session(schedule(service, date(2024, 4, 3), FIRST).id).members == FIRST
