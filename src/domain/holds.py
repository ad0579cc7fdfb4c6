"""Holds on a nominee's commendation (docs/spec.md §5): a nominee under a pending discipline,
inspection or investigation, or a denunciation being verified, is not commended until it is
settled (Decree 152/2025/NĐ-CP art. 4). The office records each hold with its reference; it
is cleared only by recording the decision that settled it. While any hold is open, no decision
may award the nominee.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.access import require_grant
from domain.chain import ChainedAggregate
from domain.context import Role
from domain.errors import InvalidInput, NotFound, StageTransitionError
from domain.text import bounded_text

BASIS = "Nghị định số 152/2025/NĐ-CP, Điều 4"


class HoldKind(StrEnum):
    DISCIPLINE = "discipline"  # đang xem xét kỷ luật
    INSPECTION = "inspection"  # đang thanh tra, kiểm tra
    INVESTIGATION = "investigation"  # đang điều tra
    DENUNCIATION = "denunciation"  # đơn thư tố cáo đang xác minh


def holds_id(unit_code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/holds/{unit_code}")


class CommendationHolds(ChainedAggregate):
    """Every hold on one nominee, open or cleared."""

    @staticmethod
    def create_id(unit_code: str) -> UUID:
        return holds_id(unit_code)

    class Started(ChainedAggregate.Created):
        unit_code: str

    @event(Started)
    def __init__(self, unit_code: str) -> None:
        self.unit_code = unit_code
        self.holds: dict[str, dict[str, Any]] = {}

    def place(self, kind: HoldKind, reason: str, reference: str, on: date) -> str:
        """Records a hold; answers its id (``H1``, ``H2``, … in the order placed)."""
        require_grant("place a hold on a commendation", Role.PROVINCE_REVIEWER)
        hold_id = f"H{len(self.holds) + 1}"
        self._placed(
            hold_id=hold_id,
            kind=kind.value,
            reason=bounded_text("reason", reason, limit=2000),
            reference=bounded_text("reference", reference, limit=200),
            placed_on=on,
        )
        return hold_id

    class Placed(ChainedAggregate.Event):
        hold_id: str
        kind: str
        reason: str
        reference: str
        placed_on: date

    @event(Placed)
    def _placed(
        self, hold_id: str, kind: str, reason: str, reference: str, placed_on: date
    ) -> None:
        self.holds[hold_id] = {
            "hold_id": hold_id,
            "kind": kind,
            "reason": reason,
            "reference": reference,
            "placed_on": placed_on.isoformat(),
            "cleared": None,
        }

    def clear(self, hold_id: str, decision_number: str, decision_date: date, outcome: str) -> None:
        """Clears an open hold by the decision that settled it (its number, date and what it
        concluded)."""
        require_grant("clear a hold on a commendation", Role.PROVINCE_REVIEWER)
        hold = self.holds.get(hold_id)
        if hold is None:
            raise NotFound(f"hold {hold_id} of {self.unit_code} does not exist", hold_id=hold_id)
        if hold["cleared"] is not None:
            raise StageTransitionError(
                f"hold {hold_id} was cleared by decision {hold['cleared']['decision_number']}",
                hold_id=hold_id,
            )
        if decision_date < date.fromisoformat(hold["placed_on"]):
            raise InvalidInput("decision_date", "cannot be before the hold was placed")
        self._cleared(
            hold_id=hold_id,
            decision_number=bounded_text("decision_number", decision_number, limit=100),
            decision_date=decision_date,
            outcome=bounded_text("outcome", outcome, limit=2000),
        )

    class Cleared(ChainedAggregate.Event):
        hold_id: str
        decision_number: str
        decision_date: date
        outcome: str

    @event(Cleared)
    def _cleared(
        self, hold_id: str, decision_number: str, decision_date: date, outcome: str
    ) -> None:
        self.holds[hold_id]["cleared"] = {
            "decision_number": decision_number,
            "decision_date": decision_date.isoformat(),
            "outcome": outcome,
        }

    def open_holds(self) -> list[dict[str, Any]]:
        return [dict(h) for h in self.holds.values() if h["cleared"] is None]

    def require_none_open(self) -> None:
        """Refuses to award while a hold is open, naming it and the law."""
        for hold in self.open_holds():
            raise StageTransitionError(
                f"{self.unit_code} is under a pending {hold['kind']} ({hold['reference']}):"
                f" it cannot be awarded until the hold {hold['hold_id']} is cleared ({BASIS})",
                hold_id=hold["hold_id"],
                unit_code=self.unit_code,
            )
