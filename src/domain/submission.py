"""The Submission aggregate (Tờ trình): the appraising office puts the dossiers its council
recommended before the competent chairman, who decides each one in a numbered decision
(Law 06/2022/QH15 arts. 79–80; docs/spec.md §12)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.access import require_grant
from domain.chain import ChainedAggregate
from domain.context import Role
from domain.errors import InvalidInput, StageTransitionError
from domain.text import bounded_text

# Decree 30/2020/NĐ-CP, Annex I: a vice-chairman signs on the chairman's behalf, "KT." above
# the chairman's title and their own below it.
SIGNER_TITLES = {"Chủ tịch": "CHỦ TỊCH", "Phó Chủ tịch": "KT. CHỦ TỊCH"}


@dataclass(frozen=True)
class Signer:
    """Who signs a decision: the title they sign under and their full name."""

    title: str
    name: str

    def checked(self) -> Signer:
        if self.title not in SIGNER_TITLES:
            raise InvalidInput("signer_title", f"must be one of {', '.join(SIGNER_TITLES)}")
        return Signer(self.title, bounded_text("signer_name", self.name, limit=200))

    @property
    def block(self) -> list[str]:
        """The signature block's title lines."""
        if self.title == "Phó Chủ tịch":
            return ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
        return ["CHỦ TỊCH"]


class SubmissionState(StrEnum):
    WAITING = "waiting"
    DECIDED = "decided"


def submission_id(session_id: UUID | str, authority_id: str) -> UUID:
    """One submission per session and authority: preparing it again finds the first."""
    return uuid5(NAMESPACE_URL, f"/submissions/{session_id}/{authority_id}")


class Submission(ChainedAggregate):
    @staticmethod
    def create_id(session_id: str, authority: dict[str, Any], **_: Any) -> UUID:
        return submission_id(session_id, str(authority["id"]))

    @classmethod
    def prepare(
        cls,
        session_id: UUID,
        authority: dict[str, Any],
        number: str,
        items: list[dict[str, Any]],
        summary: str,
        prepared_on: date,
    ) -> Submission:
        require_grant("prepare a submission", Role.PROVINCE_REVIEWER)
        if not items:
            raise InvalidInput("nomination_ids", "name at least one recommended dossier")
        return cls(
            session_id=str(session_id),
            authority=authority,
            number=number,
            items=items,
            summary=bounded_text("summary", summary, limit=4000),
            prepared_on=prepared_on,
        )

    class Prepared(ChainedAggregate.Created):
        session_id: str
        authority: dict[str, Any]
        number: str
        items: list[dict[str, Any]]
        summary: str
        prepared_on: date

    @event(Prepared)
    def __init__(
        self,
        session_id: str,
        authority: dict[str, Any],
        number: str,
        items: list[dict[str, Any]],
        summary: str,
        prepared_on: date,
    ) -> None:
        self.session_id = session_id
        self.authority = authority
        self.number = number
        self.items = items
        self.summary = summary
        self.prepared_on = prepared_on
        self.state = SubmissionState.WAITING.value
        self.decision: dict[str, Any] | None = None

    def summary_dict(self) -> dict[str, Any]:
        """What a reader sees: JSON-ready, not the aggregate."""
        return {
            "id": str(self.id),
            "number": self.number,
            "session_id": self.session_id,
            "authority": dict(self.authority),
            "items": [dict(i) for i in self.items],
            "summary": self.summary,
            "prepared_on": self.prepared_on.isoformat(),
            "state": self.state,
            "decision": dict(self.decision) if self.decision else None,
            "version": self.version,
        }

    @property
    def nomination_ids(self) -> list[str]:
        return [str(i["nomination_id"]) for i in self.items]

    def require_may_decide(self) -> None:
        require_grant(
            "decide this submission",
            Role.AWARDING_AUTHORITY,
            lambda scope: scope == self.authority["id"],
        )
        if self.state != SubmissionState.WAITING.value:
            raise StageTransitionError(
                f"submission {self.number} is decided already, by decision"
                f" {(self.decision or {}).get('number')}",
                submission_id=str(self.id),
            )

    def check_decision(
        self, signer: Signer, awarded: dict[str, str], not_awarded: dict[str, str]
    ) -> Signer:
        """Every dossier of the submission decided once, each with a reason; the signer as
        the decision records them."""
        checked = signer.checked()
        for name, part in (("awarded", awarded), ("not_awarded", not_awarded)):
            for nid, reason in part.items():
                if nid not in self.nomination_ids:
                    raise InvalidInput(name, f"{nid} is not in submission {self.number}")
                if not reason.strip():
                    raise InvalidInput(name, f"{nid} needs a reason")
        both = set(awarded) & set(not_awarded)
        if both:
            raise InvalidInput("not_awarded", f"{sorted(both)[0]} is also awarded")
        missing = [n for n in self.nomination_ids if n not in awarded and n not in not_awarded]
        if missing:
            raise InvalidInput("awarded", f"{missing[0]} is neither awarded nor not awarded")
        return checked

    def decide(
        self,
        number: str,
        signed_on: date,
        signer: Signer,
        awarded: dict[str, str],
        not_awarded: dict[str, str],
    ) -> dict[str, Any]:
        """Records the decision as signed; answers what each dossier records of it."""
        self.require_may_decide()
        signer = self.check_decision(signer, awarded, not_awarded)
        self._decided(
            number=number,
            signed_on=signed_on,
            signer_title=signer.title,
            signer_name=signer.name,
            awarded=awarded,
            not_awarded=not_awarded,
        )
        return {
            "number": number,
            "date": signed_on.isoformat(),
            "authority": self.authority["id"],
            "signer_title": signer.title,
            "signs_as": SIGNER_TITLES[signer.title],
        }

    class Decided(ChainedAggregate.Event):
        number: str
        signed_on: date
        signer_title: str
        signer_name: str
        awarded: dict[str, str]
        not_awarded: dict[str, str]

    @event(Decided)
    def _decided(
        self,
        number: str,
        signed_on: date,
        signer_title: str,
        signer_name: str,
        awarded: dict[str, str],
        not_awarded: dict[str, str],
    ) -> None:
        self.state = SubmissionState.DECIDED.value
        self.decision = {
            "number": number,
            "signed_on": signed_on.isoformat(),
            "signer_title": signer_title,
            "signer_name": signer_name,
            "signs_as": SIGNER_TITLES[signer_title],
            "awarded": dict(awarded),
            "not_awarded": dict(not_awarded),
        }
