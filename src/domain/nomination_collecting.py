"""Collecting a dossier: figures, evidence and the achievement report recorded, the checks
previewed, the dossier submitted or withdrawn (docs/spec.md §4, §5). Their events stay on
the Nomination, whose stored topics they are."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from domain.access import require_grant
from domain.context import Role, current_context
from domain.criteria.ruleset import RuleSet
from domain.criteria.schema import CriterionResult
from domain.deadlines import DueDates
from domain.dossier import Attachment
from domain.errors import InvalidInput, StageTransitionError
from domain.judging import for_judgement, require_figures_for_every_year
from domain.lineage import OfficialWindow
from domain.nomination_checks import CheckRecording
from domain.stages import Command, Stage, has_district_review
from domain.statistics import YearStatistics, check_flows_reconcile, discrepancies
from domain.text import bounded_text
from domain.units import Nominee

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def require_may_open(
    nominee: Nominee,
    award_form: str,
    cycle_year: int,
    evaluation_years: tuple[int, int],
    rule_set: RuleSet,
) -> None:
    """Who may open a dossier, and for what: the unit's officer, a form in force with a
    council the nominee has on this date, a window the cycle allows, and a unit that lived
    through its last evaluation year (a unit that ceased is judged on the years it lived)."""
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
    lived_until = date(evaluation_years[1], 12, 31)
    if nominee.unit_valid_to is not None and nominee.unit_valid_to < lived_until:
        raise InvalidInput(
            "unit_code",
            f"{nominee.code} ceased on {nominee.unit_valid_to.isoformat()}, before the end"
            f" of {evaluation_years[1]}, the cycle's last evaluation year",
        )


class CollectingSteps(CheckRecording):
    """Mixed into the Nomination: its collecting steps."""

    achievement_report: str | None
    evidence: dict[str, dict[str, Any]]
    official_differences: dict[str, Any]
    summed_from: dict[str, list[dict[str, Any]]]

    round: int

    if TYPE_CHECKING:  # the Nomination's

        def _achievement_report_written(self, text: str) -> None: ...

        def _evidence_attached(
            self, sha256: str, filename: str, media_type: str, size: int
        ) -> None: ...

        def _figures_summed(self, year: int, parts: list[dict[str, Any]]) -> None: ...

        def _next(self, rule_set: RuleSet, *, notice_days: int) -> Stage: ...

        def _official_figures_differ(self, differences: dict[str, Any]) -> None: ...

        def _statistics_recorded(
            self, year: int, statistics: dict[str, Any], basis: str
        ) -> None: ...

        def _submitted(self, round: int, to_stage: str, due_on: date | None) -> None: ...

        def _withdrawn(self, reason: str) -> None: ...

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

    def require_may_attach_evidence(self) -> None:
        """Asked before an upload's bytes are read: the stage and the officer's scope."""
        self._require_stage(Command.ATTACH_EVIDENCE)
        self._require_officer("attach evidence")

    def attach_evidence(self, file: Attachment) -> None:
        self.require_may_attach_evidence()
        digest = file.sha256.strip().lower()
        if not SHA256_HEX.match(digest):
            raise InvalidInput("sha256", "must be 64 hexadecimal characters")
        name = bounded_text("filename", file.filename, limit=255)
        if file.size <= 0:
            raise InvalidInput("size", "must be greater than zero")
        if digest in self.evidence:
            return
        self._evidence_attached(
            sha256=digest, filename=name, media_type=file.media_type, size=file.size
        )

    def write_achievement_report(self, text: str) -> None:
        self._require_stage(Command.WRITE_REPORT)
        self._require_officer("write the achievement report")
        report = bounded_text("text", text, limit=100_000)
        if report != self.achievement_report:
            self._achievement_report_written(text=report)

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

    def withdraw(self, reason: str) -> None:
        self._require_stage(Command.WITHDRAW)
        self._require_officer("withdraw the nomination")
        self._withdrawn(reason=bounded_text("reason", reason))
