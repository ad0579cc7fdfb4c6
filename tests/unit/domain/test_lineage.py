"""A merged unit is judged on what its predecessors achieved; nothing is divided by guesswork."""

from __future__ import annotations

from datetime import date

import pytest

from domain.criteria.loader import load_rule_set
from domain.lineage import official_window
from domain.statistics import Source, YearStatistics
from domain.units import DatedFlag, Nominee, Unit, UnitFlag, UnitKind, UnitRegistry

pytestmark = pytest.mark.unit


def registry(*extra: Unit) -> UnitRegistry:
    province = Unit("86", "Tỉnh Vĩnh Long", UnitKind.PROVINCE, None, date(2025, 7, 1))
    old = Unit("83", "Tỉnh Bến Tre", UnitKind.PROVINCE, None, date(1976, 1, 1), date(2025, 6, 30))
    a = Unit("A", "Xã A", UnitKind.COMMUNE, "83", date(2000, 1, 1), date(2025, 6, 30), ("M",))
    b = Unit("B", "Xã B", UnitKind.COMMUNE, "83", date(2000, 1, 1), date(2025, 6, 30), ("M",))
    merged = Unit("M", "Xã Mới", UnitKind.COMMUNE, "86", date(2025, 7, 1))
    return UnitRegistry([old, province, a, b, merged, *extra])


def figures(total: int, poor: int, number: str) -> YearStatistics:
    return YearStatistics(total, poor, source=Source(number, date(2021, 12, 20), "UBND tỉnh"))


REGISTER = {
    ("A", 2021): figures(1000, 100, "1/QĐ"),
    ("B", 2021): figures(3000, 60, "2/QĐ"),
    ("M", 2025): figures(4100, 50, "9/QĐ"),
}


def lookup(code: str, year: int) -> YearStatistics | None:
    return REGISTER.get((code, year))


def test_a_year_before_the_merger_is_the_sum_of_the_predecessors_with_each_source() -> None:
    units = registry()
    window = official_window(units.get("M"), range(2021, 2026), units, lookup)
    assert window.figures[2021] == YearStatistics(4000, 160)
    assert window.figures[2025] == REGISTER[("M", 2025)]  # its own, once it exists
    assert [p["unit_code"] for p in window.summed_from[2021]] == ["A", "B"]
    assert window.summed_from[2021][0]["source"]["decision_number"] == "1/QĐ"
    assert 2022 not in window.figures  # a predecessor's year missing: no sum
    assert window.needs_judgement == []


def test_a_split_predecessor_is_never_divided_it_needs_judgement() -> None:
    split = Unit(
        "C", "Xã C", UnitKind.COMMUNE, "83", date(2000, 1, 1), date(2025, 6, 30), ("M", "N")
    )
    other = Unit("N", "Xã Khác", UnitKind.COMMUNE, "86", date(2025, 7, 1))
    units = registry(split, other)
    REGISTER[("C", 2021)] = figures(500, 50, "3/QĐ")
    try:
        window = official_window(units.get("M"), range(2021, 2022), units, lookup)
    finally:
        del REGISTER[("C", 2021)]
    assert 2021 not in window.figures
    assert any("Xã C was split" in en for _, en in window.needs_judgement)


def test_predecessors_that_differ_in_their_flags_need_judgement() -> None:
    coastal = Unit(
        "D",
        "Xã D",
        UnitKind.COMMUNE,
        "83",
        date(2000, 1, 1),
        date(2025, 6, 30),
        ("M",),
        frozenset({UnitFlag.COASTAL_SPECIAL_DIFFICULTY}),
    )
    units = registry(coastal)
    window = official_window(units.get("M"), range(2021, 2022), units, lookup)
    assert any("flags" in en for _, en in window.needs_judgement)


def coastal_from(first: date, last: date | None = None) -> tuple[DatedFlag, ...]:
    return (DatedFlag(UnitFlag.COASTAL_SPECIAL_DIFFICULTY, first, last),)


