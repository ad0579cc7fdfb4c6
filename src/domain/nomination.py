# Over 400 lines: one aggregate, and eventsourcing's @event methods must be defined on its class.
"""The Nomination aggregate: a unit's dossier for an award, from collection to decision.

Public methods guard and decide; private ``@event`` methods only record. State holds
JSON-ready values (str keys, lists, dicts) so snapshots round-trip unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.access import require_grant
from domain.chain import ChainedAggregate
from domain.context import Role, current_context
from domain.criteria.checks import CriterionCheck, RuleSetRef
from domain.criteria.rules import Basis, Outcome
from domain.criteria.ruleset import RuleSet
from domain.criteria.schema import CriterionResult
from domain.deadlines import DueDates
from domain.dossier import Complaint, CouncilDecision, ReviewDecision, Revocation, Visit
from domain.errors import AlreadyExists, InvalidInput, StageTransitionError
from domain.judging import (
    checks_in_force,
    for_judgement,
    judgement,
    recorded_check,
    require_figures_for_every_year,
)
from domain.lineage import OfficialWindow
from domain.review_routing import next_stage_for, require_ready_to_forward, review_target
from domain.stages import ALLOWED, Command, Stage, has_district_review
from domain.statistics import YearStatistics, check_flows_reconcile, discrepancies
from domain.text import bounded_text
from domain.units import Nominee

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def nomination_id(unit_code: str, award_form: str, cycle_year: int) -> UUID:
    """One nomination per unit, award form and cycle."""
    return uuid5(NAMESPACE_URL, f"/nominations/{unit_code}/{award_form}/{cycle_year}")


class Nomination(ChainedAggregate):
    # Version 2 holds its dossier parts as values (domain.dossier); version 1 held dicts.
    # Version 3 keeps the official figures and how the declared ones differ from them.
    # Version 4 keeps each review, and who made each override and when.
    class_version = 4

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot taken before the dossier values existed."""
        state["visits"] = {k: Visit.from_dict(v) for k, v in state["visits"].items()}
        state["complaints"] = {k: Complaint.from_dict(v) for k, v in state["complaints"].items()}
        if state.get("decision") is not None:
            state["decision"] = CouncilDecision.from_dict(state["decision"])
        if state.get("revocation") is not None:
            state["revocation"] = Revocation.from_dict(state["revocation"])

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """A snapshot taken before the register of official figures."""
        state["official_statistics"] = {}
        state["official_differences"] = {}
        state["summed_from"] = {}

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        """A snapshot taken before reviews were kept: those before it are in the log only."""
        state["reviews"] = []

    @staticmethod
    def create_id(nominee: dict[str, Any], award_form: str, cycle_year: int) -> UUID:
        return nomination_id(nominee["code"], award_form, cycle_year)

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        nominee: Nominee,
        award_form: str,
        cycle_year: int,
        evaluation_years: tuple[int, int],
        rule_set: RuleSet,
        due_on: date,
    ) -> Nomination:
        ctx = current_context()
        require_grant("open a nomination", Role.UNIT_OFFICER, nominee.is_within)
        form = rule_set.award_form(award_form)
        if form.council_level == "district" and not has_district_review(
            nominee, True, ctx.today, rule_set.district_level_ends_on
        ):
            raise StageTransitionError(
                f"{award_form} is decided by a district council, which {nominee.code} does not"
                " have on this date",
            )
        rule_set.require_form_in_force(award_form, ctx.today)
        rule_set.check_evaluation_years(evaluation_years, cycle_year)
        # A unit that ceased is judged on the years it lived through, and no others.
        lived_until = date(evaluation_years[1], 12, 31)
        if nominee.unit_valid_to is not None and nominee.unit_valid_to < lived_until:
            raise InvalidInput(
                "unit_code",
                f"{nominee.code} ceased on {nominee.unit_valid_to.isoformat()}, before the end"
                f" of {evaluation_years[1]}, the cycle's last evaluation year",
            )
        return cls(
            nominee=nominee.to_dict(),
            award_form=award_form,
            cycle_year=cycle_year,
            evaluation_years=list(evaluation_years),
            rule_set=rule_set.ref.to_dict(),
            due_on=due_on,
        )

    class Opened(ChainedAggregate.Created):
        nominee: dict[str, Any]
        award_form: str
        cycle_year: int
        evaluation_years: list[int]
        rule_set: dict[str, Any]
        due_on: date

    @event(Opened)
    def __init__(
        self,
        nominee: dict[str, Any],
        award_form: str,
        cycle_year: int,
        evaluation_years: list[int],
        rule_set: dict[str, Any],
        due_on: date,
    ) -> None:
        self.nominee = nominee
        self.award_form = award_form
        self.cycle_year = cycle_year
        self.evaluation_years = list(evaluation_years)
        self.rule_set = rule_set
        self.stage_name = Stage.COLLECTING.value
        self.due_on: date | None = due_on
        self.outcome: str | None = None
        self.round = 0
        self.statistics: dict[str, dict[str, Any]] = {}
        self.verified_statistics: dict[str, dict[str, Any]] = {}
        self.official_statistics: dict[str, dict[str, Any]] = {}
        self.official_differences: dict[str, Any] = {}
        self.summed_from: dict[str, list[dict[str, Any]]] = {}
        self.evidence: dict[str, dict[str, Any]] = {}
        self.achievement_report: str | None = None
        self.checks: list[dict[str, Any]] = []
        self.overrides: dict[str, dict[str, Any]] = {}
        self.visits: dict[str, Visit] = {}
        self.complaints: dict[str, Complaint] = {}
        self.agenda_session_id: str | None = None
        self.decision: CouncilDecision | None = None
        self.revocation: Revocation | None = None
        self.requested_changes: str | None = None
        self.reviews: list[dict[str, Any]] = []
        self.missed_deadlines: list[str] = []

    # --- reading ----------------------------------------------------------------------

    @property
    def stage(self) -> Stage:
        return Stage(self.stage_name)

    @property
    def unit(self) -> Nominee:
        return Nominee.from_dict(self.nominee)

    @property
    def rule_set_ref(self) -> RuleSetRef:
        return RuleSetRef.from_dict(self.rule_set)

    def declared(self) -> dict[int, YearStatistics]:
        return {int(y): YearStatistics.from_dict(s) for y, s in self.statistics.items()}

    def official(self) -> dict[int, YearStatistics]:
        return {int(y): YearStatistics.from_dict(s) for y, s in self.official_statistics.items()}

    def verified(self) -> dict[int, YearStatistics]:
        """Declared figures overlaid with the official ones, then every inspection-verified
        year."""
        merged = dict(self.statistics)
        merged.update(self.official_statistics)
        merged.update(self.verified_statistics)
        return {int(y): YearStatistics.from_dict(s) for y, s in merged.items()}

    def figures_with(
        self, official: Mapping[int, YearStatistics]
    ) -> tuple[dict[int, YearStatistics], Basis]:
        """The figures to judge on: official where the register has them, declared elsewhere;
        and the basis of the whole: official only when every year in the window is."""
        merged = self.declared()
        merged.update(official)
        last = self.evaluation_years[1]
        all_official = all(y in official for y in merged if y <= last)
        return merged, Basis.OFFICIAL if official and all_official else Basis.DECLARED

    def effective_checks(self) -> dict[str, CriterionCheck]:
        """Per criterion, the check in force: the latest judged or verified one, which no
        later check on declared figures displaces; else the latest declared one. Only a
        reasoned override changes its effect (see ``overrides``)."""
        return checks_in_force(self.checks)

    def open_visits(self) -> list[str]:
        return [vid for vid, v in self.visits.items() if v.is_open]

    def open_complaints(self) -> list[str]:
        return [cid for cid, c in self.complaints.items() if c.is_open]

    # --- guards -----------------------------------------------------------------------

    def _require_stage(self, command: Command) -> None:
        allowed = ALLOWED[command]
        if self.stage not in allowed:
            stages = ", ".join(sorted(s.value for s in allowed))
            raise StageTransitionError(
                f"cannot {command.value} while the nomination is {self.stage.value}"
                f" (allowed in: {stages})",
                nomination_id=str(self.id),
                stage=self.stage.value,
            )

    def _require_officer(self, action: str) -> None:
        require_grant(action, Role.UNIT_OFFICER, self.unit.is_within)

    def _require_district_reviewer(self, action: str) -> None:
        district = self.unit.district_code
        require_grant(action, Role.DISTRICT_REVIEWER, lambda scope: scope == district)

    def _require_province_reviewer(self, action: str) -> None:
        require_grant(action, Role.PROVINCE_REVIEWER)

    def _require_reviewer_of_stage(self, action: str) -> None:
        if self.stage is Stage.DISTRICT_REVIEW:
            self._require_district_reviewer(action)
        else:
            self._require_province_reviewer(action)

    def _require_rule_set(self, rule_set: RuleSet) -> None:
        ref = self.rule_set_ref
        if rule_set.ref != ref:
            raise InvalidInput(
                "rule_set",
                f"the nomination is judged under {ref.id} v{ref.version}",
            )

    # --- collecting -------------------------------------------------------------------

    def record_statistics(self, year: int, statistics: YearStatistics, rule_set: RuleSet) -> None:
        self._require_stage(Command.RECORD_STATISTICS)
        self._require_officer("record statistics")
        last = self.evaluation_years[-1]
        if not rule_set.baseline_year <= year <= last:
            raise InvalidInput(
                "year", f"must be between {rule_set.baseline_year} and {last} for this nomination"
            )
        if year == rule_set.baseline_year and statistics.flows is not None:
            raise InvalidInput(
                "flows", f"{year} is the baseline survey; its flows have no earlier year"
            )
        declared = self.declared()
        previous = declared.get(year - 1)
        check_flows_reconcile(year, previous.poor_households if previous else None, statistics)
        following = declared.get(year + 1)
        if following is not None:
            check_flows_reconcile(year + 1, statistics.poor_households, following)
        if self.statistics.get(str(year)) == statistics.to_dict():
            return
        self._statistics_recorded(year=year, statistics=statistics.to_dict(), basis="declared")

    class StatisticsRecorded(ChainedAggregate.Event):
        """Version 2 names the basis of the figures; version 1 held declared ones only."""

        class_version = 2
        year: int
        statistics: dict[str, Any]
        basis: str

        @classmethod
        def upcast_v1_v2(cls, state: dict[str, Any]) -> None:
            # The chain still links: a loaded event is hashed as stored, before this runs.
            state["basis"] = "declared"

    @event(StatisticsRecorded)
    def _statistics_recorded(self, year: int, statistics: dict[str, Any], basis: str) -> None:
        target = {
            "declared": self.statistics,
            "official": self.official_statistics,
        }.get(basis, self.verified_statistics)
        target[str(year)] = statistics

    def require_may_attach_evidence(self) -> None:
        """Asked before an upload's bytes are read: the stage and the officer's scope."""
        self._require_stage(Command.ATTACH_EVIDENCE)
        self._require_officer("attach evidence")

    def attach_evidence(self, sha256: str, filename: str, media_type: str, size: int) -> None:
        self.require_may_attach_evidence()
        digest = sha256.strip().lower()
        if not SHA256_HEX.match(digest):
            raise InvalidInput("sha256", "must be 64 hexadecimal characters")
        name = bounded_text("filename", filename, limit=255)
        if size <= 0:
            raise InvalidInput("size", "must be greater than zero")
        if digest in self.evidence:
            return
        self._evidence_attached(sha256=digest, filename=name, media_type=media_type, size=size)

    class EvidenceAttached(ChainedAggregate.Event):
        sha256: str
        filename: str
        media_type: str
        size: int

    @event(EvidenceAttached)
    def _evidence_attached(self, sha256: str, filename: str, media_type: str, size: int) -> None:
        self.evidence[sha256] = {"filename": filename, "media_type": media_type, "size": size}

    def write_achievement_report(self, text: str) -> None:
        self._require_stage(Command.WRITE_REPORT)
        self._require_officer("write the achievement report")
        report = bounded_text("text", text, limit=100_000)
        if report != self.achievement_report:
            self._achievement_report_written(text=report)

    class AchievementReportWritten(ChainedAggregate.Event):
        text: str

    @event(AchievementReportWritten)
    def _achievement_report_written(self, text: str) -> None:
        self.achievement_report = text

    def preview_checks(
        self, rule_set: RuleSet, official: OfficialWindow | None = None
    ) -> list[CriterionResult]:
        """What submission would find now, without recording anything. Where the register's
        figures cannot simply be summed (a split, differing flags), a reviewer judges."""
        self._require_rule_set(rule_set)
        official = official or OfficialWindow()
        years = (self.evaluation_years[0], self.evaluation_years[1])
        figures, _ = self.figures_with(official.figures)
        results = rule_set.evaluate(self.unit, years, figures)
        if official.needs_judgement:
            results = [for_judgement(r, official.needs_judgement) for r in results]
        return results

    def submit(
        self,
        rule_set: RuleSet,
        due: DueDates,
        official: OfficialWindow | None = None,
    ) -> None:
        """Runs every automatic check, on the official figures where the register has them;
        moves on only when every year has figures."""
        self._require_stage(Command.SUBMIT)
        self._require_officer("submit the nomination")
        if self.achievement_report is None:
            raise InvalidInput("achievement_report", "write the achievement report first")
        official = official or OfficialWindow()
        results = self.preview_checks(rule_set, official)
        require_figures_for_every_year(results)
        self._take_official(official)
        _, basis = self.figures_with(official.figures)
        for result in results:
            self._check(result, basis, rule_set)
        to = self._next(rule_set, notice_days=due.public_notice_days)
        self._submitted(round=self.round + 1, to_stage=to.value, due_on=due.for_stage(to))

    def _take_official(self, official: OfficialWindow) -> None:
        """Records the register's figures the dossier does not hold yet, which units a year's
        figures were summed from, and how the declared ones differ from them, as an
        inspection's discrepancy is recorded."""
        for year, parts in sorted(official.summed_from.items()):
            if self.summed_from.get(str(year)) != parts:
                self._figures_summed(year=year, parts=parts)
        for year, statistics in sorted(official.figures.items()):
            if self.official_statistics.get(str(year)) != statistics.to_dict():
                self._statistics_recorded(
                    year=year, statistics=statistics.to_dict(), basis="official"
                )
        differences = discrepancies(self.declared(), official.figures, new_year=False)
        if differences != self.official_differences:
            self._official_figures_differ(differences=differences)

    class FiguresSummed(ChainedAggregate.Event):
        """A year before the unit existed: its figures are its predecessors' summed."""

        year: int
        parts: list[dict[str, Any]]

    @event(FiguresSummed)
    def _figures_summed(self, year: int, parts: list[dict[str, Any]]) -> None:
        self.summed_from[str(year)] = parts

    class OfficialFiguresDiffer(ChainedAggregate.Event):
        """Per year, each figure as the officer declared it and as the register has it."""

        differences: dict[str, Any]

    @event(OfficialFiguresDiffer)
    def _official_figures_differ(self, differences: dict[str, Any]) -> None:
        self.official_differences = differences

    class Submitted(ChainedAggregate.Event):
        round: int
        to_stage: str
        due_on: date | None

    @event(Submitted)
    def _submitted(self, round: int, to_stage: str, due_on: date | None) -> None:
        self.round = round
        self.requested_changes = None
        self._enter(to_stage, due_on)

    def withdraw(self, reason: str) -> None:
        self._require_stage(Command.WITHDRAW)
        self._require_officer("withdraw the nomination")
        self._withdrawn(reason=bounded_text("reason", reason))

    class Withdrawn(ChainedAggregate.Event):
        reason: str

    @event(Withdrawn)
    def _withdrawn(self, reason: str) -> None:
        self.outcome = "withdrawn"
        self._enter(Stage.CLOSED.value, None)

    # --- checks -----------------------------------------------------------------------

    def _check(
        self,
        result: CriterionResult,
        basis: Basis,
        rule_set: RuleSet,
        *,
        justification: str | None = None,
        evidence: tuple[str, ...] = (),
    ) -> None:
        check = recorded_check(
            result,
            basis,
            rule_set.ref,
            self.summed_from,
            current_context(),
            justification=justification,
            evidence=evidence,
        )
        self._criterion_checked(check=check, stage=self.stage_name)

    class CriterionChecked(ChainedAggregate.Event):
        check: dict[str, Any]
        stage: str

    @event(CriterionChecked)
    def _criterion_checked(self, check: dict[str, Any], stage: str) -> None:
        self.checks.append(check)
        # An override answers the check it was made against; a check that takes its place
        # needs a new one. A declared check that does not take its place leaves it.
        current = self.effective_checks().get(check["criterion_id"])
        if current is not None and current.to_dict() == check:
            self.overrides.pop(check["criterion_id"], None)

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

    class CheckOverridden(ChainedAggregate.Event):
        criterion_id: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.overrides[self.criterion_id].update(self._made())

    @event(CheckOverridden)
    def _check_overridden(self, criterion_id: str, reason: str) -> None:
        self.overrides[criterion_id] = {"reason": reason}

    # --- reviews ----------------------------------------------------------------------

    def complete_district_review(
        self, decision: str, comment: str, rule_set: RuleSet, due: DueDates
    ) -> None:
        self._require_stage(Command.DISTRICT_REVIEW)
        self._require_district_reviewer("complete the district review")
        to, text = self._review_target(decision, comment, rule_set, due)
        self._district_review_completed(
            decision=decision, comment=text, to_stage=to.value, due_on=due.for_stage(to)
        )

    class DistrictReviewCompleted(ChainedAggregate.Event):
        decision: str
        comment: str
        to_stage: str
        due_on: date | None

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.keep_review(Stage.DISTRICT_REVIEW, self)

    @event(DistrictReviewCompleted)
    def _district_review_completed(
        self, decision: str, comment: str, to_stage: str, due_on: date | None
    ) -> None:
        self._after_review(decision, comment, to_stage, due_on)

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

    class ProvinceReviewCompleted(ChainedAggregate.Event):
        decision: str
        comment: str
        to_stage: str
        due_on: date | None

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.keep_review(Stage.PROVINCE_REVIEW, self)

    @event(ProvinceReviewCompleted)
    def _province_review_completed(
        self, decision: str, comment: str, to_stage: str, due_on: date | None
    ) -> None:
        self._after_review(decision, comment, to_stage, due_on)

    def keep_review(self, stage: Stage, review: Any) -> None:
        """Applying a review: its decision and comment, by whom and when, for the dossier."""
        made = review._made()
        self.reviews.append(
            {
                "stage": stage.value,
                "decision": review.decision,
                "comment": review.comment,
                "by": made["by"],
                "at": made["at"],
            }
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

    def _after_review(
        self, decision: str, comment: str, to_stage: str, due_on: date | None
    ) -> None:
        if decision == ReviewDecision.RETURN:
            self.requested_changes = comment
        if decision == ReviewDecision.REJECT:
            self.outcome = "rejected"
        self._enter(to_stage, due_on)

    def _require_ready_to_forward(self) -> None:
        require_ready_to_forward(self.open_visits(), self.effective_checks(), self.overrides)

    def _next(self, rule_set: RuleSet, *, notice_days: int) -> Stage:
        today = current_context().today
        return next_stage_for(
            self.unit, self.award_form, self.stage, rule_set, today, notice_days=notice_days
        )

    def _enter(self, to_stage: str, due_on: date | None) -> None:
        self.stage_name = to_stage
        self.due_on = due_on

    # --- reorganisations ----------------------------------------------------------------

    def cut_over(self, rule_set: RuleSet, due: DueDates) -> bool:
        """A stage that a reorganisation ended hands the dossier to the stage replacing it,
        citing the law; the work done in it is kept. Nothing happens in any other stage."""
        require_grant("move a dossier at a reorganisation", Role.SYSTEM, also=(Role.ADMIN,))
        today = current_context().today
        reorganisation = rule_set.cut_over_of(self.stage_name, today)
        if reorganisation is None:
            return False
        to = Stage(reorganisation.stages_end[self.stage_name])
        self._stage_cut_over(
            from_stage=self.stage_name,
            to_stage=to.value,
            on=reorganisation.on,
            legal_basis=reorganisation.legal_basis.vi,
            due_on=due.for_stage(to),
        )
        return True

    class StageCutOver(ChainedAggregate.Event):
        """The stage ended by law on ``on``; the dossier goes on in the stage replacing it."""

        from_stage: str
        to_stage: str
        on: date
        legal_basis: str
        due_on: date | None

    @event(StageCutOver)
    def _stage_cut_over(
        self, from_stage: str, to_stage: str, on: date, legal_basis: str, due_on: date | None
    ) -> None:
        self._enter(to_stage, due_on)

    # --- inspection -------------------------------------------------------------------

    def order_inspection(self, visit_id: UUID, team_id: str, due_on: date) -> None:
        self._require_stage(Command.ORDER_INSPECTION)
        self._require_province_reviewer("order an inspection visit")
        team = bounded_text("team_id", team_id, limit=100)
        if due_on < current_context().today:
            raise InvalidInput("due_date", "must not be in the past")
        if str(visit_id) in self.visits:
            raise AlreadyExists(f"visit {visit_id} is already ordered", visit_id=str(visit_id))
        self._inspection_ordered(visit_id=str(visit_id), team_id=team, due_on=due_on)

    class InspectionOrdered(ChainedAggregate.Event):
        visit_id: str
        team_id: str
        due_on: date

    @event(InspectionOrdered)
    def _inspection_ordered(self, visit_id: str, team_id: str, due_on: date) -> None:
        self.visits[visit_id] = Visit(team_id, due_on)

    def record_inspection_report(
        self,
        visit_id: UUID,
        visited_on: date,
        findings: str,
        recommendation: str,
        verified_statistics: dict[int, YearStatistics],
        rule_set: RuleSet,
    ) -> None:
        """Verified figures re-run the automatic checks; differences become a discrepancy."""
        self._require_stage(Command.RECORD_INSPECTION_REPORT)
        self._require_rule_set(rule_set)
        visit = self.visits.get(str(visit_id))
        if visit is None:
            raise InvalidInput("visit_id", f"{visit_id} was not ordered for this nomination")
        if not visit.is_open:
            raise StageTransitionError(
                f"visit {visit_id} is already reported", visit_id=str(visit_id)
            )
        require_grant(
            "file this visit report", Role.INSPECTOR, lambda scope: scope == visit.team_id
        )
        last = self.evaluation_years[-1]
        for year in verified_statistics:
            if not rule_set.baseline_year <= year <= last:
                raise InvalidInput(
                    f"verified_statistics.{year}",
                    f"must be a year between {rule_set.baseline_year} and {last}",
                )
        differences = discrepancies(self.declared(), verified_statistics)
        self._inspection_reported(
            visit_id=str(visit_id),
            visited_on=visited_on,
            findings=bounded_text("findings", findings),
            recommendation=recommendation,
        )
        for year, stats in sorted(verified_statistics.items()):
            self._statistics_recorded(year=year, statistics=stats.to_dict(), basis="verified")
        if differences:
            self._discrepancy_recorded(visit_id=str(visit_id), differences=differences)
        if verified_statistics:
            years = (self.evaluation_years[0], self.evaluation_years[1])
            for result in rule_set.evaluate(
                self.unit, years, self.verified(), Basis.INSPECTION_VERIFIED
            ):
                if result.kind == "automatic":
                    self._check(result, Basis.INSPECTION_VERIFIED, rule_set)

    class InspectionReported(ChainedAggregate.Event):
        visit_id: str
        visited_on: date
        findings: str
        recommendation: str

    @event(InspectionReported)
    def _inspection_reported(
        self, visit_id: str, visited_on: date, findings: str, recommendation: str
    ) -> None:
        self.visits[visit_id] = self.visits[visit_id].reported(visited_on, findings, recommendation)

    class DiscrepancyRecorded(ChainedAggregate.Event):
        visit_id: str
        differences: dict[str, Any]

    @event(DiscrepancyRecorded)
    def _discrepancy_recorded(self, visit_id: str, differences: dict[str, Any]) -> None:
        self.visits[visit_id] = self.visits[visit_id].with_discrepancies(differences)

    # --- public notice and complaints ---------------------------------------------------

    def file_complaint(self, complaint_id: UUID, text: str, filed_by: str) -> None:
        self._require_stage(Command.FILE_COMPLAINT)
        grant = require_grant(
            "file a complaint",
            Role.PROVINCE_REVIEWER,
            also=(Role.COUNCIL_SECRETARY, Role.ADMIN, Role.PUBLIC),
        )
        if grant.role is Role.PUBLIC:
            self._require_notice_open()
        if str(complaint_id) in self.complaints:
            raise AlreadyExists(f"complaint {complaint_id} exists", complaint_id=str(complaint_id))
        self._complaint_filed(
            complaint_id=str(complaint_id),
            text=bounded_text("text", text),
            filed_by=bounded_text("filed_by", filed_by, limit=255),
        )

    def _require_notice_open(self) -> None:
        """The public may object only while the nomination is publicly posted."""
        today = current_context().today
        if self.stage is not Stage.PUBLIC_NOTICE or (
            self.due_on is not None and today > self.due_on
        ):
            raise StageTransitionError(
                "the public notice of this nomination is not open: objections are taken only"
                " while it is posted",
                nomination_id=str(self.id),
            )

    class ComplaintFiled(ChainedAggregate.Event):
        complaint_id: str
        text: str
        filed_by: str

    @event(ComplaintFiled)
    def _complaint_filed(self, complaint_id: str, text: str, filed_by: str) -> None:
        self.complaints[complaint_id] = Complaint(text, filed_by)

    def resolve_complaint(self, complaint_id: UUID, resolution: str, upheld: bool) -> None:
        self._require_stage(Command.RESOLVE_COMPLAINT)
        require_grant("resolve a complaint", Role.PROVINCE_REVIEWER, also=(Role.COUNCIL_SECRETARY,))
        complaint = self.complaints.get(str(complaint_id))
        if complaint is None:
            raise InvalidInput(
                "complaint_id", f"{complaint_id} is not a complaint on this nomination"
            )
        if not complaint.is_open:
            raise StageTransitionError(f"complaint {complaint_id} is already resolved")
        self._complaint_resolved(
            complaint_id=str(complaint_id),
            resolution=bounded_text("resolution", resolution),
            upheld=upheld,
        )

    class ComplaintResolved(ChainedAggregate.Event):
        complaint_id: str
        resolution: str
        upheld: bool

    @event(ComplaintResolved)
    def _complaint_resolved(self, complaint_id: str, resolution: str, upheld: bool) -> None:
        self.complaints[complaint_id] = self.complaints[complaint_id].resolved(resolution, upheld)

    def end_public_notice(self) -> None:
        """The window closed: the stage ends unless a complaint is open."""
        self._require_stage(Command.END_PUBLIC_NOTICE)
        require_grant("end the public notice", Role.PROVINCE_REVIEWER, also=(Role.SYSTEM,))
        today = current_context().today
        if self.due_on is not None and today < self.due_on:
            raise StageTransitionError(
                f"the public notice runs until {self.due_on.isoformat()}", due_on=self.due_on
            )
        complaints = self.open_complaints()
        if complaints:
            raise StageTransitionError(
                f"complaint {complaints[0]} is open; resolve it first", complaint_id=complaints[0]
            )
        self._public_notice_ended(to_stage=Stage.COUNCIL.value)

    class PublicNoticeEnded(ChainedAggregate.Event):
        to_stage: str

    @event(PublicNoticeEnded)
    def _public_notice_ended(self, to_stage: str) -> None:
        self._enter(to_stage, None)

    # --- council ----------------------------------------------------------------------

    def place_on_agenda(self, session_id: UUID) -> None:
        self._require_stage(Command.PLACE_ON_AGENDA)
        require_grant("set a council agenda", Role.COUNCIL_SECRETARY)
        if self.agenda_session_id is not None:
            raise StageTransitionError(
                f"already on the agenda of session {self.agenda_session_id}",
                session_id=self.agenda_session_id,
            )
        self._placed_on_agenda(session_id=str(session_id))

    class PlacedOnAgenda(ChainedAggregate.Event):
        session_id: str

    @event(PlacedOnAgenda)
    def _placed_on_agenda(self, session_id: str) -> None:
        self.agenda_session_id = session_id

    def decide(
        self,
        session_id: UUID,
        approved: bool,
        tally: dict[str, int],
        decision_number: str | None,
        decision_date: date,
    ) -> None:
        """The council's outcome; its event's ``prev_hash`` seals the chain head."""
        self._require_stage(Command.DECIDE)
        self._require_on_agenda(session_id)
        self._require_no_open_complaint()
        self._council_decided(
            session_id=str(session_id),
            outcome="approved" if approved else "not_approved",
            tally=tally,
            decision_number=decision_number if approved else None,
            decision_date=decision_date,
            to_stage=Stage.DECIDED.value,
        )

    class CouncilDecided(ChainedAggregate.Event):
        session_id: str
        outcome: str
        tally: dict[str, int]
        decision_number: str | None
        decision_date: date
        to_stage: str

    @event(CouncilDecided)
    def _council_decided(
        self,
        session_id: str,
        outcome: str,
        tally: dict[str, int],
        decision_number: str | None,
        decision_date: date,
        to_stage: str,
    ) -> None:
        self.outcome = outcome
        self.agenda_session_id = None
        self.decision = CouncilDecision(session_id, outcome, tally, decision_number, decision_date)
        self._enter(to_stage, None)

    def defer(self, session_id: UUID, reason: str) -> None:
        """The session closed without deciding this item; it waits for another session."""
        self._require_stage(Command.DECIDE)
        self._require_on_agenda(session_id)
        self._council_deferred(session_id=str(session_id), reason=reason)

    class CouncilDeferred(ChainedAggregate.Event):
        session_id: str
        reason: str

    @event(CouncilDeferred)
    def _council_deferred(self, session_id: str, reason: str) -> None:
        self.agenda_session_id = None

    def _require_on_agenda(self, session_id: UUID) -> None:
        if self.agenda_session_id != str(session_id):
            raise StageTransitionError(
                f"the nomination is not on the agenda of session {session_id}",
                session_id=str(session_id),
            )

    def _require_no_open_complaint(self) -> None:
        complaints = self.open_complaints()
        if complaints:
            raise StageTransitionError(
                f"complaint {complaints[0]} is open; the council cannot decide",
                complaint_id=complaints[0],
            )

    def revoke(self, reason: str, decision_number: str) -> None:
        """A compensating event: the award stands in history and is withdrawn from now on."""
        self._require_stage(Command.REVOKE)
        require_grant("revoke an award", Role.COUNCIL_SECRETARY)
        if self.outcome != "approved":
            raise StageTransitionError(
                f"only an approved award can be revoked (it is {self.outcome})"
            )
        self._revoked(
            reason=bounded_text("reason", reason),
            decision_number=bounded_text("decision_number", decision_number, limit=100),
        )

    class Revoked(ChainedAggregate.Event):
        reason: str
        decision_number: str

    @event(Revoked)
    def _revoked(self, reason: str, decision_number: str) -> None:
        self.outcome = "revoked"
        self.revocation = Revocation(reason, decision_number)

    # --- the clock's records -----------------------------------------------------------

    def mark_deadline_missed(self, stage: Stage, due_on: date) -> bool:
        """Records a missed deadline only while that stage, with that due date, is still open."""
        require_grant("record a missed deadline", Role.SYSTEM)
        key = f"{stage.value}:{due_on.isoformat()}"
        if self.stage is not stage or self.due_on != due_on or key in self.missed_deadlines:
            return False
        if current_context().today <= due_on:
            raise InvalidInput("due_on", f"{due_on.isoformat()} has not passed yet")
        self._deadline_missed(stage=stage.value, due_on=due_on)
        return True

    class DeadlineMissed(ChainedAggregate.Event):
        stage: str
        due_on: date

    @event(DeadlineMissed)
    def _deadline_missed(self, stage: str, due_on: date) -> None:
        self.missed_deadlines.append(f"{stage}:{due_on.isoformat()}")

    def record_reminder(self, stage: Stage, recipients: list[str], message: str) -> bool:
        require_grant("record a reminder", Role.SYSTEM)
        if self.stage is not stage:
            return False
        self._reminder_sent(stage=stage.value, recipients=sorted(recipients), message=message)
        return True

    class ReminderSent(ChainedAggregate.Event):
        stage: str
        recipients: list[str]
        message: str

    @event(ReminderSent)
    def _reminder_sent(self, stage: str, recipients: list[str], message: str) -> None:
        pass

    def escalate(self, stage: Stage, to: str, reason: str) -> bool:
        require_grant("record an escalation", Role.SYSTEM)
        if self.stage is not stage:
            return False
        self._escalated(
            stage=stage.value, to=bounded_text("to", to), reason=bounded_text("reason", reason)
        )
        return True

    class Escalated(ChainedAggregate.Event):
        stage: str
        to: str
        reason: str

    @event(Escalated)
    def _escalated(self, stage: str, to: str, reason: str) -> None:
        pass
