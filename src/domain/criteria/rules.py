"""Pure criterion rules with exact integer arithmetic.

Each rule judges one year against the year before; ``twice`` asks it of both years of the
evaluation window. No clock, no I/O, no floats.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from domain.statistics import YearStatistics


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    INSUFFICIENT_DATA = "insufficient_data"
    NEEDS_JUDGEMENT = "needs_judgement"


class Basis(StrEnum):
    DECLARED = "declared"  # by the unit's officer, not (yet) official
    OFFICIAL = "official"  # from the register of the yearly poverty review
    INSPECTION_VERIFIED = "inspection_verified"


class ZeroPoorPolicy(StrEnum):
    """What a year that starts with no poor households means: a fall is undefined."""

    NEEDS_JUDGEMENT = "needs_judgement"
    KEPT_AT_ZERO_IS_MET = "kept_at_zero_is_met"


class RateBasis(StrEnum):
    POOR = "poor"
    POOR_AND_NEAR_POOR = "poor_and_near_poor"


def percent(value: Fraction) -> str:
    """A fraction as a percentage with two decimals, rounded half up, e.g. ``4.26``."""
    scaled = value * 100
    hundredths = (scaled.numerator * 100 * 2 + scaled.denominator) // (2 * scaled.denominator)
    sign = "-" if hundredths < 0 else ""
    whole, frac = divmod(abs(hundredths), 100)
    return f"{sign}{whole}.{frac:02d}"


def percent_vi(value: Fraction) -> str:
    return percent(value).replace(".", ",")


def _floored(value: Fraction, decimals: int) -> Fraction:
    scale = 10**decimals
    return Fraction(math.floor(value * 100 * scale), scale)


def _shown(value: Fraction, decimals: int) -> str:
    sign = "-" if value < 0 else ""
    scale = 10**decimals
    whole, frac = divmod(abs(value.numerator * scale // value.denominator), scale)
    return f"{sign}{whole}.{frac:0{decimals}d}"


def agreeing_percents(value: Fraction, threshold: Fraction, holds: bool) -> tuple[str, str]:
    """``value`` and ``threshold`` as percentages with as many decimals (two at least) as it
    takes for the words to agree with the outcome: a 19.996 % cut that misses 20 % reads
    19.99 %, never 20.00 %. Both are cut toward minus infinity, never rounded up."""
    for decimals in range(2, 16):
        shown, bar = _floored(value, decimals), _floored(threshold, decimals)
        if (shown >= bar) == holds:
            return _shown(shown, decimals), _shown(bar, decimals)
    return fraction_text(value * 100), fraction_text(threshold * 100)  # pragma: no cover


def _vi(number: str) -> str:
    return number.replace(".", ",")


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


@dataclass(frozen=True)
class YearEvaluation:
    """One year's judgement, with the exact figures it used."""

    year: int
    outcome: Outcome
    values: dict[str, Any]
    vi: str
    en: str


@dataclass(frozen=True)
class Explanation:
    vi: str
    en: str


@dataclass(frozen=True)
class RuleOutcome:
    """The result of a rule over the evaluation window, before it is stamped as a check."""

    outcome: Outcome
    years: tuple[YearEvaluation, ...]
    threshold: str
    explanation: Explanation
    inputs: dict[str, Any] = field(default_factory=dict)


def _missing(year: int, which: int) -> YearEvaluation:
    return YearEvaluation(
        year,
        Outcome.INSUFFICIENT_DATA,
        {"missing_year": which},
        f"Năm {year}: chưa có số liệu chính thức của năm {which}.",
        f"{year}: no official figures for {which} yet.",
    )


def _zero_start(year: int, current_poor: int, policy: ZeroPoorPolicy) -> YearEvaluation:
    values: dict[str, Any] = {"previous_poor": 0, "poor": current_poor}
    if current_poor > 0:
        return YearEvaluation(
            year,
            Outcome.NOT_MET,
            values,
            f"Năm {year}: số hộ nghèo tăng từ 0 lên {current_poor}.",
            f"{year}: poor households rose from 0 to {current_poor}.",
        )
    if policy is ZeroPoorPolicy.KEPT_AT_ZERO_IS_MET:
        return YearEvaluation(
            year,
            Outcome.MET,
            values,
            f"Năm {year}: không còn hộ nghèo và giữ ở mức 0; bộ tiêu chí tính là đạt.",
            f"{year}: no poor households, kept at zero; the rule set counts this as met.",
        )
    return YearEvaluation(
        year,
        Outcome.NEEDS_JUDGEMENT,
        values,
        f"Năm {year}: đầu năm không có hộ nghèo nên mức giảm không xác định; cần thẩm định.",
        f"{year}: no poor households at the start, so a reduction is undefined; needs judgement.",
    )


