"""A unit's official figures across reorganisations: for a year before it existed, a merged
unit's figures are the sums of its predecessors' official figures. Nothing is divided by
guesswork: a predecessor that was split, or predecessors with different flags, need a
reviewer's judgement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, Protocol

from domain.statistics import YearStatistics
from domain.units import Unit, UnitKind, UnitRegistry

FiguresOf = Callable[[str, int], YearStatistics | None]
"""The register's own figures of one unit for one year, if it has them."""


@dataclass
class OfficialWindow:
    """The register's figures for a nomination's years, with where each came from."""

    figures: dict[int, YearStatistics] = field(default_factory=dict)
    summed_from: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    """Per summed year, each predecessor's code, name and figures (with their source)."""
    needs_judgement: list[tuple[str, str]] = field(default_factory=list)
    """Why the figures cannot simply be summed, in Vietnamese and in English."""


class BaselineGroups(Protocol):
    """What the rule set says of its baseline-rate groups (``domain.criteria.ruleset``)."""

    baseline_year: int
    high_baseline_rate: Fraction

    def group_criteria(self, kind: UnitKind, high: bool) -> frozenset[str]: ...


def official_window(
    unit: Unit,
    years: range,
    registry: UnitRegistry,
    figures_of: FiguresOf,
    groups: BaselineGroups | None = None,
) -> OfficialWindow:
    """With the rule set's ``groups``, predecessors that the baseline-rate groups or their
    kinds put under other criteria than the merged unit's need a judgement too."""
    window = OfficialWindow()
    _judge_flags(unit, years, registry, window.needs_judgement)
    if groups is not None:
        _judge_groups(unit, registry, figures_of, groups, window.needs_judgement)
    for year in years:
        own = figures_of(unit.code, year)
        if own is not None:
            window.figures[year] = own
            continue
        if unit.valid_from <= date(year, 12, 31):
            continue  # the unit existed: only its own figures count
        summed = _summed(unit, year, registry, figures_of, window.needs_judgement)
        if summed is not None:
            window.figures[year], window.summed_from[year] = summed
    return window


def _judge_flags(
    unit: Unit, years: range, registry: UnitRegistry, reasons: list[tuple[str, str]]
) -> None:
    """The unit's own dated flags decide; a flag that begins or ends inside the evaluated
    years, or predecessors whose flags differ in a year before the unit existed, cannot be
    settled by arithmetic."""
    first, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    for change in unit.flag_changes_within(max(first, unit.valid_from), last):
        until = change.valid_to.isoformat() if change.valid_to else "nay"
        reasons.append(
            (
                f"tiêu chí {change.flag.value} của {unit.name} chỉ áp dụng từ"
                f" {change.valid_from.isoformat()} đến {until}, trong các năm đánh giá",
                f"{unit.name}'s {change.flag.value} flag holds only from"
                f" {change.valid_from.isoformat()} to {change.valid_to or 'now'},"
                " within the evaluated years",
            )
        )
    predecessors = registry.predecessors(unit.code)
    for year in years:
        if not predecessors or unit.valid_from <= date(year, 12, 31):
            continue
        if len({p.flags_for(year) for p in predecessors}) > 1:
            reasons.append(
                (
                    f"các đơn vị hợp nhất thành {unit.name} khác nhau về tiêu chí ven biển,"
                    f" hải đảo trong năm {year}",
                    f"the units merged into {unit.name} differ in their coastal or island"
                    f" flags in {year}",
                )
            )
            return


def _judge_groups(
    unit: Unit,
    registry: UnitRegistry,
    figures_of: FiguresOf,
    groups: BaselineGroups,
    reasons: list[tuple[str, str]],
) -> None:
    """Predecessors on either side of the baseline rate (one under 5 %, one at 5 % or more at
    the end of the baseline year) were held to different criteria, and so was a predecessor
    of another kind whose group's criteria the merged unit's kind does not share (a commune
    at 5 % or more that became a ward): summing their figures would choose by arithmetic
    what is a reviewer's call."""
    year, rate = groups.baseline_year, groups.high_baseline_rate
    sides: dict[bool, list[str]] = {}
    for predecessor in registry.predecessors(unit.code):
        figures = figures_of(predecessor.code, year)
        if figures is None or figures.total_households == 0:
            continue
        high = rate.denominator * figures.poor_households >= rate.numerator * (
            figures.total_households
        )
        sides.setdefault(high, []).append(predecessor.name)
        theirs = groups.group_criteria(predecessor.kind, high)
        if predecessor.kind != unit.kind and theirs != groups.group_criteria(unit.kind, high):
            reasons.append(
                (
                    f"{predecessor.name} ({predecessor.kind.value}) và {unit.name}"
                    f" ({unit.kind.value}) chịu các tiêu chí khác nhau",
                    f"{predecessor.name} (a {predecessor.kind.value}) and {unit.name} (a"
                    f" {unit.kind.value}) are held to different criteria",
                )
            )
    if len(sides) == 2:
        bar = f"{float(rate * 100):g}"
        reasons.append(
            (
                f"các đơn vị hợp nhất thành {unit.name} thuộc hai nhóm tỷ lệ hộ nghèo cuối năm"
                f" {year}: dưới {bar} % ({', '.join(sides[False])}), từ {bar} % trở lên"
                f" ({', '.join(sides[True])})",
                f"the units merged into {unit.name} fell in both end-{year} rate groups: under"
                f" {bar} % ({', '.join(sides[False])}), {bar} % or more"
                f" ({', '.join(sides[True])})",
            )
        )


def _summed(
    unit: Unit,
    year: int,
    registry: UnitRegistry,
    figures_of: FiguresOf,
    reasons: list[tuple[str, str]],
) -> tuple[YearStatistics, list[dict[str, Any]]] | None:
    """The sum of the predecessors' figures for a year, or None when one is missing."""
    predecessors = registry.predecessors(unit.code)
    if not predecessors:
        return None
    parts: list[tuple[Unit, YearStatistics]] = []
    for predecessor in predecessors:
        if registry.was_split(predecessor.code):
            names = ", ".join(s.name for s in registry.successors(predecessor.code))
            reason = (
                f"{predecessor.name} được chia cho {names}: không thể chia số liệu năm {year}",
                f"{predecessor.name} was split between {names}: its {year} figures cannot"
                " be divided",
            )
            if reason not in reasons:
                reasons.append(reason)
            return None
        figures = figures_of(predecessor.code, year)
        if figures is None and predecessor.valid_from > date(year, 12, 31):
            deeper = _summed(predecessor, year, registry, figures_of, reasons)
            figures = deeper[0] if deeper else None
        if figures is None:
            return None
        parts.append((predecessor, figures))
    nears = [f.near_poor_households for _, f in parts]
    total = YearStatistics(
        sum(f.total_households for _, f in parts),
        sum(f.poor_households for _, f in parts),
        sum(n for n in nears if n is not None) if all(n is not None for n in nears) else None,
    )
    provenance = [
        {"unit_code": p.code, "name": p.name, **figures.to_dict()} for p, figures in parts
    ]
    return total, provenance
