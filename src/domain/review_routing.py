"""Where a review sends a dossier, and what stops the province forwarding it, as pure
functions over the route, the checks in force and the open visits (docs/spec.md §5)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from domain.criteria.checks import CriterionCheck
from domain.criteria.rules import Outcome
from domain.criteria.ruleset import RuleSet
from domain.dossier import ReviewDecision
from domain.errors import StageTransitionError
from domain.stages import Stage, has_district_review, next_stage, route
from domain.text import bounded_text
from domain.units import Nominee


def next_stage_for(
    nominee: Nominee,
    award_form: str,
    stage: Stage,
    rule_set: RuleSet,
    today: date,
    *,
    notice_days: int,
) -> Stage:
    """The stage after ``stage`` on the form's route as it stands ``today``: the district
    review only while districts exist, the public notice only when it has days."""
    form = rule_set.award_form(award_form)
    stages = route(
        council_level=form.council_level,
        district_review=has_district_review(
            nominee, form.district_review, today, rule_set.district_level_ends_on
        ),
        public_notice=form.public_notice and notice_days > 0,
    )
    return next_stage(stages, stage)


def review_target(decision: str, comment: str, approved_to: Stage) -> tuple[Stage, str]:
    """A review's destination and its comment (required unless it approves): on to
    ``approved_to``, back to collecting, or closed."""
    verdict = ReviewDecision.parse(decision)
    text = bounded_text("comment", comment, required=verdict is not ReviewDecision.APPROVE)
    if verdict is ReviewDecision.APPROVE:
        return approved_to, text
    if verdict is ReviewDecision.RETURN:
        return Stage.COLLECTING, text
    return Stage.CLOSED, text


def require_ready_to_forward(
    open_visits: list[str],
    in_force: Mapping[str, CriterionCheck],
    overrides: Collection[str],
) -> None:
    """The province forwards no dossier with an open visit, a ``not_met`` check without a
    reasoned override, or a check still awaiting judgement or figures."""
    if open_visits:
        raise StageTransitionError(
            f"inspection visit {open_visits[0]} is still open",
            visit_id=open_visits[0],
            outcome="open_visit",
        )
    for cid, check in sorted(in_force.items()):
        if check.outcome is Outcome.NOT_MET and cid not in overrides:
            raise StageTransitionError(
                f"criterion {cid} is not met; override it with a reason to forward",
                criterion_id=cid,
                outcome=check.outcome.value,
            )
        if check.outcome in (Outcome.NEEDS_JUDGEMENT, Outcome.INSUFFICIENT_DATA):
            raise StageTransitionError(
                f"criterion {cid} is {check.outcome.value}; record a judgement first",
                criterion_id=cid,
                outcome=check.outcome.value,
            )
