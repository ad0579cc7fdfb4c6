"""Nominations: collecting, review, public notice, complaints and the clock's records."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.context import CommandContext, acting
from domain.criteria.rules import Outcome
from domain.criteria.ruleset import RuleSet
from domain.deadlines import DueDates
from domain.dossier import Attachment
from domain.errors import (
    one_of,
)
from domain.nomination import Nomination, nomination_id
from domain.people import person_nominee
from domain.stages import Stage
from domain.statistics import YearStatistics
from domain.summaries import (
    CommandResult,
)
from domain.units import Nominee
from service.application import (
    NOMINATION,
    _ignore,
)
from service.lookups import Lookups


class NominationCases(Lookups):
    """Nominations: collecting, review, public notice, complaints and the clock's records."""

    # --- nominations: collecting -----------------------------------------------------------

    def open_nomination(
        self,
        ctx: CommandContext,
        unit_code: str,
        award_form: str,
        cycle_year: int,
        person_id: UUID | None = None,
    ) -> CommandResult:
        """A dossier for a unit, or, given ``person_id``, for a person who works at the unit
        (their personal data is not in the log: docs/spec.md §14)."""
        unit = self.unit(unit_code)
        rules = self.default_rule_set
        form = rules.award_form(award_form)
        cycle = self.cycle_terms(cycle_year, rules)
        nominee = (
            Nominee.of(unit, self.units, cycle.evaluation_years[1])
            if person_id is None
            else person_nominee(person_id, unit, self.units)
        )
        if form.applies_to is not None:
            form.applies_to.require(award_form, nominee.kind.value, cycle.kind.value)
        nid = nomination_id(nominee.code, award_form, cycle_year)
        due = DueDates(self.calendar, rules.deadlines, cycle, ctx.today, 0)

        def build() -> Nomination:
            opened = Nomination.open(
                nominee,
                award_form,
                cycle_year,
                cycle.evaluation_years,
                rules,
                due.for_stage(Stage.COLLECTING) or cycle.closes_on,
            )
            if rules.combinations is not None:  # after the nominee's own checks
                rules.combinations.require_free(
                    award_form,
                    cycle_year,
                    cycle.evaluation_years,
                    self.achievements_of(nominee.code),
                )
            return opened

        return self._create(
            ctx, nid, build, f"a nomination of {nominee.code} for {award_form} in {cycle_year}"
        )

    def record_statistics(
        self, ctx: CommandContext, nid: UUID, year: int, statistics: Mapping[str, Any]
    ) -> CommandResult:
        stats = YearStatistics.from_dict(dict(statistics))
        if stats.source is not None:  # dated as the official register requires (§4)
            stats.source.check_dates(year, ctx.today)

        def decide(n: Nomination) -> None:
            n.record_statistics(year, stats, self._rule_set_of(n.rule_set_ref))

        return self._execute(ctx, NOMINATION, nid, decide)

    def attach_evidence(self, ctx: CommandContext, nid: UUID, file: Attachment) -> CommandResult:
        return self._execute(ctx, NOMINATION, nid, lambda n: n.attach_evidence(file))

    def check_may_attach_evidence(self, ctx: CommandContext, nid: UUID) -> dict[str, Any]:
        """Raises what attaching evidence would, before any file is read; records nothing.
        The evidence already attached, by SHA-256, for quotas."""
        with acting(ctx):
            n = self._load(NOMINATION, nid)
            n.require_may_attach_evidence()
            return dict(n.evidence)

    def write_achievement_report(self, ctx: CommandContext, nid: UUID, text: str) -> CommandResult:
        return self._execute(ctx, NOMINATION, nid, lambda n: n.write_achievement_report(text))

    def submit_nomination(self, ctx: CommandContext, nid: UUID) -> CommandResult:
        def decide(n: Nomination) -> None:
            rules = self._rule_set_of(n.rule_set_ref)
            n.submit(rules, self._due(n, ctx.today, rules), self.official_for(n))

        return self._execute(ctx, NOMINATION, nid, decide)

    def cut_over(self, ctx: CommandContext, nid: UUID) -> CommandResult:
        """Moves a dossier out of a stage a reorganisation ended (the clock's or an admin's
        step); a dossier in any other stage is left as it is."""

        def decide(n: Nomination) -> None:
            rules = self.default_rule_set
            n.cut_over(rules, self._due(n, ctx.today, self._rule_set_of(n.rule_set_ref)))

        return self._execute(ctx, NOMINATION, nid, decide)

    def preview_checks(self, nid: UUID) -> list[dict[str, Any]]:
        """The automatic checks as they would be on submission; writes nothing."""
        n = self._load(NOMINATION, nid)
        rules = self._rule_set_of(n.rule_set_ref)
        return [
            {
                "criterion_id": r.criterion_id,
                "kind": r.kind,
                "outcome": r.outcome.outcome.value,
                "explanation": {"vi": r.outcome.explanation.vi, "en": r.outcome.explanation.en},
                "title": _title(rules, r.criterion_id),
            }
            for r in n.preview_checks(rules, self.official_for(n))
        ]

    def withdraw_nomination(self, ctx: CommandContext, nid: UUID, reason: str) -> CommandResult:
        return self._execute(ctx, NOMINATION, nid, lambda n: n.withdraw(reason))

    # --- nominations: review -------------------------------------------------------------

    def complete_district_review(
        self, ctx: CommandContext, nid: UUID, decision: str, comment: str
    ) -> CommandResult:
        return self._review(ctx, nid, lambda n: n.complete_district_review, decision, comment)

    def complete_province_review(
        self, ctx: CommandContext, nid: UUID, decision: str, comment: str
    ) -> CommandResult:
        return self._review(ctx, nid, lambda n: n.complete_province_review, decision, comment)

    def _review(
        self,
        ctx: CommandContext,
        nid: UUID,
        review_of: Callable[[Nomination], Callable[[str, str, RuleSet, DueDates], None]],
        decision: str,
        comment: str,
    ) -> CommandResult:
        """A review's decision under the dossier's own rule set, with the next stage's due
        dates counted from today."""

        def decide(n: Nomination) -> None:
            rules = self._rule_set_of(n.rule_set_ref)
            review_of(n)(decision, comment, rules, self._due(n, ctx.today, rules))

        return self._execute(ctx, NOMINATION, nid, decide)

    def record_criterion_check(
        self,
        ctx: CommandContext,
        nid: UUID,
        criterion_id: str,
        outcome: str,
        justification: str,
        evidence: Sequence[str] = (),
    ) -> CommandResult:
        judged = one_of(Outcome, outcome, "outcome")

        def decide(n: Nomination) -> None:
            rules = self._rule_set_of(n.rule_set_ref)
            n.record_judged_check(criterion_id, judged, justification, tuple(evidence), rules)

        return self._execute(ctx, NOMINATION, nid, decide)

    def override_check(
        self, ctx: CommandContext, nid: UUID, criterion_id: str, reason: str
    ) -> CommandResult:
        return self._execute(ctx, NOMINATION, nid, lambda n: n.override_check(criterion_id, reason))

    # --- public notice and complaints ------------------------------------------------------

    def file_complaint(
        self, ctx: CommandContext, nid: UUID, text: str, filed_by: str
    ) -> tuple[UUID, CommandResult]:
        complaint = uuid5(NAMESPACE_URL, f"/complaints/{nid}/{ctx.command_id}")
        result = self._execute(
            ctx,
            NOMINATION,
            nid,
            lambda n: n.file_complaint(complaint, text, filed_by),
        )
        return complaint, result

    def resolve_complaint(
        self, ctx: CommandContext, nid: UUID, complaint_id: UUID, resolution: str, upheld: bool
    ) -> CommandResult:
        return self._execute(
            ctx,
            NOMINATION,
            nid,
            lambda n: n.resolve_complaint(complaint_id, resolution, upheld),
        )

    def end_public_notice(self, ctx: CommandContext, nid: UUID) -> CommandResult:
        return self._execute(ctx, NOMINATION, nid, lambda n: n.end_public_notice())

    # --- the clock's records (called by workflow activities) ---------------------------------

    def mark_deadline_missed(
        self, ctx: CommandContext, nid: UUID, stage: str, due_on: date
    ) -> CommandResult:
        return self._execute(
            ctx,
            NOMINATION,
            nid,
            lambda n: _ignore(n.mark_deadline_missed(Stage(stage), due_on)),
        )

    def record_reminder(
        self, ctx: CommandContext, nid: UUID, stage: str, recipients: list[str], message: str
    ) -> CommandResult:
        return self._execute(
            ctx,
            NOMINATION,
            nid,
            lambda n: _ignore(n.record_reminder(Stage(stage), recipients, message)),
        )

    def record_escalation(
        self, ctx: CommandContext, nid: UUID, stage: str, to: str, reason: str
    ) -> CommandResult:
        return self._execute(
            ctx,
            NOMINATION,
            nid,
            lambda n: _ignore(n.escalate(Stage(stage), to, reason)),
        )


def _title(rules: RuleSet, criterion_id: str) -> dict[str, str] | None:
    spec = rules.criteria.get(criterion_id)
    return {"vi": spec.title.vi, "en": spec.title.en} if spec else None