def reduces_poor_households_by_a_fifth(
    year: int,
    previous: YearStatistics | None,
    current: YearStatistics | None,
    *,
    share: Fraction = Fraction(1, 5),
    zero_policy: ZeroPoorPolicy = ZeroPoorPolicy.NEEDS_JUDGEMENT,
) -> YearEvaluation:
    """rel20: ``P[y-1] > 0 and den·(P[y-1] − P[y]) ≥ num·P[y-1]`` for ``share = num/den``."""
    if previous is None:
        return _missing(year, year - 1)
    if current is None:
        return _missing(year, year)
    before, after = previous.poor_households, current.poor_households
    if before == 0:
        return _zero_start(year, after, zero_policy)
    fell = before - after
    holds = share.denominator * fell >= share.numerator * before
    achieved = Fraction(fell, before)
    shown, bar = agreeing_percents(achieved, share, holds)
    values = {
        "previous_poor": before,
        "poor": after,
        "reduction": fell,
        "reduction_share": fraction_text(achieved),
        "reduction_percent": shown,
    }
    verdict_vi = "đạt" if holds else "không đạt"
    verdict_en = "meets" if holds else "misses"
    return YearEvaluation(
        year,
        Outcome.MET if holds else Outcome.NOT_MET,
        values,
        f"Năm {year}: số hộ nghèo từ {before} còn {after} (giảm {fell} hộ, "
        f"{_vi(shown)} %), {verdict_vi} mức giảm từ {_vi(bar)} % trở lên.",
        f"{year}: poor households went from {before} to {after} ({fell} fewer, "
        f"{shown} %), which {verdict_en} the reduction of {bar} % or more.",
    )


def _poor(stats: YearStatistics, basis: RateBasis) -> int | None:
    if basis is RateBasis.POOR:
        return stats.poor_households
    if stats.near_poor_households is None:
        return None
    return stats.poor_households + stats.near_poor_households


def reduces_rate_by_two_points(
    year: int,
    previous: YearStatistics | None,
    current: YearStatistics | None,
    *,
    points: Fraction = Fraction(2, 100),
    basis: RateBasis = RateBasis.POOR,
    zero_policy: ZeroPoorPolicy = ZeroPoorPolicy.NEEDS_JUDGEMENT,
    published: PublishedRates | None = None,
) -> YearEvaluation:
    """pp2: ``den·(P[y-1]·H[y] − P[y]·H[y-1]) ≥ num·H[y-1]·H[y]`` for ``points = num/den``.

    With ``published``, the rates as decisions print them (rounded half up) are judged too;
    the one the rule set says governs decides, and a disagreement is explained."""
    if previous is None:
        return _missing(year, year - 1)
    if current is None:
        return _missing(year, year)
    before, after = _poor(previous, basis), _poor(current, basis)
    if before is None or after is None:
        which = year - 1 if before is None else year
        return YearEvaluation(
            year,
            Outcome.INSUFFICIENT_DATA,
            {"missing": "near_poor_households", "missing_year": which},
            f"Năm {year}: thiếu số hộ cận nghèo năm {which}, cần cho cách tính tỷ lệ đã chọn.",
            f"{year}: near-poor households for {which} are missing; the rate basis needs them.",
        )
    if before == 0:
        return _zero_start(year, after, zero_policy)
    h_before, h_after = previous.total_households, current.total_households
    holds = points.denominator * (before * h_after - after * h_before) >= (
        points.numerator * h_before * h_after
    )
    rate_before, rate_after = Fraction(before, h_before), Fraction(after, h_after)
    drop = rate_before - rate_after
    shown, bar = agreeing_percents(drop, points, holds)
    values = {
        "previous_rate": fraction_text(rate_before),
        "rate": fraction_text(rate_after),
        "previous_rate_percent": percent(rate_before),
        "rate_percent": percent(rate_after),
        "rate_drop": fraction_text(drop),
        "rate_drop_points": shown,
        "previous_poor": before,
        "poor": after,
        "previous_total": h_before,
        "total": h_after,
    }
    verdict_vi = "đạt" if holds else "không đạt"
    verdict_en = "meets" if holds else "misses"
    vi = (
        f"Năm {year}: tỷ lệ hộ nghèo từ {percent_vi(rate_before)} % còn "
        f"{percent_vi(rate_after)} % (giảm {_vi(shown)} điểm %), {verdict_vi} mức giảm "
        f"từ {_vi(bar)} điểm % trở lên."
    )
    en = (
        f"{year}: the poverty rate went from {percent(rate_before)} % to {percent(rate_after)} % "
        f"(down {shown} points), which {verdict_en} the reduction of "
        f"{bar} points or more."
    )
    if published is not None:
        printed = published.judge(rate_before, rate_after, points)
        values.update(printed.values)
        if printed.holds != holds:
            vi, en = published.explain(vi, en, printed, holds)
            if published.governs:
                holds = printed.holds
    return YearEvaluation(year, Outcome.MET if holds else Outcome.NOT_MET, values, vi, en)


