"""Cycles: their terms and their configuration."""

from __future__ import annotations

from domain.context import CommandContext
from domain.cycles import Cycle, CycleTerms, cycle_id
from domain.errors import (
    NotFound,
)
from domain.summaries import (
    CommandResult,
)
from service.application import (
    CYCLE,
)
from service.lookups import Lookups


class CycleCases(Lookups):
    """Cycles: their terms and their configuration."""

    # --- cycles --------------------------------------------------------------------------

    def configure_cycle(self, ctx: CommandContext, terms: CycleTerms) -> CommandResult:
        rules = self.default_rule_set
        try:
            self._load(CYCLE, cycle_id(terms.year))
        except NotFound:
            return self._create(
                ctx, cycle_id(terms.year), lambda: Cycle.configure(terms, rules), "cycle"
            )
        return self._execute(
            ctx, CYCLE, cycle_id(terms.year), lambda c: c.reconfigure(terms, rules)
        )
