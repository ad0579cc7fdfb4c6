"""Judging a dossier's criteria, as pure functions over its checks and figures: which check
is in force, what a recorded check holds, a reviewer's judgement, and what stops a
submission. The Nomination records what they decide (docs/spec.md §4)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from domain.context import CommandContext
from domain.criteria.checks import CriterionCheck, RuleSetRef
from domain.criteria.rules import Basis, Explanation, Outcome, RuleOutcome
from domain.criteria.schema import CriterionResult
from domain.errors import InvalidInput
from domain.text import bounded_text


def for_judgement(result: CriterionResult, reasons: list[tuple[str, str]]) -> CriterionResult:
    """An automatic result that a reviewer must judge instead, saying why; one that awaits a
    judgement already (no criterion fits) says why too."""
    vi, en = "; ".join(r[0] for r in reasons), "; ".join(r[1] for r in reasons)
    if result.kind != "automatic":
        if result.outcome.outcome is not Outcome.NEEDS_JUDGEMENT:
            return result
        said = result.outcome.explanation
        explanation = Explanation(f"{said.vi} Cũng cần xét: {vi}.", f"{said.en} Also: {en}.")
        return replace(result, outcome=replace(result.outcome, explanation=explanation))
    explanation = Explanation(f"Cần thẩm định: {vi}.", f"Needs judgement: {en}.")
    outcome = replace(result.outcome, outcome=Outcome.NEEDS_JUDGEMENT, explanation=explanation)
    return replace(result, outcome=outcome)


def weight(check: Mapping[str, Any]) -> int:
    """Judged checks and checks on verified figures outrank checks on declared figures."""
    return 1 if check["kind"] == "judged" or check["basis"] != Basis.DECLARED else 0


def checks_in_force(checks: Iterable[Mapping[str, Any]]) -> dict[str, CriterionCheck]:
    """Per criterion, the check in force: the latest judged or verified one, which no later
    check on declared figures displaces; else the latest declared one."""
    in_force: dict[str, Mapping[str, Any]] = {}
    for check in checks:
        current = in_force.get(check["criterion_id"])
        if current is None or weight(check) >= weight(current):
            in_force[check["criterion_id"]] = check
    return {cid: CriterionCheck.from_dict(dict(c)) for cid, c in in_force.items()}


def with_provenance(inputs: Mapping[str, Any], summed_from: Mapping[str, Any]) -> dict[str, Any]:
    """A check's inputs, each summed year naming the units it was summed from."""
    return {
        year: {**figures, "summed_from": summed_from[year]}
        if year in summed_from and isinstance(figures, dict)
        else figures
        for year, figures in inputs.items()
    }


def recorded_check(
    result: CriterionResult,
    basis: Basis,
    rule_set: RuleSetRef,
    summed_from: Mapping[str, Any],
    ctx: CommandContext,
    *,
    justification: str | None = None,
    evidence: tuple[str, ...] = (),
) -> dict[str, Any]:
    """What a check records: the result, its inputs with their provenance, the rule set,
    and who checked (the system, or the reviewer who judged)."""
    rule = result.outcome
    return CriterionCheck(
        criterion_id=result.criterion_id,
        kind=result.kind,
        outcome=rule.outcome,
        basis=basis,
        rule_set=rule_set,
        inputs=with_provenance(rule.inputs, summed_from),
        values={str(e.year): {"outcome": e.outcome.value, **e.values} for e in rule.years},
        threshold=rule.threshold,
        explanation=rule.explanation,
        checked_by=ctx.actor.account_id if justification is not None else "system",
        checked_at=(ctx.at or ctx.today).isoformat(),
        justification=justification,
        evidence=evidence,
    ).to_dict()


def judgement(
    criterion_id: str,
    outcome: Outcome,
    justification: str,
    *,
    judged_ids: set[str],
    current: CriterionCheck | None,
    title: Explanation | None,
) -> tuple[CriterionResult, str]:
    """A reviewer's judgement on a qualitative criterion, or on an automatic one that
    awaits judgement, with its reason; refused naming the field otherwise."""
    if criterion_id not in judged_ids and (
        current is None or current.outcome is not Outcome.NEEDS_JUDGEMENT
    ):
        raise InvalidInput(
            "criterion_id",
            f"{criterion_id} is neither a judged criterion for this unit nor a check that"
            " awaits judgement",
        )
    if outcome is Outcome.NEEDS_JUDGEMENT:
        raise InvalidInput("outcome", "a judgement must decide: met, not_met or insufficient_data")
    reason = bounded_text("justification", justification)
    explanation = Explanation(
        f"{title.vi + ': ' if title else ''}đánh giá của người thẩm định — {reason}",
        f"{title.en + ': ' if title else ''}reviewer's judgement — {reason}",
    )
    result = CriterionResult(
        criterion_id, "judged", RuleOutcome(outcome, (), "judged", explanation)
    )
    return result, reason


def require_figures_for_every_year(results: Iterable[CriterionResult]) -> None:
    """Submission waits for official figures where a check lacks a year's."""
    results = list(results)
    missing = [r.criterion_id for r in results if r.outcome.outcome is Outcome.INSUFFICIENT_DATA]
    if missing:
        details = "; ".join(r.outcome.explanation.en for r in results if r.criterion_id in missing)
        raise InvalidInput(
            "statistics", f"official figures are missing for {', '.join(missing)}: {details}"
        )