def test_the_successor_is_judged_by_its_own_flags_in_force_at_the_end_of_the_last_year() -> None:
    merged = Unit(
        "M2",
        "Xã Ven Biển Mới",
        UnitKind.COMMUNE,
        "86",
        date(2025, 7, 1),
        dated_flags=coastal_from(date(2025, 7, 1)),
    )
    units = registry(merged)
    assert Nominee.of(merged, units, 2025).flags == {UnitFlag.COASTAL_SPECIAL_DIFFICULTY}
    listed_until_2024 = Unit(
        "E",
        "Xã E",
        UnitKind.COMMUNE,
        "83",
        date(2000, 1, 1),
        dated_flags=coastal_from(date(2021, 1, 1), date(2024, 12, 31)),
    )
    units.add(listed_until_2024)
    assert Nominee.of(listed_until_2024, units, 2024).flags == {UnitFlag.COASTAL_SPECIAL_DIFFICULTY}
    assert Nominee.of(listed_until_2024, units, 2025).flags == frozenset()


def test_a_flag_that_begins_inside_the_evaluated_years_needs_judgement() -> None:
    listed_late = Unit(
        "F",
        "Xã F",
        UnitKind.COMMUNE,
        "83",
        date(2000, 1, 1),
        dated_flags=coastal_from(date(2023, 3, 1)),
    )
    units = registry(listed_late)
    window = official_window(listed_late, range(2022, 2024), units, lookup)
    assert any(
        "Xã F's coastal_special_difficulty flag holds only from 2023-03-01" in en
        for _, en in window.needs_judgement
    )
    settled = official_window(listed_late, range(2024, 2026), units, lookup)
    assert settled.needs_judgement == []


def test_predecessors_are_compared_by_the_flags_they_held_in_each_summed_year() -> None:
    listed_in_2021_only = Unit(
        "D",
        "Xã D",
        UnitKind.COMMUNE,
        "83",
        date(2000, 1, 1),
        date(2025, 6, 30),
        ("M",),
        dated_flags=coastal_from(date(2021, 1, 1), date(2021, 12, 31)),
    )
    units = registry(listed_in_2021_only)
    assert official_window(units.get("M"), range(2022, 2024), units, lookup).needs_judgement == []
    differing = official_window(units.get("M"), range(2021, 2022), units, lookup)
    assert any("flags in 2021" in en for _, en in differing.needs_judgement)


RULES = load_rule_set("ben-tre-vi-nguoi-ngheo-2021-2025", 4)


def test_predecessors_on_either_side_of_the_baseline_rate_need_a_judgement() -> None:
    """A (10 % at end-2021) and B (2 %) were held to different criteria: which one the
    merged commune answers to is a reviewer's call, not the sum's."""
    window = official_window(registry().get("M"), range(2021, 2026), registry(), lookup, RULES)
    [(vi, en)] = window.needs_judgement
    assert "both end-2021 rate groups: under 5 % (Xã B), 5 % or more (Xã A)" in en
    assert "dưới 5 % (Xã B), từ 5 % trở lên (Xã A)" in vi


def test_a_commune_at_five_percent_or_more_that_became_a_ward_needs_a_judgement() -> None:
    ward = Unit("W", "Phường Mới", UnitKind.WARD, "86", date(2025, 7, 1))
    a = Unit("A", "Xã A", UnitKind.COMMUNE, "83", date(2000, 1, 1), date(2025, 6, 30), ("W",))
    province = Unit("86", "Tỉnh Vĩnh Long", UnitKind.PROVINCE, None, date(2025, 7, 1))
    old = Unit("83", "Tỉnh Bến Tre", UnitKind.PROVINCE, None, date(1976, 1, 1), date(2025, 6, 30))
    units = UnitRegistry([old, province, a, ward])
    window = official_window(ward, range(2021, 2026), units, lookup, RULES)
    assert window.needs_judgement == [
        (
            "Xã A (commune) và Phường Mới (ward) chịu các tiêu chí khác nhau",
            "Xã A (a commune) and Phường Mới (a ward) are held to different criteria",
        )
    ]
    # Under 5 %, a commune and a ward answer to the same criterion: nothing to judge.
    low = Unit("B", "Xã B", UnitKind.COMMUNE, "83", date(2000, 1, 1), date(2025, 6, 30), ("W",))
    units = UnitRegistry([old, province, low, ward])
    assert official_window(ward, range(2021, 2026), units, lookup, RULES).needs_judgement == []
