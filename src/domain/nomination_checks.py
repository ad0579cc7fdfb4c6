"""Recording a criterion check on a dossier: what the judging functions decided, with its
inputs' provenance and who checked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.context import current_context
from domain.criteria.rules import Basis
from domain.criteria.ruleset import RuleSet
from domain.criteria.schema import CriterionResult
from domain.judging import recorded_check
from domain.nomination_reading import DossierReading


class CheckRecording(DossierReading):
    """Mixed into the Nomination: the one way a check is recorded."""

    summed_from: dict[str, list[dict[str, Any]]]

    if TYPE_CHECKING:  # the Nomination's

        def _criterion_checked(self, check: dict[str, Any], stage: str) -> None: ...

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
