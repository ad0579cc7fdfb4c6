"""A dossier before the council: placed on a session's agenda, decided or deferred by its
close, and an award revoked (docs/spec.md §5, §7). Their events and what they record stay
on the Nomination, whose stored topics they are."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.access import require_grant
from domain.context import Role
from domain.errors import StageTransitionError
from domain.nomination_reading import DossierReading
from domain.stages import Command, Stage
from domain.text import bounded_text


class CouncilSteps(DossierReading):
    """Mixed into the Nomination: its steps before the council."""

    agenda_session_id: str | None
    outcome: str | None

    if TYPE_CHECKING:  # the Nomination's

        def _council_decided(
            self,
            session_id: str,
            outcome: str,
            tally: dict[str, int],
            decision_number: str | None,
            decision_date: date,
            to_stage: str,
        ) -> None: ...

        def _council_deferred(self, session_id: str, reason: str) -> None: ...

        def _placed_on_agenda(self, session_id: str) -> None: ...

        def _revoked(self, reason: str, decision_number: str) -> None: ...

    def place_on_agenda(self, session_id: UUID) -> None:
        self._require_stage(Command.PLACE_ON_AGENDA)
        require_grant("set a council agenda", Role.COUNCIL_SECRETARY)
        if self.agenda_session_id is not None:
            raise StageTransitionError(
                f"already on the agenda of session {self.agenda_session_id}",
                session_id=self.agenda_session_id,
            )
        self._placed_on_agenda(session_id=str(session_id))

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

    def defer(self, session_id: UUID, reason: str) -> None:
        """The session closed without deciding this item; it waits for another session."""
        self._require_stage(Command.DECIDE)
        self._require_on_agenda(session_id)
        self._council_deferred(session_id=str(session_id), reason=reason)

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
