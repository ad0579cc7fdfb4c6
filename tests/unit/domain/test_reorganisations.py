"""A reorganisation ends some award forms and begins others, each on its date and by law."""

from __future__ import annotations

import json
from datetime import date

import pytest

from domain.criteria.ruleset import RuleSet
from domain.errors import StageTransitionError

pytestmark = pytest.mark.unit


def with_forms(base: RuleSet, *, end: list[str], begin: list[str]) -> RuleSet:
    forms = dict(base.raw["award_forms"])
    forms["giay-khen-xa"] = {**forms["giay-khen-huyen"], "name": {"vi": "Xã", "en": "Commune"}}
    raw = dict(
        base.raw,
        version=901,
        award_forms=forms,
        reorganisations=[
            {
                "on": "2025-07-01",
                "legal_basis": {"vi": "Nghị quyết thử nghiệm", "en": "A test resolution"},
                "stages_end": {},
                "forms_end": end,
                "forms_begin": begin,
            }
        ],
    )
    return RuleSet.from_bytes(json.dumps(raw, ensure_ascii=False).encode())


def test_a_form_that_ended_is_refused_from_its_date_citing_the_law(rules: RuleSet) -> None:
    reorganised = with_forms(rules, end=["giay-khen-huyen"], begin=["giay-khen-xa"])
    reorganised.require_form_in_force("giay-khen-huyen", date(2025, 6, 30))
    with pytest.raises(StageTransitionError, match="ended on 2025-07-01 \\(A test resolution\\)"):
        reorganised.require_form_in_force("giay-khen-huyen", date(2025, 7, 1))


def test_a_form_that_begins_on_the_date_is_refused_before_it(rules: RuleSet) -> None:
    reorganised = with_forms(rules, end=["giay-khen-huyen"], begin=["giay-khen-xa"])
    with pytest.raises(StageTransitionError, match="begins on 2025-07-01"):
        reorganised.require_form_in_force("giay-khen-xa", date(2025, 6, 30))
    reorganised.require_form_in_force("giay-khen-xa", date(2025, 7, 1))
    reorganised.require_form_in_force("bang-khen-tinh", date(2025, 7, 1))


def test_the_shipped_rule_set_ends_the_district_chairmans_form_on_the_first_of_july_2025(
    rules: RuleSet,
) -> None:
    rules.require_form_in_force("giay-khen-huyen", date(2025, 6, 30))
    with pytest.raises(StageTransitionError, match="72/2025/QH15"):
        rules.require_form_in_force("giay-khen-huyen", date(2025, 7, 1))
