"""docs/spec.md §4: every boundary of the Bến Tre rule set, in exact arithmetic."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.criteria.loader import load_rule_set
from domain.criteria.rules import (
    Outcome,
    PublishedRates,
    RateBasis,
    ZeroPoorPolicy,
    percent,
    reduces_poor_households_by_a_fifth,
    reduces_rate_by_two_points,
)
from domain.criteria.ruleset import RuleSet
from domain.errors import InvalidInput
from domain.statistics import YearStatistics, check_flows_reconcile
from domain.units import Nominee, UnitFlag, UnitKind

pytestmark = pytest.mark.unit


def ys(total: int, poor: int, near: int | None = None) -> YearStatistics:
    return YearStatistics(total, poor, near)


def nominee(kind: UnitKind, *flags: UnitFlag) -> Nominee:
    return Nominee("X", "X", kind, frozenset(flags), "836", ("836", "83"))


def window(*figures: tuple[int, int] | tuple[int, int, int]) -> dict[int, YearStatistics]:
    return {2021 + i: ys(*f) for i, f in enumerate(figures)}


# --- rel20 -------------------------------------------------------------------------------


def test_a_cut_of_exactly_one_fifth_of_poor_households_is_met() -> None:
    result = reduces_poor_households_by_a_fifth(2022, ys(1000, 100), ys(1000, 80))
    assert result.outcome is Outcome.MET
    assert result.values["reduction_percent"] == "20.00"


def test_a_cut_one_household_short_of_a_fifth_is_not_met() -> None:
    result = reduces_poor_households_by_a_fifth(2022, ys(1000, 100), ys(1000, 81))
    assert result.outcome is Outcome.NOT_MET


def test_zero_poor_households_at_the_start_needs_judgement_by_default() -> None:
    result = reduces_poor_households_by_a_fifth(2022, ys(1000, 0), ys(1000, 0))
    assert result.outcome is Outcome.NEEDS_JUDGEMENT
    assert "undefined" in result.en


def test_kept_at_zero_is_met_when_the_rule_set_says_so() -> None:
    result = reduces_poor_households_by_a_fifth(
        2022, ys(1000, 0), ys(1000, 0), zero_policy=ZeroPoorPolicy.KEPT_AT_ZERO_IS_MET
    )
    assert result.outcome is Outcome.MET


def test_poor_households_appearing_from_zero_is_not_met() -> None:
    result = reduces_poor_households_by_a_fifth(2022, ys(1000, 0), ys(1000, 3))
    assert result.outcome is Outcome.NOT_MET


def test_a_missing_year_is_insufficient_data_not_a_failure() -> None:
    assert reduces_poor_households_by_a_fifth(2022, None, ys(10, 1)).outcome is (
        Outcome.INSUFFICIENT_DATA
    )
    assert reduces_poor_households_by_a_fifth(2022, ys(10, 1), None).outcome is (
        Outcome.INSUFFICIENT_DATA
    )


# --- pp2 ---------------------------------------------------------------------------------


def test_a_fall_of_exactly_two_percentage_points_is_met() -> None:
    result = reduces_rate_by_two_points(2022, ys(1000, 100), ys(1000, 80))
    assert result.outcome is Outcome.MET
    assert result.values["rate_drop_points"] == "2.00"


def test_two_points_is_measured_in_points_not_percent_of_the_rate() -> None:
    # 10 % -> 8.1 % is a 19 % relative fall but only 1.9 points.
    result = reduces_rate_by_two_points(2022, ys(1000, 100), ys(1000, 81))
    assert result.outcome is Outcome.NOT_MET


def test_a_growing_household_count_alone_can_bring_the_rate_down_exactly_two_points() -> None:
    # 100/1000 = 10 % -> 100/1250 = 8 %: exactly 2 points with the same poor households.
    result = reduces_rate_by_two_points(2022, ys(1000, 100), ys(1250, 100))
    assert result.outcome is Outcome.MET


def test_the_near_poor_basis_needs_near_poor_figures() -> None:
    result = reduces_rate_by_two_points(
        2022, ys(1000, 100, 50), ys(1000, 60), basis=RateBasis.POOR_AND_NEAR_POOR
    )
    assert result.outcome is Outcome.INSUFFICIENT_DATA


def test_the_near_poor_basis_counts_poor_and_near_poor_together() -> None:
    # Poor alone fall 4 points, but poor + near-poor only 1 point.
    prev, cur = ys(1000, 100, 50), ys(1000, 60, 80)
    assert reduces_rate_by_two_points(2022, prev, cur).outcome is Outcome.MET
    assert (
        reduces_rate_by_two_points(2022, prev, cur, basis=RateBasis.POOR_AND_NEAR_POOR).outcome
        is Outcome.NOT_MET
    )


# --- classification and the rule set -------------------------------------------------


def test_a_commune_at_exactly_five_percent_is_in_the_two_point_group(rules: RuleSet) -> None:
    stats = window((4000, 200), (4000, 110), (4000, 30))
    [result] = rules.evaluate(nominee(UnitKind.COMMUNE), (2022, 2023), stats)
    assert result.criterion_id == "commune-high-pp2"
    assert result.outcome.outcome is Outcome.MET


def test_a_commune_just_under_five_percent_is_in_the_one_fifth_group(rules: RuleSet) -> None:
    stats = window((4000, 199), (4000, 159), (4000, 127))
    [result] = rules.evaluate(nominee(UnitKind.COMMUNE), (2022, 2023), stats)
    assert result.criterion_id == "commune-low-rel20"
    assert result.outcome.outcome is Outcome.MET


def test_coastal_communes_take_the_two_point_rule_whatever_their_baseline(
    rules: RuleSet,
) -> None:
    stats = window((4000, 100), (4000, 20), (4000, 0))
    low = nominee(UnitKind.COMMUNE, UnitFlag.COASTAL_SPECIAL_DIFFICULTY)
    [result] = rules.evaluate(low, (2022, 2023), stats)
    assert result.criterion_id == "coastal-pp2"


def test_island_communes_are_judged_like_coastal_ones(rules: RuleSet) -> None:
    stats = window((1000, 300), (1000, 270), (1000, 240))
    [result] = rules.evaluate(nominee(UnitKind.COMMUNE, UnitFlag.ISLAND), (2022, 2023), stats)
    assert result.criterion_id == "coastal-pp2"
    assert result.outcome.outcome is Outcome.MET


def test_a_ward_at_five_percent_or_more_has_no_criterion_and_needs_judgement(
    rules: RuleSet,
) -> None:
    stats = window((1000, 60), (1000, 30), (1000, 10))
    [result] = rules.evaluate(nominee(UnitKind.WARD), (2022, 2023), stats)
    assert result.criterion_id == "no-applicable-criterion"
    assert result.outcome.outcome is Outcome.NEEDS_JUDGEMENT


def test_a_commune_without_baseline_figures_cannot_be_classified(rules: RuleSet) -> None:
    stats = {2022: ys(1000, 60), 2023: ys(1000, 30)}
    [result] = rules.evaluate(nominee(UnitKind.COMMUNE), (2022, 2023), stats)
    assert result.criterion_id == "baseline-classification"
    assert result.outcome.outcome is Outcome.INSUFFICIENT_DATA


def test_a_district_must_cut_a_fifth_in_both_years(rules: RuleSet) -> None:
    stats = window((50000, 2000), (50000, 1600), (50000, 1300))
    [result] = rules.evaluate(nominee(UnitKind.DISTRICT), (2022, 2023), stats)
    assert result.criterion_id == "district-rel20"
    assert result.outcome.outcome is Outcome.NOT_MET  # 2023: 18.75 %
    assert [y.outcome for y in result.outcome.years] == [Outcome.MET, Outcome.NOT_MET]


def test_one_missing_year_in_the_window_makes_the_check_insufficient(rules: RuleSet) -> None:
    stats = {2021: ys(50000, 2000), 2022: ys(50000, 1000)}
    [result] = rules.evaluate(nominee(UnitKind.DISTRICT), (2022, 2023), stats)
    assert result.outcome.outcome is Outcome.INSUFFICIENT_DATA


@pytest.mark.parametrize(
    ("kind", "criterion"),
    [
        (UnitKind.DEPARTMENT, "plan-1067-tasks"),
        (UnitKind.FRONT, "plan-1067-tasks"),
        (UnitKind.POLICY_BANK, "policy-credit"),
        (UnitKind.CREDIT_INSTITUTION, "credit-support"),
        (UnitKind.ENTERPRISE, "enterprise-support"),
        (UnitKind.HOUSEHOLD, "household-effort"),
    ],
)
def test_qualitative_criteria_await_a_reviewer(
    rules: RuleSet, kind: UnitKind, criterion: str
) -> None:
    [result] = rules.evaluate(nominee(kind), (2022, 2023), {})
    assert result.criterion_id == criterion
    assert result.kind == "judged"
    assert result.outcome.outcome is Outcome.NEEDS_JUDGEMENT
    assert result.outcome.explanation.vi
    assert result.outcome.explanation.en


def test_every_check_explains_itself_in_vietnamese_and_english(rules: RuleSet) -> None:
    stats = window((4000, 400), (4000, 310), (4000, 220))
    [result] = rules.evaluate(nominee(UnitKind.COMMUNE), (2022, 2023), stats)
    assert "Năm 2022" in result.outcome.explanation.vi
    assert "10,00 %" in result.outcome.explanation.vi
    assert "2022: the poverty rate went from 10.00 %" in result.outcome.explanation.en
    assert set(result.outcome.inputs) == {"2021", "2022", "2023"}


def test_the_rule_set_digest_is_the_sha256_of_the_file(rules: RuleSet) -> None:
    import hashlib
    from importlib import resources

    data = (
        resources.files("domain.rulesets")
        .joinpath("ben-tre-vi-nguoi-ngheo-2021-2025.v3.json")
        .read_bytes()
    )
    assert rules.ref.digest == hashlib.sha256(data).hexdigest()
    assert (rules.ref.id, rules.ref.version) == ("ben-tre-vi-nguoi-ngheo-2021-2025", 3)


def test_a_changed_rule_set_file_has_another_digest(rules: RuleSet) -> None:
    raw = dict(rules.raw, zero_poor_policy="kept_at_zero_is_met")
    import json

    other = RuleSet.from_bytes(json.dumps(raw).encode())
    assert other.ref.digest != rules.ref.digest
    assert other.zero_poor_policy is ZeroPoorPolicy.KEPT_AT_ZERO_IS_MET


# --- flows -----------------------------------------------------------------------------


def test_flows_that_reconcile_are_accepted() -> None:
    s = YearStatistics.from_dict(
        {
            "total_households": 1000,
            "poor_households": 80,
            "flows": {"exited": 30, "newly_poor": 5, "fallen_back": 10, "removed": 5},
        }
    )
    check_flows_reconcile(2022, 100, s)


def test_flows_that_do_not_reconcile_are_refused_with_the_difference() -> None:
    s = YearStatistics.from_dict(
        {
            "total_households": 1000,
            "poor_households": 83,
            "flows": {"exited": 30, "newly_poor": 5, "fallen_back": 10, "removed": 5},
        }
    )
    with pytest.raises(InvalidInput) as refused:
        check_flows_reconcile(2022, 100, s)
    assert refused.value.field == "flows"
    assert "difference +3" in refused.value.detail


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"poor_households": 1}, "total_households"),
        ({"total_households": 0, "poor_households": 0}, "total_households"),
        ({"total_households": 10, "poor_households": 11}, "poor_households"),
        ({"total_households": 10, "poor_households": -1}, "poor_households"),
        ({"total_households": 10, "poor_households": 1.5}, "poor_households"),
        ({"total_households": 10, "poor_households": True}, "poor_households"),
        (
            {"total_households": 10, "poor_households": 5, "near_poor_households": 6},
            "near_poor_households",
        ),
        (
            {"total_households": 10, "poor_households": 5, "flows": {"exited": 1}},
            "flows.newly_poor",
        ),
        (
            {"total_households": 10, "poor_households": 5, "source": {"decision_number": "1"}},
            "source.decision_date",
        ),
    ],
)
def test_bad_statistics_name_the_field(figures: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        YearStatistics.from_dict(figures)  # type: ignore[arg-type]
    assert refused.value.field == field


# --- exactness -------------------------------------------------------------------------

counts = st.integers(min_value=1, max_value=10**7)


@given(before=counts, after=st.integers(min_value=0, max_value=10**7))
def test_rel20_in_integers_agrees_with_exact_fractions(before: int, after: int) -> None:
    result = reduces_poor_households_by_a_fifth(2022, ys(10**8, before), ys(10**8, after))
    assert (result.outcome is Outcome.MET) == (Fraction(before - after, before) >= Fraction(1, 5))


@given(
    h0=counts,
    h1=counts,
    p0=st.integers(min_value=1, max_value=10**7),
    p1=st.integers(min_value=0, max_value=10**7),
)
def test_pp2_in_integers_agrees_with_exact_fractions(h0: int, h1: int, p0: int, p1: int) -> None:
    p0, p1 = min(p0, h0), min(p1, h1)
    result = reduces_rate_by_two_points(2022, ys(h0, p0), ys(h1, p1))
    exact = Fraction(p0, h0) - Fraction(p1, h1) >= Fraction(2, 100)
    assert (result.outcome is Outcome.MET) == exact


@given(num=st.integers(min_value=-(10**6), max_value=10**6), den=counts)
def test_percent_rounds_half_up_to_two_decimals(num: int, den: int) -> None:
    from decimal import ROUND_HALF_UP, Decimal

    exact = Fraction(num, den) * 100
    expected = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    if num >= 0:
        assert percent(Fraction(num, den)) == f"{expected:.2f}"


@pytest.mark.parametrize(
    ("before", "after", "outcome", "vi", "en"),
    [
        (25_000, 20_001, Outcome.NOT_MET, "19,99 %), không đạt mức giảm từ 20,00 %", "19.99 %"),
        (5_000, 4_000, Outcome.MET, "20,00 %), đạt mức giảm từ 20,00 %", "20.00 %"),
        (100_000, 80_001, Outcome.NOT_MET, "19,99 %), không đạt", "19.99 %"),
    ],
)
def test_a_relative_cut_never_reads_as_the_bar_it_misses(
    before: int, after: int, outcome: Outcome, vi: str, en: str
) -> None:
    result = reduces_poor_households_by_a_fifth(2022, ys(200_000, before), ys(200_000, after))
    assert result.outcome is outcome
    assert vi in result.vi
    assert en in result.en
    assert "20.00 %)" not in result.en or outcome is Outcome.MET


@given(
    before=st.integers(min_value=1, max_value=10**6),
    fell=st.integers(min_value=0, max_value=10**6),
)
def test_the_words_always_agree_with_the_outcome(before: int, fell: int) -> None:
    fell = min(fell, before)
    result = reduces_poor_households_by_a_fifth(2022, ys(10**7, before), ys(10**7, before - fell))
    shown = Fraction(result.values["reduction_percent"])
    bar = Fraction(20)
    assert (shown >= bar) == (result.outcome is Outcome.MET)


def test_a_rate_drop_just_under_two_points_reads_under_two_points() -> None:
    # 10 % to 8.0001 %: down 1.9999 points, which misses 2 points
    result = reduces_rate_by_two_points(2022, ys(100_000, 10_000), ys(100_000, 8_000 + 1))
    assert result.outcome is Outcome.NOT_MET
    assert "giảm 1,99 điểm %" in result.vi
    assert "down 1.99 points" in result.en


def test_exact_counts_and_published_rates_can_disagree_and_the_rule_set_says_which_governs() -> (
    None
):
    """6.0051 % → 4.0054 % misses 2 points by the counts, and passes on the printed 6.01 →
    4.01: the governing reading decides and the explanation states both."""
    before = YearStatistics(1_000_000, 60_051)
    after = YearStatistics(1_000_000, 40_054)
    exact = reduces_rate_by_two_points(
        2024, before, after, published=PublishedRates(2, governs=False)
    )
    assert exact.outcome is Outcome.NOT_MET
    assert exact.values["published_outcome"] == "met"
    assert (
        exact.values["published_previous_rate_percent"],
        exact.values["published_rate_percent"],
    ) == ("6.01", "4.01")
    assert "On the published rates (6.01 % → 4.01 %) it meets" in exact.en
    assert "so the outcome is not met" in exact.en
    assert "Theo tỷ lệ công bố (6,01 % → 4,01 %) thì đạt" in exact.vi
    printed = reduces_rate_by_two_points(
        2024, before, after, published=PublishedRates(2, governs=True)
    )
    assert printed.outcome is Outcome.MET
    agree = reduces_rate_by_two_points(
        2024,
        YearStatistics(1000, 100),
        YearStatistics(1000, 70),
        published=PublishedRates(2, False),
    )
    assert "published rates" not in agree.en  # said only when they disagree


def test_rule_set_v4_judges_on_exact_counts_and_cross_checks_the_published_rates() -> None:
    v4 = load_rule_set("ben-tre-vi-nguoi-ngheo-2021-2025", 4)
    assert v4.published_rates == PublishedRates(2, governs=False)
