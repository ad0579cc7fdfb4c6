"""Cycles: the rule set's defaults, and an admin's own closing date, window and notice days."""

from __future__ import annotations

from datetime import date

import pytest

from domain.criteria.ruleset import RuleSet
from domain.cycles import Cycle, CycleKind, CycleTerms
from domain.errors import InvalidInput, JurisdictionError
from domain.units import UnitRegistry
from service.nomination_service import NominationService
from tests.factories import ADMIN, PROVINCE, as_, ctx, officer
from tests.scenarios import GOOD, Story

pytestmark = pytest.mark.unit


def test_the_rule_set_gives_each_cycle_its_defaults(rules: RuleSet) -> None:
    preliminary = CycleTerms.default(rules, 2023)
    assert preliminary.kind is CycleKind.PRELIMINARY
    assert preliminary.evaluation_years == (2022, 2023)
    final = CycleTerms.default(rules, 2025)
    assert (final.kind, final.evaluation_years) == (CycleKind.FINAL, (2024, 2025))


def test_a_cycle_the_rule_set_does_not_know_is_refused(rules: RuleSet) -> None:
    with pytest.raises(InvalidInput) as refused:
        CycleTerms.default(rules, 2030)
    assert refused.value.field == "cycle_year"


def test_an_admin_may_set_zero_public_notice_days(rules: RuleSet) -> None:
    terms = CycleTerms(2023, CycleKind.PRELIMINARY, date(2024, 2, 15), (2022, 2023), 0)
    with as_(ADMIN):
        cycle = Cycle.configure(terms, rules)
    assert cycle.terms == terms


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (
            CycleTerms(2023, CycleKind.ANNUAL, date(2024, 1, 31), (2021, 2023), None),
            "evaluation_years",
        ),
        (
            CycleTerms(2023, CycleKind.ANNUAL, date(2024, 1, 31), (2021, 2022), None),
            "evaluation_years",
        ),
        (
            CycleTerms(2023, CycleKind.ANNUAL, date(2024, 1, 31), (2023, 2024), None),
            "evaluation_years",
        ),
        (
            CycleTerms(2023, CycleKind.ANNUAL, date(2024, 1, 31), (2022, 2023), -1),
            "public_notice_working_days",
        ),
        (CycleTerms(2023, CycleKind.ANNUAL, date(2022, 1, 31), (2022, 2023), None), "closes_on"),
    ],
)
def test_bad_cycle_terms_name_the_field(rules: RuleSet, terms: CycleTerms, field: str) -> None:
    with as_(ADMIN), pytest.raises(InvalidInput) as refused:
        Cycle.configure(terms, rules)
    assert refused.value.field == field


def test_only_an_admin_configures_a_cycle(rules: RuleSet) -> None:
    with as_(officer()), pytest.raises(JurisdictionError):
        Cycle.configure(CycleTerms.default(rules, 2023), rules)


def test_zero_notice_days_take_an_approved_nomination_straight_to_the_council(
    units: UnitRegistry,
) -> None:
    service = NominationService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, units=units)
    service.configure_cycle(
        ctx(ADMIN),
        CycleTerms(2023, CycleKind.PRELIMINARY, date(2024, 1, 31), (2022, 2023), 0),
    )
    story = Story(service)
    nid = story.open("S-831-01", GOOD)
    story.to_province_review(nid)
    service.complete_province_review(ctx(PROVINCE, date(2024, 2, 20)), nid, "approve", "")
    assert service.get_nomination(nid).stage == "council"
    assert service.cycle_terms(2023).public_notice_working_days == 0
