"""Reviewing a dossier: the district's and the province's decisions, a reviewer's judgement
on a criterion, a reasoned override, and the hand-over when a reorganisation ends a stage
(docs/spec.md §3, §5). Their events stay on the
Nomination, whose stored topics they are."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from domain.access import require_grant
from domain.chain import ChainedAggregate
from domain.context import Role, current_context
from domain.criteria.rules import Basis, Outcome
from domain.criteria.ruleset import RuleSet
from domain.deadlines import DueDates
from domain.dossier import ReviewDecision
from domain.errors import AlreadyExists, InvalidInput
from domain.judging import judgement
from domain.nomination_checks import CheckRecording
from domain.review_routing import next_stage_for, require_ready_to_forward, review_target
from domain.stages import Command, Stage
from domain.text import bounded_text


class ReviewCompleted(ChainedAggregate.Event):
    """A review's decision. Each review's own class is what is stored, under the Nomination."""

    decision: str
    comment: str
    to_stage: str
    due_on: date | None
    review: ClassVar[Stage]

    def apply(self, aggregate: Any) -> None:
        super().apply(aggregate)
        aggregate.keep_review(self.review, self)


class ReviewSteps(CheckRecording):
    """Mixed into the Nomination: its reviews."""

    evidence: dict[str, dict[str, Any]]
    overrides: dict[str, dict[str, Any]]

    award_form: str

    if TYPE_CHECKING:  # the Nomination's

        def _stage_cut_over(
            self, from_stage: str, to_stage: str, on: date, legal_basis: str, due_on: date | None
        ) -> None: ...

        def _check_overridden(self, criterion_id: str, reason: str) -> None: ...

        def _district_review_completed(
            self, decision: str, comment: str, to_stage: str, due_on: date | None
        ) -> None: ...

        def _province_review_completed(
            self, decision: str, comment: str, to_stage: str, due_on: date | None
        ) -> None: ...

    def record_judged_check(
        self,
        criterion_id: str,
        outcome: Outcome,
        justification: str,
        evidence: tuple[str, ...],
        rule_set: RuleSet,
        basis: Basis = Basis.DECLARED,
    ) -> None:
        """A reviewer's judgement on a qualitative criterion or an undecidable automatic one."""
        self._require_stage(Command.RECORD_JUDGED_CHECK)
        self._require_reviewer_of_stage("record a judged criterion check")
        self._require_rule_set(rule_set)
        spec = rule_set.criteria.get(criterion_id)
        result, reason = judgement(
            criterion_id,
            outcome,
            justification,
            judged_ids={c.id for c in rule_set.criteria_for(self.unit) if not c.is_automatic},
            current=self.effective_checks().get(criterion_id),
            title=spec.title if spec else None,
        )
        unknown = [e for e in evidence if e not in self.evidence]
        if unknown:
            raise InvalidInput("evidence", f"{unknown[0]} is not attached to this nomination")
        self._check(result, basis, rule_set, justification=reason, evidence=tuple(evidence))

    def override_check(self, criterion_id: str, reason: str) -> None:
        """Province review forwards despite a ``not_met`` check, with its reason recorded."""
        self._require_stage(Command.OVERRIDE_CHECK)
        self._require_province_reviewer("override a criterion check")
        current = self.effective_checks().get(criterion_id)
        if current is None or current.outcome is not Outcome.NOT_MET:
            raise InvalidInput("criterion_id", f"{criterion_id} has no not_met check to override")
        if criterion_id in self.overrides:
            raise AlreadyExists(f"{criterion_id} is already overridden", criterion_id=criterion_id)
        self._check_overridden(criterion_id=criterion_id, reason=bounded_text("reason", reason))

    def complete_district_review(
        self, decision: str, comment: str, rule_set: RuleSet, due: DueDates
    ) -> None:
        self._require_stage(Command.DISTRICT_REVIEW)
        self._require_district_reviewer("complete the district review")
        to, text = self._review_target(decision, comment, rule_set, due)
        self._district_review_completed(
            decision=decision, comment=text, to_stage=to.value, due_on=due.for_stage(to)
        )

    def complete_province_review(
        self, decision: str, comment: str, rule_set: RuleSet, due: DueDates
    ) -> None:
        self._require_stage(Command.PROVINCE_REVIEW)
        self._require_province_reviewer("complete the province review")
        if decision == "approve":
            self._require_ready_to_forward()
        to, text = self._review_target(decision, comment, rule_set, due)
        self._province_review_completed(
            decision=decision, comment=text, to_stage=to.value, due_on=due.for_stage(to)
        )

    def _review_target(
        self, decision: str, comment: str, rule_set: RuleSet, due: DueDates
    ) -> tuple[Stage, str]:
        ReviewDecision.parse(decision)  # an unknown decision is named before the route is
        approved_to = (
            self._next(rule_set, notice_days=due.public_notice_days)
            if decision == ReviewDecision.APPROVE
            else self.stage
        )
        return review_target(decision, comment, approved_to)

    def _require_ready_to_forward(self) -> None:
        require_ready_to_forward(self.open_visits(), self.effective_checks(), self.overrides)

    def _next(self, rule_set: RuleSet, *, notice_days: int) -> Stage:
        today = current_context().today
        return next_stage_for(
            self.unit, self.award_form, self.stage, rule_set, today, notice_days=notice_days
        )

    def cut_over(self, rule_set: RuleSet, due: DueDates) -> bool:
        """A stage that a reorganisation ended hands the dossier to the stage replacing it,
        citing the law; the work done in it is kept. A dossier of a form the reorganisation
        ended, still open, is closed citing it (docs/spec.md §12): nobody is left to decide
        it, and it is not handed to the province. Nothing happens to any other dossier."""
        require_grant(
            "move a dossier at a reorganisation",
            Role.SYSTEM,
            also=(Role.ADMIN, Role.COUNCIL_SECRETARY),  # the secretary, closing its session
        )
        today = current_context().today
        ended = rule_set.form_ended_by(self.award_form, today)
        open_stages = (Stage.DISTRICT_REVIEW, Stage.COUNCIL, Stage.AWAITING_DECISION)
        if ended is not None and self.stage in open_stages and self.agenda_session_id is None:
            reorganisation, to = ended, Stage.CLOSED
        else:
            found = rule_set.cut_over_of(self.stage_name, today)
            if found is None:
                return False
            reorganisation, to = found, Stage(found.stages_end[self.stage_name])
        self._stage_cut_over(
            from_stage=self.stage_name,
            to_stage=to.value,
            on=reorganisation.on,
            legal_basis=reorganisation.legal_basis.vi,
            due_on=due.for_stage(to),
        )
        return True