@dataclass(frozen=True)
class PrintedJudgement:
    holds: bool
    before: Fraction
    after: Fraction
    values: dict[str, Any]


@dataclass(frozen=True)
class PublishedRates:
    """Rates as official decisions print them, to ``decimals`` places rounded half up, and
    whether they govern (``governs``) or the exact household counts do (rule set v4)."""

    decimals: int
    governs: bool

    def printed(self, rate: Fraction) -> Fraction:
        scale = 100 * 10**self.decimals
        return Fraction(math.floor(rate * scale + Fraction(1, 2)), scale)

    def text(self, rate: Fraction) -> str:
        return f"{float(rate * 100):.{self.decimals}f}"

    def judge(self, before: Fraction, after: Fraction, points: Fraction) -> PrintedJudgement:
        b, a = self.printed(before), self.printed(after)
        holds = b - a >= points
        values = {
            "published_previous_rate_percent": self.text(b),
            "published_rate_percent": self.text(a),
            "published_outcome": "met" if holds else "not_met",
            "governing_rates": "published" if self.governs else "exact_counts",
        }
        return PrintedJudgement(holds, b, a, values)

    def explain(self, vi: str, en: str, printed: PrintedJudgement, exact: bool) -> tuple[str, str]:
        """Both readings, and which one decides, when they disagree."""
        b, a = self.text(printed.before), self.text(printed.after)
        says_vi = "đạt" if printed.holds else "không đạt"
        says_en = "meets" if printed.holds else "misses"
        rule_vi = "tỷ lệ công bố" if self.governs else "số hộ (tỷ lệ chính xác)"
        rule_en = "the published rates" if self.governs else "the exact household counts"
        outcome = printed.holds if self.governs else exact
        return (
            f"{vi} Theo tỷ lệ công bố ({b.replace('.', ',')} % → {a.replace('.', ',')} %) thì"
            f" {says_vi}; bộ quy tắc xét theo {rule_vi}, nên kết quả là"
            f" {'đạt' if outcome else 'không đạt'}.",
            f"{en} On the published rates ({b} % → {a} %) it {says_en}; the rule set judges on"
            f" {rule_en}, so the outcome is {'met' if outcome else 'not met'}.",
        )


YearRule = Callable[[int, YearStatistics | None, YearStatistics | None], YearEvaluation]

_PRECEDENCE = (
    Outcome.INSUFFICIENT_DATA,
    Outcome.NOT_MET,
    Outcome.NEEDS_JUDGEMENT,
    Outcome.MET,
)


def combine(outcomes: Sequence[Outcome]) -> Outcome:
    """Missing figures come first (nothing can be concluded), then any failure."""
    for outcome in _PRECEDENCE:
        if outcome in outcomes:
            return outcome
    return Outcome.INSUFFICIENT_DATA


def twice(
    rule: YearRule,
    years: Sequence[int],
    statistics: dict[int, YearStatistics],
    threshold: str,
    title: Explanation,
) -> RuleOutcome:
    """The rule must hold in each of the (two consecutive) years of the window."""
    evaluations = tuple(rule(y, statistics.get(y - 1), statistics.get(y)) for y in years)
    outcome = combine([e.outcome for e in evaluations])
    summary = _SUMMARIES[outcome]
    used = sorted({y for e in years for y in (e - 1, e) if y in statistics})
    return RuleOutcome(
        outcome,
        evaluations,
        threshold,
        Explanation(
            " ".join([f"{title.vi}: {summary.vi}", *(e.vi for e in evaluations)]),
            " ".join([f"{title.en}: {summary.en}", *(e.en for e in evaluations)]),
        ),
        {str(y): statistics[y].to_dict() for y in used},
    )


_SUMMARIES = {
    Outcome.MET: Explanation("đạt trong cả hai năm.", "met in both years."),
    Outcome.NOT_MET: Explanation("không đạt.", "not met."),
    Outcome.INSUFFICIENT_DATA: Explanation(
        "chưa đủ số liệu để kết luận.", "not enough official figures to conclude."
    ),
    Outcome.NEEDS_JUDGEMENT: Explanation("cần thẩm định.", "needs a reviewer's judgement."),
}
