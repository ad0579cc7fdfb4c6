"""Who may receive which form, and one achievement one award, over HTTP on a SQLite file and
on PostgreSQL (docs/spec.md §5): each refusal names what it refuses and records nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.journey import ok, open_dossier

pytestmark = pytest.mark.api


def open_(api: Api, unit: str, form: str, year: int, who: str = "officer") -> Any:
    body = {"unit_code": unit, "award_form": form, "cycle_year": year}
    return api.post("/api/v1/nominations", who, json=body)


@pytest.mark.parametrize(
    ("unit", "form", "year", "reason"),
    [
        ("S-HO-01", "co-thi-dua-tinh", 2025, "is not for a household"),
        ("S-DN-01", "co-thi-dua-tinh", 2023, "is not given in a preliminary cycle"),
    ],
)
def test_a_form_is_refused_for_a_nominee_it_is_not_for_naming_award_form(
    store_api: Api, unit: str, form: str, year: int, reason: str
) -> None:
    before = store_api.events()
    refused = open_(store_api, unit, form, year, "officer-83")
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["field"] == "award_form"
    assert reason in problem["detail"]
    assert store_api.events() == before


def test_a_year_already_claimed_by_another_dossier_is_refused_naming_it(store_api: Api) -> None:
    first = open_dossier(store_api, "S-831-01", 2023)  # evaluates 2022–2023
    before = store_api.events()
    refused = open_(store_api, "S-831-01", "bang-khen-tinh", 2024)  # 2023–2024
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert first in problem["detail"]
    assert "year 2023" in problem["detail"]
    assert store_api.events() == before
    ok(open_(store_api, "S-831-01", "bang-khen-tinh", 2025), 201)  # 2024–2025 is free
