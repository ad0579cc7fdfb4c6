"""A dossier before the council and after it: placed on a session's agenda, recommended or
deferred by its close, decided by the competent chairman on a submission, and an award
revoked (docs/spec.md §5, §7, §12). Their events and what they record stay on the
Nomination, whose stored topics they are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
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
    award_decision: dict[str, Any] | None

    if TYPE_CHECKING:  # the Nomination's

        def _council_recommended(
            self, session_id: str, recommendation: str, tally: dict[str, int], to_stage: str
        ) -> None: ...

        def _award_decided(self, decision: dict[str, Any], to_stage: str) -> None: ...

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

    def recommend(self, session_id: UUID, recommended: bool, tally: dict[str, int]) -> None:
        """The council's advice on this dossier (Law 06/2022/QH15 art. 79: the council
        advises; the chairman decides). A recommended dossier waits for the decision; one not
        recommended is closed."""
        self._require_stage(Command.DECIDE)
        self._require_on_agenda(session_id)
        self._require_no_open_complaint()
        self._council_recommended(
            session_id=str(session_id),
            recommendation="recommended" if recommended else "not_recommended",
            tally=tally,
            to_stage=(Stage.AWAITING_DECISION if recommended else Stage.CLOSED).value,
        )

    def decide_award(self, decision: dict[str, Any]) -> None:
        """The competent chairman's decision on this dossier in a numbered decision (Law
        06/2022/QH15 art. 80): ``decision`` holds the submission, whether it is awarded and
        why, the number, date, authority and the signer's title. The Submission checks it."""
        self._require_stage(Command.DECIDE_AWARD)
        self._require_no_open_complaint()
        reason = bounded_text("reason", str(decision["reason"]), limit=2000)
        self._award_decided(decision={**decision, "reason": reason}, to_stage=Stage.DECIDED.value)

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

    def require_may_revoke(self) -> None:
        """Only the authority that decided the award revokes it (any awarding authority, for
        one decided by a vote before the decision chain), and only an award."""
        self._require_stage(Command.REVOKE)
        decided_by = (self.award_decision or {}).get("authority")
        require_grant(
            "revoke an award",
            Role.AWARDING_AUTHORITY,
            lambda scope: decided_by is None or scope == decided_by,
        )
        if self.outcome != "approved":
            raise StageTransitionError(
                f"only an approved award can be revoked (it is {self.outcome})"
            )

    def revoke(self, reason: str, decision_number: str) -> None:
        """A compensating event: the award stands in history and is withdrawn from now on."""
        self.require_may_revoke()
        self._revoked(
            reason=bounded_text("reason", reason),
            decision_number=bounded_text("decision_number", decision_number, limit=100),
        )
