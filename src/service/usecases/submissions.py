"""The decision chain after the council (docs/spec.md §12): the office's submission, and the
competent chairman's numbered decision on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.access import require_grant
from domain.authorities import (
    Authority,
    authority_for,
    district_authority,
    provincial_authorities,
    require_competent,
)
from domain.context import CommandContext, Role, acting
from domain.council import CouncilSession
from domain.criteria.awards import awardee_kind
from domain.criteria.ruleset import RuleSet
from domain.errors import InvalidInput, NotFound, StageTransitionError
from domain.nomination import Nomination
from domain.recovery import PrizeRecovery
from domain.registers import NumberRegister, register_id
from domain.stages import Stage
from domain.submission import Signer, Submission, submission_id
from domain.summaries import CommandResult
from service.application import NOMINATION, SESSION, Kind
from service.lookups import Lookups

SUBMISSION = Kind(Submission, lambda sid: NotFound(f"submission {sid} does not exist"))
REGISTER = Kind(NumberRegister, lambda rid: NotFound(f"register {rid} does not exist"))
OFFICE_REGISTER = "ban-tdkt-tinh"  # the appraising office's register of submissions
SUBMISSION_SUFFIX = "TTr-BTĐKT"
DECISION_SUFFIX = "QĐ-UBND"


class SubmissionCases(Lookups):
    """Prepare a submission; decide it."""

    def prepare_submission(
        self, ctx: CommandContext, session_id: UUID, nomination_ids: list[UUID], summary: str
    ) -> CommandResult:
        """Puts the dossiers the session recommended before the authority that decides
        them on today's date, numbered in the office's register."""
        with acting(ctx):
            require_grant("prepare a submission", Role.PROVINCE_REVIEWER)  # before any state
            session = self._load(SESSION, session_id)
            if not nomination_ids:
                raise InvalidInput("nomination_ids", "name at least one recommended dossier")
            if len(set(nomination_ids)) != len(nomination_ids):
                raise InvalidInput("nomination_ids", "names a dossier twice")
            dossiers = [self._load(NOMINATION, nid) for nid in nomination_ids]
            for n in dossiers:
                _require_recommended_by(n, str(session.id))
            rules = self.default_rule_set
            authorities = {
                authority_for(rules, n.award_form, n.unit, ctx.today).id: n for n in dossiers
            }
            if len(authorities) > 1:
                raise InvalidInput(
                    "nomination_ids",
                    f"the dossiers are decided by different authorities ({', '.join(authorities)})",
                )
            authority = authority_for(rules, dossiers[0].award_form, dossiers[0].unit, ctx.today)
            items = [_item(n) for n in dossiers]
        sid = submission_id(session_id, authority.id)

        def prepare(register: NumberRegister) -> list[Aggregate]:
            self._require_new_submission(sid)
            number = register.give(f"submission.{sid}")
            made = Submission.prepare(
                session_id, authority.to_dict(), number, items, summary, ctx.today
            )
            return [made]

        return self._numbered(ctx, OFFICE_REGISTER, SUBMISSION_SUFFIX, ctx.today.year, prepare, sid)

    def awaiting_decision(self, session_id: UUID) -> list[UUID]:
        """The dossiers this session recommended that wait for a submission: recommended,
        not decided, and in no submission yet."""
        return [n.id for n in self._awaiting(session_id)]

    def _awaiting(self, session_id: UUID) -> list[Nomination]:
        session = self._load(SESSION, session_id)
        submitted = self._submitted_from(session)
        loaded = (
            self._load(NOMINATION, UUID(item)) for item in session.agenda if item not in submitted
        )
        return [
            n
            for n in loaded
            if n.stage is Stage.AWAITING_DECISION and n.recommended_by()[0] == str(session_id)
        ]

    def _submitted_from(self, session: CouncilSession) -> set[str]:
        """The dossiers of this session's submissions, to whichever authority of its level
        they went (the province's before or after a merger; its district's)."""
        rules = self.default_rule_set
        if session.council_level == "district" and session.scope:
            authorities: tuple[Authority, ...] = (district_authority(rules, session.scope),)
        else:
            authorities = provincial_authorities(rules)
        held: set[str] = set()
        for authority in authorities:
            try:
                found = self._load(SUBMISSION, submission_id(session.id, authority.id))
            except NotFound:
                continue
            held.update(found.nomination_ids)
        return held

    def recommended(self, session_id: UUID) -> list[dict[str, Any]]:
        """What the session recommended that waits for a submission: each with its tally
        and the public feedback."""
        return [_item(n) for n in self._awaiting(session_id)]

    def get_submission(self, sid: UUID) -> dict[str, Any]:
        return self._load(SUBMISSION, sid).summary_dict()

    def _require_new_submission(self, sid: UUID) -> None:
        try:
            existing = self._load(SUBMISSION, sid)
        except NotFound:
            return
        raise StageTransitionError(
            f"submission {existing.number} for this session and authority exists already",
            submission_id=str(sid),
        )

    def _numbered(
        self,
        ctx: CommandContext,
        register: str,
        suffix: str,
        year: int,
        decide: Callable[[NumberRegister], list[Aggregate]],
        answer_for: UUID,
        answer_kind: Kind[Any] = SUBMISSION,
    ) -> CommandResult:
        """Runs ``decide`` with the year's register and saves them in one commit: a number is
        given only with the document it numbers. Of two writers racing for the next number,
        one loses the commit and runs again with the number after it."""
        rid = register_id(register, year)
        opening = replace(ctx, command_id=f"open-register:{register}:{year}")
        self._create(
            opening,
            rid,
            lambda: NumberRegister(register=register, year=year, suffix=suffix),
            f"register {register} of {year}",
        )
        result = self._execute(ctx, REGISTER, rid, decide, conflicts_retried=20)
        document = self._load(answer_kind, answer_for)
        return replace(result, id=answer_for, version=document.version)

    def decide_submission(
        self,
        ctx: CommandContext,
        sid: UUID,
        signed_on: date,
        signer: Signer,
        awarded: dict[str, str],
        not_awarded: dict[str, str],
        decision_number: str | None = None,
    ) -> CommandResult:
        """The chairman's decision, recorded as signed: the number comes from the
        authority's register for the signing year, or is the chancery's own, refused if
        used. Every dossier becomes decided in the same commit."""
        with acting(ctx):
            submission = self._load(SUBMISSION, sid)
            submission.require_may_decide()
            submission.check_decision(signer, awarded, not_awarded)
            if signed_on > ctx.today:
                raise InvalidInput("signed_on", "cannot be after today")
            if signed_on < submission.prepared_on:
                raise InvalidInput("signed_on", "cannot be before the submission was prepared")
            for nid in awarded:  # before a register is opened for the number
                self.require_no_hold(self._load(NOMINATION, UUID(nid)).unit.code)
        authority_id = str(submission.authority["id"])
        register = f"{authority_id}/{DECISION_SUFFIX}"
        year = signed_on.year

        def decide(numbers: NumberRegister) -> list[Aggregate]:
            current = self._load(SUBMISSION, sid)
            current.require_may_decide()
            dossiers = [self._load(NOMINATION, UUID(n)) for n in current.nomination_ids]
            rules = self.default_rule_set
            for n in dossiers:
                require_competent(rules, authority_id, n.award_form, n.unit, signed_on)
            document = f"decision.{sid}"
            number = (
                numbers.record(decision_number, document)
                if decision_number
                else numbers.give(document)
            )
            decision = current.decide(number, signed_on, signer, awarded, not_awarded)
            for n in dossiers:
                nid = str(n.id)
                won = nid in awarded
                reason = awarded[nid] if won else not_awarded[nid]
                record = {**decision, "submission_id": str(sid), "awarded": won, "reason": reason}
                if won:
                    self.require_no_hold(n.unit.code)
                    self.require_one_award(n)
                if won and rules.prizes is not None:
                    kind = awardee_kind(n.unit.kind.value)
                    record["prize"] = rules.prizes.prize(n.award_form, kind, signed_on).to_dict()
                n.decide_award(record)
            return [current, *dossiers]

        return self._numbered(ctx, register, DECISION_SUFFIX, year, decide, sid)

    def revoke_award(
        self,
        ctx: CommandContext,
        nid: UUID,
        reason: str,
        decision_number: str | None = None,
        recover_within: int | None = None,
    ) -> CommandResult:
        """The awarding authority revokes an award by a decision of its own (Law 06/2022/QH15
        art. 93), numbered in its register for the year like the award's, or under the
        chancery's number; the award stays in history and is withdrawn from now on. An award
        that carried a prize opens its recovery, due ``recover_within`` working days on, as
        the revoking decision sets it."""
        with acting(ctx):
            n = self._load(NOMINATION, nid)
            n.require_may_revoke()
            authority = _revoking_authority(n, self.default_rule_set, ctx.today)
        prize = (n.award_decision or {}).get("prize")
        if prize and recover_within is None:
            raise InvalidInput(
                "recover_within_working_days",
                f"the award carried a prize of {prize['amount_vnd']} đồng: say by when it is"
                " recovered",
            )
        if not prize and recover_within is not None:
            raise InvalidInput("recover_within_working_days", "the award carried no prize")
        register = f"{authority}/{DECISION_SUFFIX}"

        def revoke(numbers: NumberRegister) -> list[Aggregate]:
            current = self._load(NOMINATION, nid)
            current.require_may_revoke()
            document = f"revocation.{nid}"
            number = (
                numbers.record(decision_number, document)
                if decision_number
                else numbers.give(document)
            )
            current.revoke(reason, number)
            if not prize or recover_within is None:
                return [current]
            due = self.calendar.add_working_days(ctx.today, recover_within)
            recovery = PrizeRecovery.open(
                nid, n.unit.code, int(prize["amount_vnd"]), number, recover_within, due
            )
            return [current, recovery]

        return self._numbered(
            ctx, register, DECISION_SUFFIX, ctx.today.year, revoke, nid, NOMINATION
        )


def _revoking_authority(n: Nomination, rules: RuleSet, on: date) -> str:
    """The authority that decided the award; for one decided by a vote before the chain, the
    authority competent for its form on the day of the revocation."""
    decided_by = (n.award_decision or {}).get("authority")
    return str(decided_by) if decided_by else authority_for(rules, n.award_form, n.unit, on).id


def _require_recommended_by(n: Nomination, session_id: str) -> None:
    recommended_by, _ = n.recommended_by()
    if n.stage is not Stage.AWAITING_DECISION or recommended_by != session_id:
        raise StageTransitionError(
            f"nomination {n.id} is not a dossier session {session_id} recommended and awaiting"
            f" a decision (it is {n.stage.value})",
            nomination_id=str(n.id),
        )


def _item(n: Nomination) -> dict[str, Any]:
    """What the submission says of one dossier: the council's tally and the public
    feedback (Decree 152/2025 art. 44(2) asks the minutes for it)."""
    _, tally = n.recommended_by()
    return {
        "nomination_id": str(n.id),
        "unit_code": n.unit.code,
        "unit_name": n.unit.name,
        "award_form": n.award_form,
        "tally": tally,
        "objections": len(n.complaints),
        "objections_upheld": sum(1 for c in n.complaints.values() if c.upheld),
    }
