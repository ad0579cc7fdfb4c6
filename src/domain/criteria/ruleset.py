"""Rule sets are versioned data files; every check records their id, version and digest."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from fractions import Fraction
from functools import partial
from typing import Any

from domain.criteria.awards import AppliesTo, Combinations, Plan, PrizeTable
from domain.criteria.checks import RuleSetRef
from domain.criteria.rules import (
    Basis,
    Explanation,
    Outcome,
    PublishedRates,
    RateBasis,
    RuleOutcome,
    YearRule,
    ZeroPoorPolicy,
    fraction_text,
    reduces_poor_households_by_a_fifth,
    reduces_rate_by_two_points,
    twice,
)
from domain.criteria.schema import (
    AwardForm,
    CriterionResult,
    CriterionSpec,
    CycleDefaults,
    Deadlines,
    Reorganisation,
    VotingRule,
    criterion_spec,
)
from domain.errors import InvalidInput, StageTransitionError
from domain.statistics import YearStatistics
from domain.units import COMMUNE_LEVEL, Nominee, UnitKind


class RuleSet:
    def __init__(self, raw: dict[str, Any], digest: str) -> None:
        self.raw = raw
        self.ref = RuleSetRef(str(raw["id"]), int(raw["version"]), digest)
        self.title = Explanation(raw["title"]["vi"], raw["title"]["en"])
        self.baseline_year = int(raw["baseline_year"])
        evaluation = raw["evaluation"]
        self.first_year = int(evaluation["first_year"])
        self.last_year = int(evaluation["last_year"])
        self.any_consecutive_years = bool(evaluation.get("any_consecutive_years", False))
        thresholds = raw["thresholds"]
        self.relative_reduction = Fraction(thresholds["relative_reduction"])
        self.rate_reduction_points = Fraction(thresholds["rate_reduction_points"])
        self.high_baseline_rate = Fraction(thresholds["high_baseline_rate"])
        self.coastal_rate_basis = RateBasis(raw.get("coastal_rate_basis", "poor"))
        self.zero_poor_policy = ZeroPoorPolicy(raw.get("zero_poor_policy", "needs_judgement"))
        self.district_level_ends_on = date.fromisoformat(raw["district_level_ends_on"])
        self.reorganisations = tuple(
            sorted(
                (Reorganisation.from_dict(r) for r in raw.get("reorganisations", ())),
                key=lambda r: r.on,
            )
        )
        self.criteria = {cid: criterion_spec(cid, spec) for cid, spec in raw["criteria"].items()}
        voting = {name: VotingRule.from_dict(v) for name, v in raw["voting_rules"].items()}
        self.award_forms = {
            fid: AwardForm(
                fid,
                Explanation(f["name"]["vi"], f["name"]["en"]),
                f["council_level"],
                bool(f["district_review"]),
                bool(f["public_notice"]),
                int(f["public_notice_working_days"]),
                voting[f["voting"]],
                AppliesTo.from_dict(f["applies_to"]) if "applies_to" in f else None,
            )
            for fid, f in raw["award_forms"].items()
        }
        # Schema v4 (docs/spec.md §5, §12): absent from v1–v3, which read as before.
        combinations = raw.get("combinations")
        self.combinations = Combinations.from_dict(combinations) if combinations else None
        self.prizes = PrizeTable.from_dict(raw["prizes"]) if "prizes" in raw else None
        self.plans = tuple(Plan.from_dict(p) for p in raw.get("movement", {}).get("plans", ()))
        rates = raw.get("rates")
        self.published_rates = (
            PublishedRates(int(rates["published_decimals"]), rates["governing"] == "published")
            if rates
            else None
        )
        if rates and rates["governing"] not in ("exact_counts", "published"):
            raise ValueError("rates.governing must be 'exact_counts' or 'published'")
        d = raw["deadlines"]
        self.deadlines = Deadlines(
            tuple(int(x) for x in d["collecting_reminders_working_days_before"]),
            int(d["returned_dossier_working_days"]),
            int(d["district_review_working_days"]),
            int(d["district_review_reminder_working_days_before"]),
            int(d["province_review_working_days"]),
            int(d["province_review_reminder_working_days_before"]),
            int(d["inspection_working_days"]),
            int(d["inspection_reminder_every_working_days"]),
            int(d["inspection_escalate_after_working_days"]),
        )
        self.cycles = {
            int(year): CycleDefaults(
                int(year),
                c["kind"],
                date.fromisoformat(c["closes_on"]),
                (int(c["evaluation_years"][0]), int(c["evaluation_years"][1])),
            )
            for year, c in raw["cycles"].items()
        }

    @classmethod
    def from_bytes(cls, data: bytes) -> RuleSet:
        """Parses a rule-set file; the digest is the SHA-256 of its exact bytes."""
        try:
            raw = json.loads(data.decode("utf-8"))
            return cls(raw, hashlib.sha256(data).hexdigest())
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidInput("rule_set", f"is not a valid rule-set file: {error}") from None

    # --- reorganisations ----------------------------------------------------------------

    def cut_over_of(self, stage: str, on: date) -> Reorganisation | None:
        """The reorganisation in force on ``on`` that ended ``stage``, if any."""
        for reorganisation in reversed(self.reorganisations):
            if reorganisation.on <= on and stage in reorganisation.stages_end:
                return reorganisation
        return None

    def next_cut_over(self, stage: str, after: date) -> Reorganisation | None:
        """The first reorganisation after ``after`` that ends ``stage``."""
        return next(
            (r for r in self.reorganisations if r.on > after and stage in r.stages_end), None
        )

    def authority_on(self, day: date) -> Explanation | None:
        """Who decides the province's awards on ``day``, when the rule set says."""
        found = None
        for reorganisation in self.reorganisations:
            if reorganisation.authority_before is not None and found is None:
                found = reorganisation.authority_before
            if reorganisation.on <= day:
                found = reorganisation.authority_after
        return found

    def form_ended_by(self, form_id: str, on: date) -> Reorganisation | None:
        """The reorganisation in force on ``on`` that ended ``form_id``, if any."""
        return next(
            (r for r in self.reorganisations if r.on <= on and form_id in r.forms_end), None
        )

    def require_form_in_force(self, form_id: str, on: date) -> None:
        """Refuses a form a reorganisation ended on or before ``on``, or one that begins
        after it, citing the reorganisation's legal basis."""
        for reorganisation in self.reorganisations:
            when = reorganisation.on.isoformat()
            if form_id in reorganisation.forms_end and reorganisation.on <= on:
                raise StageTransitionError(
                    f"{form_id} ended on {when} ({reorganisation.legal_basis.en})",
                    award_form=form_id,
                )
            if form_id in reorganisation.forms_begin and on < reorganisation.on:
                raise StageTransitionError(
                    f"{form_id} begins on {when} ({reorganisation.legal_basis.en})",
                    award_form=form_id,
                )

    # --- award forms and windows ---------------------------------------------------

    def award_form(self, form_id: str) -> AwardForm:
        try:
            return self.award_forms[form_id]
        except KeyError:
            allowed = ", ".join(sorted(self.award_forms))
            raise InvalidInput("award_form", f"must be one of {allowed}") from None

    def form_name(self, form_id: str) -> str:
        """A form's Vietnamese name, or its id where this version does not know the form (a
        record made under another version): for reads, which never refuse what is recorded."""
        form = self.award_forms.get(form_id)
        return form.name.vi if form else form_id

    def check_evaluation_years(self, years: tuple[int, int], cycle_year: int) -> None:
        first, second = years
        if second != first + 1:
            raise InvalidInput("evaluation_years", "must be two consecutive years")
        if first < self.first_year or second > self.last_year:
            raise InvalidInput(
                "evaluation_years", f"must lie within {self.first_year}–{self.last_year}"
            )
        if second > cycle_year:
            raise InvalidInput("evaluation_years", f"cannot end after the cycle {cycle_year}")
        if not self.any_consecutive_years and years != (cycle_year - 1, cycle_year):
            raise InvalidInput(
                "evaluation_years",
                f"this rule set evaluates {cycle_year - 1}–{cycle_year} for cycle {cycle_year}",
            )

    # --- criteria ------------------------------------------------------------------

    def group_criteria(self, kind: UnitKind, high: bool) -> frozenset[str]:
        """The criteria of a baseline-rate group (``high``: at or above the baseline rate)
        for a unit of ``kind`` without flags."""
        group = "at_or_above_high" if high else "below_high"
        return frozenset(
            c.id
            for c in self.criteria.values()
            if kind in c.kinds and not c.flags_any and c.baseline_rate in (None, group)
        )

    def criteria_for(self, nominee: Nominee) -> list[CriterionSpec]:
        """Criteria whose kind and flags fit; baseline rates are settled in ``evaluate``."""
        return [
            c
            for c in self.criteria.values()
            if nominee.kind in c.kinds
            and (not c.flags_any or any(f.value in c.flags_any for f in nominee.flags))
        ]

    def evaluate(
        self,
        nominee: Nominee,
        years: tuple[int, int],
        statistics: dict[int, YearStatistics],
        basis: Basis = Basis.DECLARED,
    ) -> list[CriterionResult]:
        """Every applicable criterion's outcome; judged criteria await a reviewer."""
        del basis  # the basis labels the inputs; the arithmetic is the same
        candidates = self.criteria_for(nominee)
        coastal = [c for c in candidates if c.flags_any]
        if nominee.kind in COMMUNE_LEVEL:
            # Coastal and island communes take precedence over the baseline-rate groups.
            if coastal:
                candidates = coastal
            else:
                chosen = self._by_baseline(nominee, candidates, statistics)
                if isinstance(chosen, CriterionResult):
                    return [chosen]
                candidates = chosen
        results = [self._evaluate_one(c, years, statistics) for c in candidates]
        if not results:
            return [self._unclassified(nominee)]
        return results

    def _by_baseline(
        self,
        nominee: Nominee,
        candidates: list[CriterionSpec],
        statistics: dict[int, YearStatistics],
    ) -> list[CriterionSpec] | CriterionResult:
        baseline = statistics.get(self.baseline_year)
        if baseline is None:
            return CriterionResult(
                "baseline-classification",
                "automatic",
                RuleOutcome(
                    Outcome.INSUFFICIENT_DATA,
                    (),
                    f"P[{self.baseline_year}]/H[{self.baseline_year}] vs "
                    f"{fraction_text(self.high_baseline_rate)}",
                    Explanation(
                        f"Chưa có số liệu cuối năm {self.baseline_year} nên chưa xác định được "
                        "nhóm tiêu chí theo tỷ lệ hộ nghèo.",
                        f"No end-{self.baseline_year} figures yet, so the baseline-rate group "
                        "cannot be decided.",
                    ),
                ),
            )
        rate = self.high_baseline_rate
        high = rate.denominator * baseline.poor_households >= rate.numerator * (
            baseline.total_households
        )
        group = "at_or_above_high" if high else "below_high"
        return [c for c in candidates if c.baseline_rate in (None, group)]

    def _unclassified(self, nominee: Nominee) -> CriterionResult:
        return CriterionResult(
            "no-applicable-criterion",
            "judged",
            RuleOutcome(
                Outcome.NEEDS_JUDGEMENT,
                (),
                "—",
                Explanation(
                    f"Không có tiêu chí nào của bộ tiêu chí áp dụng cho đơn vị loại "
                    f"{nominee.kind.value} này; cần thẩm định.",
                    f"No criterion of this rule set applies to a {nominee.kind.value} like this "
                    "one; a reviewer must judge.",
                ),
            ),
        )

    def _evaluate_one(
        self, spec: CriterionSpec, years: tuple[int, int], statistics: dict[int, YearStatistics]
    ) -> CriterionResult:
        if not spec.is_automatic:
            return CriterionResult(
                spec.id,
                spec.kind,
                RuleOutcome(
                    Outcome.NEEDS_JUDGEMENT,
                    (),
                    "judged",
                    Explanation(
                        f"{spec.title.vi}: tiêu chí định tính, cần người thẩm định đánh giá.",
                        f"{spec.title.en}: a qualitative criterion that a reviewer must judge.",
                    ),
                ),
            )
        rule, threshold = self._rule(spec)
        return CriterionResult(
            spec.id, spec.kind, twice(rule, years, statistics, threshold, spec.title)
        )

    def _rule(self, spec: CriterionSpec) -> tuple[YearRule, str]:
        if spec.rule == "rel20":
            share = self.relative_reduction
            rel20: YearRule = partial(
                reduces_poor_households_by_a_fifth, share=share, zero_policy=self.zero_poor_policy
            )
            return rel20, (
                f"P[y-1] > 0 and {share.denominator}·(P[y-1] − P[y]) ≥ {share.numerator}·P[y-1]"
            )
        if spec.rule == "pp2":
            points = self.rate_reduction_points
            basis = RateBasis.POOR
            if spec.rate_basis_setting == "coastal_rate_basis":
                basis = self.coastal_rate_basis
            pp2: YearRule = partial(
                reduces_rate_by_two_points,
                points=points,
                basis=basis,
                zero_policy=self.zero_poor_policy,
                published=self.published_rates,
            )
            p = "(P+N)" if basis is RateBasis.POOR_AND_NEAR_POOR else "P"
            return pp2, (
                f"{points.denominator}·({p}[y-1]·H[y] − {p}[y]·H[y-1]) ≥ "
                f"{points.numerator}·H[y-1]·H[y]"
            )
        raise ValueError(f"unknown rule {spec.rule!r} in criterion {spec.id}")
