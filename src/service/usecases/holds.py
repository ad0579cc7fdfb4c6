"""Holds on a nominee's commendation (docs/spec.md §5): placed by the office with their
reference, cleared by the decision that settled them; an open hold stops an award."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from domain.access import require_grant
from domain.context import CommandContext, Role, acting
from domain.errors import InvalidInput, NotFound, one_of
from domain.holds import CommendationHolds, HoldKind, holds_id
from domain.summaries import CommandResult
from domain.text import bounded_text
from service.application import HOLDS
from service.lookups import Lookups


class HoldCases(Lookups):
    """The office's holds on a nominee's commendation."""

    def place_hold(
        self, ctx: CommandContext, unit_code: str, kind: str, reason: str, reference: str
    ) -> tuple[CommandResult, str]:
        """Records a hold; answers the write and the hold's id."""
        self.unit(unit_code)  # an unknown unit is a 404
        which = one_of(HoldKind, kind, "kind")
        with acting(ctx):  # refused before anything is recorded
            require_grant("place a hold on a commendation", Role.PROVINCE_REVIEWER)
            bounded_text("reason", reason, limit=2000)
            bounded_text("reference", reference, limit=200)
        hid = holds_id(unit_code)
        opening = replace(ctx, command_id=f"open-holds:{unit_code}")
        self._create(
            opening, hid, lambda: CommendationHolds(unit_code=unit_code), f"holds of {unit_code}"
        )
        placed: list[str] = []

        def decide(holds: CommendationHolds) -> None:
            placed.append(holds.place(which, reason, reference, ctx.today))

        result = self._execute(ctx, HOLDS, hid, decide)
        return result, placed[0] if placed else sorted(self._holds(unit_code))[-1]

    def clear_hold(
        self,
        ctx: CommandContext,
        unit_code: str,
        hold_id: str,
        decision_number: str,
        decision_date: date,
        outcome: str,
    ) -> CommandResult:
        if decision_date > ctx.today:
            raise InvalidInput("decision_date", "cannot be after today")
        return self._execute(
            ctx,
            HOLDS,
            holds_id(unit_code),
            lambda h: h.clear(hold_id, decision_number, decision_date, outcome),
        )

    def holds_of(self, unit_code: str) -> list[dict[str, Any]]:
        """Every hold on the nominee, open ones first."""
        self.unit(unit_code)
        found = list(self._holds(unit_code).values())
        return sorted(found, key=lambda h: (h["cleared"] is not None, h["placed_on"]))

    def _holds(self, unit_code: str) -> dict[str, dict[str, Any]]:
        try:
            return dict(self._load(HOLDS, holds_id(unit_code)).holds)
        except NotFound:
            return {}
