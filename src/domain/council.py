"""The CouncilSession aggregate: members, agenda, secret ballots and the closing decision."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from domain.access import require_grant
from domain.calendar import VIETNAM
from domain.chain import ChainedAggregate
from domain.context import Role, current_context
from domain.council_voting import (
    SEALED,
    Choice,
    ItemBallots,
    default_closing,
    item_result,
    require_one_way,
)
from domain.criteria.schema import VotingRule
from domain.dossier import Attachment
from domain.errors import AlreadyExists, InvalidInput, JurisdictionError, StageTransitionError
from domain.text import bounded_text, free_text


class SessionState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


def _now() -> datetime:
    """The command's time: its recorded instant, or the start of its business day."""
    ctx = current_context()
    return ctx.at or datetime.combine(ctx.today, time(0), VIETNAM)


class CouncilSession(ChainedAggregate):
    @classmethod
    def schedule(
        cls,
        title: str,
        scheduled_for: date,
        members: list[str],
        award_form: str,
        council_level: str,
        scope: str | None,
        voting_rule: VotingRule,
        session_id: UUID | None = None,
    ) -> CouncilSession:
        """``session_id`` comes from the command, so repeating the command finds the session
        it made instead of making another."""
        require_grant("schedule a council session", Role.COUNCIL_SECRETARY)
        name = free_text("title", title or "").strip()
        if not name:
            raise InvalidInput("title", "is required")
        unique = sorted({m.strip() for m in members if m and m.strip()})
        if not unique:
            raise InvalidInput("members", "a session needs at least one member")
        if len(unique) != len(members):
            raise InvalidInput("members", "each member must be listed once")
        if council_level == "district" and not scope:
            raise InvalidInput("scope", "a district council session needs the district code")
        session: CouncilSession = cls._create(
            cls.Scheduled,
            id=session_id or uuid4(),
            title=name,
            scheduled_for=scheduled_for,
            members=unique,
            award_form=award_form,
            council_level=council_level,
            scope=scope,
            voting_rule=voting_rule.to_dict(),
        )
        return session

    class Scheduled(ChainedAggregate.Created):
        title: str
        scheduled_for: date
        members: list[str]
        award_form: str
        council_level: str
        scope: str | None
        voting_rule: dict[str, Any]

    @event(Scheduled)
    def __init__(
        self,
        title: str,
        scheduled_for: date,
        members: list[str],
        award_form: str,
        council_level: str,
        scope: str | None,
        voting_rule: dict[str, Any],
    ) -> None:
        self.title = title
        self.scheduled_for = scheduled_for
        self.members = list(members)
        self.award_form = award_form
        self.council_level = council_level
        self.scope = scope
        self.voting_rule = voting_rule
        self.state_name = SessionState.DRAFT.value
        self.agenda: list[str] = []
        # Ballots stay in the aggregate for the tally; read models show participation only.
        self.ballots: dict[str, dict[str, str]] = {}
        self.results: dict[str, dict[str, Any]] = {}
        self.closes_at: datetime | None = None
        self.reminders = 0

    @property
    def state(self) -> SessionState:
        return SessionState(self.state_name)

    @property
    def rule(self) -> VotingRule:
        return VotingRule.from_dict(self.voting_rule)

    def _require_state(self, action: str, *states: SessionState) -> None:
        if self.state not in states:
            raise StageTransitionError(
                f"cannot {action} while the session is {self.state.value}",
                session_id=str(self.id),
            )

    def add_item(self, nomination_id: UUID, award_form: str) -> None:
        require_grant("set the agenda", Role.COUNCIL_SECRETARY)
        self._require_state("change the agenda", SessionState.DRAFT)
        if award_form != self.award_form:
            raise InvalidInput(
                "nomination_id", f"the session decides {self.award_form}, not {award_form}"
            )
        if str(nomination_id) in self.agenda:
            raise AlreadyExists(f"{nomination_id} is already on the agenda")
        self._item_added(nomination_id=str(nomination_id))

    class ItemAdded(ChainedAggregate.Event):
        nomination_id: str

    @event(ItemAdded)
    def _item_added(self, nomination_id: str) -> None:
        self.agenda.append(nomination_id)
        self.ballots[nomination_id] = {}

    def recuse_automatically(self, nomination_id: UUID, member_id: str, reason: str) -> None:
        """A member who belongs to the nominated unit does not vote on it; the record says why."""
        item = str(nomination_id)
        if (
            item in self.agenda
            and member_id in self.members
            and member_id not in self.ballots[item]
        ):
            self._member_recused(nomination_id=item, member_id=member_id, reason=reason)

    class MemberRecused(ChainedAggregate.Event):
        nomination_id: str
        member_id: str
        reason: str

    @event(MemberRecused)
    def _member_recused(self, nomination_id: str, member_id: str, reason: str) -> None:
        self.ballots[nomination_id][member_id] = Choice.RECUSE.value
        # Set on first use, so sessions from before it replay to the snapshots they had.
        reasons = self.__dict__.setdefault("recusal_reasons", {})
        reasons.setdefault(nomination_id, {})[member_id] = reason

    @property
    def recusal_reasons(self) -> dict[str, dict[str, str]]:
        """Why each member stood aside from each item: recusal is declared, with its reason."""
        found: dict[str, dict[str, str]] = self.__dict__.get("recusal_reasons", {})
        return found

    def open(self) -> None:
        require_grant("open the session", Role.COUNCIL_SECRETARY)
        self._require_state("open the session", SessionState.DRAFT)
        if not self.agenda:
            raise StageTransitionError("the agenda is empty", session_id=str(self.id))
        opened_at = _now()
        if self.closes_at is None:
            self._closing_deadline_set(closes_at=default_closing(self.scheduled_for, opened_at))
        elif self.closes_at <= opened_at:
            # Opened, it would close at once: nobody could vote.
            raise InvalidInput(
                "closes_at",
                f"voting would close at {self.closes_at.isoformat()}, which has passed;"
                " move the closing deadline first",
            )
        self._session_opened()

    class SessionOpened(ChainedAggregate.Event):
        pass

    @event(SessionOpened)
    def _session_opened(self) -> None:
        self.state_name = SessionState.OPEN.value

    def cast_vote(
        self,
        nomination_id: UUID,
        choice: Choice,
        reason: str = "",
        seal: Callable[[str, str, str], str] | None = None,
        in_writing: bool = False,
    ) -> None:
        """A ballot; standing aside (recusal) is declared with a short reason, which the
        record and the minutes keep. A secret ballot given ``seal`` (item, member, choice ->
        sealed text) is recorded sealed: the store keeps who voted apart from what they
        chose (docs/spec.md §7). ``in_writing``: the member does not attend and votes in
        writing before the session closes, where the voting rule provides for it; a member
        takes part one way in a session, which the minutes say."""
        member = current_context().actor.account_id
        require_grant("vote", Role.COUNCIL_MEMBER)
        if member not in self.members:
            raise JurisdictionError(f"{member} is not a member of this session", account_id=member)
        self._require_state("vote", SessionState.OPEN)
        item = str(nomination_id)
        if item not in self.agenda:
            raise InvalidInput("nomination_id", f"{item} is not on this session's agenda")
        if member in self.ballots[item]:
            raise AlreadyExists(f"{member} has already voted on {item}", nomination_id=item)
        # A recusal, which the rule may record for a member unasked, fixes no way of taking part.
        voted = any(
            ballots.get(member, Choice.RECUSE.value) != Choice.RECUSE.value
            for ballots in self.ballots.values()
        )
        declares = require_one_way(self.rule, in_writing, voted, member in self.in_writing)
        recusal = Choice(choice) is Choice.RECUSE
        why = bounded_text("reason", reason, limit=500) if recusal else ""
        if not recusal and reason.strip():
            raise InvalidInput("reason", "only a recusal takes a reason")
        if declares:
            self._written_vote_declared(member_id=member)
        if recusal:
            self._member_recused(nomination_id=item, member_id=member, reason=why)
            return
        if seal is not None and self.rule.secret_ballot:
            sealed = seal(item, member, Choice(choice).value)
            self._ballot_sealed(nomination_id=item, member_id=member, sealed=sealed)
            return
        self._ballot_cast(nomination_id=item, member_id=member, choice=Choice(choice).value)

    class WrittenVoteDeclared(ChainedAggregate.Event):
        member_id: str

    @event(WrittenVoteDeclared)
    def _written_vote_declared(self, member_id: str) -> None:
        # Set on first use, so sessions from before it replay to the snapshots they had.
        self.__dict__.setdefault("written", []).append(member_id)

    @property
    def in_writing(self) -> list[str]:
        """The members who did not attend and voted in writing, in the order they declared."""
        found: list[str] = self.__dict__.get("written", [])
        return found

    class BallotSealed(ChainedAggregate.Event):
        nomination_id: str
        member_id: str
        sealed: str  # the choice under the ballot key, bound to the item and the member

    @event(BallotSealed)
    def _ballot_sealed(self, nomination_id: str, member_id: str, sealed: str) -> None:
        self.ballots[nomination_id][member_id] = SEALED
        self.__dict__.setdefault("sealed", {}).setdefault(nomination_id, {})[member_id] = sealed

    def sealed_ballots(self) -> dict[str, dict[str, str]]:
        """Each item's sealed ballots by member, to be opened by whoever holds the key."""
        found: dict[str, dict[str, str]] = self.__dict__.get("sealed", {})
        return found

    class BallotCast(ChainedAggregate.Event):
        nomination_id: str
        member_id: str
        choice: str

    @event(BallotCast)
    def _ballot_cast(self, nomination_id: str, member_id: str, choice: str) -> None:
        self.ballots[nomination_id][member_id] = choice

    def attach_signed_decision(
        self, scan: Attachment, generated_sha256: str, document_id: str
    ) -> None:
        """The decision as signed and scanned, kept beside the one the product generated:
        both digests stay in the session's record."""
        self.require_may_attach_signed_decision()
        for name, value in (("sha256", scan.sha256), ("generated_sha256", generated_sha256)):
            if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
                raise InvalidInput(name, "must be 64 lowercase hex digits")
        if scan.sha256 in self.signed_decisions:
            raise AlreadyExists(f"{scan.filename} is attached already", sha256=scan.sha256)
        self._signed_decision_attached(
            sha256=scan.sha256,
            filename=bounded_text("filename", scan.filename, limit=255),
            media_type=scan.media_type,
            size=scan.size,
            generated_sha256=generated_sha256,
            document_id=document_id,
        )

    def require_may_attach_signed_decision(self) -> None:
        require_grant("attach the signed decision", Role.COUNCIL_SECRETARY)
        self._require_state("attach the signed decision", SessionState.CLOSED)

    class SignedDecisionAttached(ChainedAggregate.Event):
        sha256: str
        filename: str
        media_type: str
        size: int
        generated_sha256: str
        document_id: str

    @event(SignedDecisionAttached)
    def _signed_decision_attached(
        self,
        sha256: str,
        filename: str,
        media_type: str,
        size: int,
        generated_sha256: str,
        document_id: str,
    ) -> None:
        # Set on first use, so sessions from before it replay to the snapshots they had.
        self.__dict__.setdefault("signed_decisions", {})[sha256] = {
            "filename": filename,
            "media_type": media_type,
            "size": size,
            "generated_sha256": generated_sha256,
            "document_id": document_id,
        }

    @property
    def signed_decisions(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = self.__dict__.get("signed_decisions", {})
        return found

    def recusals(self) -> dict[str, list[str]]:
        """Who stood aside from each item, by rule or by choice: recusal is declared, and
        the minutes name it; how anyone else voted stays secret."""
        return {
            item: sorted(m for m, choice in ballots.items() if choice == Choice.RECUSE.value)
            for item, ballots in self.ballots.items()
        }

    def participation(self) -> dict[str, list[str]]:
        """Who has voted on each item, never how."""
        return {item: sorted(ballots) for item, ballots in self.ballots.items()}

    def set_closing_deadline(self, closes_at: datetime) -> None:
        """When voting closes unless the secretary closes it first."""
        require_grant("set the closing deadline", Role.COUNCIL_SECRETARY, also=(Role.SYSTEM,))
        self._require_state("move the closing deadline", SessionState.DRAFT, SessionState.OPEN)
        if closes_at.tzinfo is None:
            raise InvalidInput("closes_at", "must include a time zone")
        if closes_at <= _now():
            raise InvalidInput("closes_at", f"{closes_at.isoformat()} has already passed")
        if closes_at != self.closes_at:
            self._closing_deadline_set(closes_at=closes_at)

    class ClosingDeadlineSet(ChainedAggregate.Event):
        closes_at: datetime

    @event(ClosingDeadlineSet)
    def _closing_deadline_set(self, closes_at: datetime) -> None:
        self.closes_at = closes_at

    def not_voted(self) -> list[str]:
        """Members who have not voted on every item (recusal counts as taking part)."""
        return sorted(m for m in self.members if any(m not in b for b in self.ballots.values()))

    def request_reminder(self) -> None:
        """The secretary asks for a reminder now; the session's workflow sends it to those
        who have not voted and records it."""
        require_grant("send a reminder", Role.COUNCIL_SECRETARY)
        self._require_state("send a reminder", SessionState.OPEN)
        if not self.not_voted():
            raise StageTransitionError(
                "every member has voted on every item: nobody to remind", session_id=str(self.id)
            )
        self._reminder_requested()

    class ReminderRequested(ChainedAggregate.Event):
        pass

    @event(ReminderRequested)
    def _reminder_requested(self) -> None:
        # Set on first use, so sessions from before it replay to the snapshots they had.
        self.__dict__["reminders_requested"] = self.__dict__.get("reminders_requested", 0) + 1

    def record_reminder(self, recipients: list[str], message: str) -> bool:
        require_grant("record a reminder", Role.SYSTEM)
        if self.state is not SessionState.OPEN:
            return False
        self._reminder_sent(recipients=sorted(recipients), message=message)
        return True

    class ReminderSent(ChainedAggregate.Event):
        recipients: list[str]
        message: str

    @event(ReminderSent)
    def _reminder_sent(self, recipients: list[str], message: str) -> None:
        self.reminders += 1

    def close(
        self,
        blocked: dict[str, str],
        ceased: str | None = None,
        opened: dict[str, list[str]] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """Tallies every item. ``blocked`` maps items that cannot be decided to the reason;
        ``ceased``, the law that ended the council's level: then no item is decided;
        ``opened``, each item's sealed ballots opened, in no member's order: the result
        records them sorted, so the tally can be counted again from the log."""
        require_grant("close the session", Role.COUNCIL_SECRETARY, also=(Role.SYSTEM,))
        ends = (SessionState.OPEN,) if ceased is None else (SessionState.OPEN, SessionState.DRAFT)
        self._require_state("close the session", *ends)
        rule = self.rule
        results: dict[str, dict[str, Any]] = {}
        for item in self.agenda:
            unsealed = sorted((opened or {}).get(item, []))
            if len(unsealed) != len(self.sealed_ballots().get(item, {})):
                raise StageTransitionError(
                    f"item {item}: {len(unsealed)} ballots opened for"
                    f" {len(self.sealed_ballots().get(item, {}))} sealed",
                    session_id=str(self.id),
                )
            ballots = self.ballots[item]
            results[item] = item_result(
                ItemBallots(len(self.members), ballots, unsealed, set(self.in_writing)),
                rule,
                ceased or blocked.get(item),
                blocked=ceased is None and item in blocked,
            )
        self._session_closed(results=results)
        return results

    class SessionClosed(ChainedAggregate.Event):
        results: dict[str, dict[str, Any]]

    @event(SessionClosed)
    def _session_closed(self, results: dict[str, dict[str, Any]]) -> None:
        self.state_name = SessionState.CLOSED.value
        self.results = results
