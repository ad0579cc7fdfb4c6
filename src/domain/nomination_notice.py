"""The public notice's steps of a dossier: objections filed (by the public only while the
notice is open), resolved, and the notice's end (docs/spec.md §5). Their events and what
they record stay on the Nomination, whose stored topics they are."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.access import require_grant
from domain.context import Role, current_context
from domain.errors import AlreadyExists, InvalidInput, StageTransitionError
from domain.nomination_reading import DossierReading
from domain.stages import Command, Stage
from domain.text import bounded_text


class PublicNoticeSteps(DossierReading):
    """Mixed into the Nomination: the commands of its public notice."""

    due_on: date | None

    if TYPE_CHECKING:  # the Nomination's, which records them

        def _complaint_filed(self, complaint_id: str, text: str, filed_by: str) -> None: ...

        def _complaint_resolved(self, complaint_id: str, resolution: str, upheld: bool) -> None: ...

        def _public_notice_ended(self, to_stage: str) -> None: ...

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
