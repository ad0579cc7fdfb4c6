"""What a dossier says of itself (its stage, nominee, figures on each basis, checks in
force, open visits and objections) and the guards every command starts with: the stage
allows it, the caller holds the grant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from domain.access import require_grant
from domain.context import Role
from domain.criteria.checks import CriterionCheck, RuleSetRef
from domain.criteria.rules import Basis
from domain.criteria.ruleset import RuleSet
from domain.dossier import Complaint, CouncilDecision, Revocation, Visit
from domain.errors import InvalidInput, StageTransitionError
from domain.judging import checks_in_force
from domain.stages import ALLOWED, Command, Stage
from domain.statistics import YearStatistics
from domain.units import Nominee


class DossierReading:
    """Mixed into the Nomination: its reading and its guards."""

    checks: list[dict[str, Any]]
    complaints: dict[str, Complaint]
    id: UUID
    official_statistics: dict[str, dict[str, Any]]
    statistics: dict[str, dict[str, Any]]
    verified_statistics: dict[str, dict[str, Any]]
    visits: dict[str, Visit]
    evaluation_years: list[int]
    nominee: dict[str, Any]
    rule_set: dict[str, Any]
    stage_name: str

    # Set by the decision chain (docs/spec.md §12); dossiers recorded or snapshotted before it
    # read these defaults.
    recommendation: dict[str, Any] | None = None
    award_decision: dict[str, Any] | None = None

    def _begin_dossier(self) -> None:
        """The parts of a dossier that opening leaves empty."""
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

    def recommended_by(self) -> tuple[str, dict[str, int]]:
        """The session that recommended this dossier, and its tally."""
        if self.recommendation is None:
            return "", {}
        return str(self.recommendation["session_id"]), dict(self.recommendation["tally"])

    @property
    def decided_under(self) -> str | None:
        """How the dossier was decided: by the competent chairman's decision, or, before the
        decision chain, by the council's vote (kept as it was recorded)."""
        if self.stage_name != Stage.DECIDED.value:
            return None
        return "authority_decision" if self.award_decision else "former_council_vote"

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
