"""Council sessions: agenda, recusal, ballots and the closing decision."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.context import CommandContext, acting
from domain.council import CouncilSession
from domain.council_voting import Choice, ItemOutcome
from domain.councils import Council, composition, council_id
from domain.dossier import Attachment
from domain.errors import (
    InvalidInput,
    NotFound,
    StageTransitionError,
    one_of,
)
from domain.summaries import (
    CommandResult,
)
from service.application import (
    NOMINATION,
    SESSION,
    Kind,
    _ignore,
)
from service.ballots import open_ballots, sealer
from service.lookups import Lookups

COUNCIL = Kind(Council, lambda cid: NotFound(f"council {cid} is not in the register"))


class CouncilCases(Lookups):
    """Council sessions: agenda, recusal, ballots and the closing decision."""

    # --- council -------------------------------------------------------------------------

    def schedule_council_session(
        self,
        ctx: CommandContext,
        title: str,
        scheduled_for: date,
        members: list[str] | None,
        award_form: str,
        scope: str | None = None,
    ) -> CommandResult:
        """A session of the council whose form it is. Where the council is registered, its
        members are those in office on the session's date (``members``, when given, must
        be them); a council not registered names its members here."""
        rules = self.default_rule_set
        form = rules.award_form(award_form)
        sid = uuid5(NAMESPACE_URL, f"/council-sessions/{ctx.command_id}")
        if form.council_level == "district" and scope is not None:
            self._require_district_in_force(scope, max(scheduled_for, ctx.today))
        rules.require_form_in_force(award_form, max(scheduled_for, ctx.today))
        district_scope = scope if form.council_level == "district" else None
        members = self._members_on(form.council_level, district_scope, scheduled_for, members)
        return self._create(
            ctx,
            sid,
            lambda: CouncilSession.schedule(
                title,
                scheduled_for,
                members,
                award_form,
                form.council_level,
                scope if form.council_level == "district" else None,
                form.voting,
                sid,
            ),
            "this council session",
        )

    def add_to_agenda(self, ctx: CommandContext, sid: UUID, nid: UUID) -> CommandResult:
        def decide(s: CouncilSession) -> list[Aggregate]:
            n = self._load(NOMINATION, nid)
            if s.scope is not None and n.unit.district_code != s.scope:
                raise InvalidInput(
                    "nomination_id", f"{nid} is outside the district of this council ({s.scope})"
                )
            self.require_one_award(n)
            s.add_item(n.id, n.award_form)
            for member, _ in self._members_of_unit(s.members, n.unit.code):
                # Said as the minutes say it: by the unit's name, not by codes.
                s.recuse_automatically(
                    n.id, member, f"Thuộc đơn vị được đề nghị khen thưởng: {n.unit.name}"
                )
            n.place_on_agenda(s.id)
            return [n]

        return self._execute(ctx, SESSION, sid, decide)

    def _members_of_unit(self, members: Sequence[str], unit_code: str) -> list[tuple[str, str]]:
        """Members with a role scoped to the unit itself, and that role."""
        found = []
        for member in members:
            account = self.find_account(member)
            if account is None:
                continue
            for grant in account.grants:
                if grant.get("scope") == unit_code:
                    found.append((member, str(grant["role"])))
                    break
        return found

    def open_session(self, ctx: CommandContext, sid: UUID) -> CommandResult:
        def decide(s: CouncilSession) -> None:
            if s.council_level == "district" and s.scope:
                self._require_district_in_force(s.scope, ctx.today)
            s.open()

        return self._execute(ctx, SESSION, sid, decide)

    # --- the register of councils --------------------------------------------------------

    def constitute_council(
        self, ctx: CommandContext, level: str, scope: str | None, terms: dict[str, Any]
    ) -> CommandResult:
        """Registers a council's composition by the decision that made it: the first, or a
        later one that changes it from its day on."""
        checked = composition(
            str(terms["decision_number"]),
            terms["decision_date"],
            str(terms["chair"]),
            list(terms["members"]),
            terms["valid_from"],
        )
        cid = council_id(level, scope)
        try:
            self._load(COUNCIL, cid)
        except NotFound:
            return self._create(
                ctx, cid, lambda: Council.constitute(level, scope, checked), "this council"
            )
        return self._execute(ctx, COUNCIL, cid, lambda c: c.recompose(checked))

    def council_register(self, level: str, scope: str | None) -> dict[str, Any]:
        council = self._load(COUNCIL, council_id(level, scope))
        return {
            "level": council.level,
            "scope": council.scope,
            "compositions": [dict(c) for c in council.compositions],
            "version": council.version,
        }

    def _members_on(
        self, level: str, scope: str | None, day: date, members: list[str] | None
    ) -> list[str]:
        try:
            council = self._load(COUNCIL, council_id(level, scope))
        except NotFound:
            if not members:
                raise InvalidInput(
                    "members", "name the members: this council is not in the register"
                ) from None
            return members
        sitting = council.on(day)
        if sitting is None:
            raise StageTransitionError(
                f"no council composition is in office on {day.isoformat()}",
                council=str(council.id),
            )
        if members is not None and sorted(members) != sorted(sitting["members"]):
            raise InvalidInput(
                "members",
                f"must be the council constituted by decision {sitting['decision_number']}:"
                f" {', '.join(sitting['members'])}",
            )
        return list(sitting["members"])

    def _ceased(self, s: CouncilSession, on: date) -> str | None:
        """Why a district's session can decide nothing on ``on``: its district ceased (the
        district level ended on 1/7/2025); None while it exists."""
        if s.council_level != "district" or not s.scope:
            return None
        district = self.units.get(s.scope)
        if district.valid_to is None or on <= district.valid_to:
            return None
        ended = self.default_rule_set.form_ended_by(s.award_form, on)
        basis = f" ({ended.legal_basis.vi})" if ended else ""
        return (
            f"no decision: the district level ceased on {district.valid_to.isoformat()}; the"
            f" district council can no longer decide{basis}"
        )

    def _require_district_in_force(self, code: str, on: date) -> None:
        """A district's council sits only while its district exists."""
        district = self.units.get(code)
        if district.valid_to is not None and on > district.valid_to:
            raise StageTransitionError(
                f"the council of {district.name} cannot sit on {on.isoformat()}: the district"
                f" ceased on {district.valid_to.isoformat()}",
                unit_code=code,
            )

    def cast_vote(
        self,
        ctx: CommandContext,
        sid: UUID,
        nid: UUID,
        choice: str,
        reason: str = "",
        in_writing: bool = False,
    ) -> CommandResult:
        ballot = one_of(Choice, choice, "choice")
        seal = sealer(self.ballot_key, str(sid))
        return self._execute(
            ctx,
            SESSION,
            sid,
            lambda s: s.cast_vote(nid, ballot, reason, seal=seal, in_writing=in_writing),
            conflicts_retried=5,
        )

    def close_session(self, ctx: CommandContext, sid: UUID) -> CommandResult:
        """Records the council's recommendation on every item (Law 06/2022/QH15 art. 79: the
        council advises); the session and its dossiers are saved in one go. No dossier is
        decided here: the competent chairman decides on a submission (docs/spec.md §12)."""

        def recommend(s: CouncilSession) -> list[Aggregate]:
            ceased = self._ceased(s, ctx.today)
            nominations = [self._load(NOMINATION, UUID(item)) for item in s.agenda]
            blocked = {
                str(n.id): f"complaint {n.open_complaints()[0]} is open"
                for n in nominations
                if n.open_complaints()
            }
            opened = open_ballots(self.ballot_key, str(s.id), s.sealed_ballots())
            results = s.close(blocked, ceased, opened)
            for n in nominations:
                result = results[str(n.id)]
                outcome = ItemOutcome(result["outcome"])
                if outcome.decides:
                    n.recommend(s.id, outcome is ItemOutcome.APPROVED, result["tally"])
                else:
                    n.defer(s.id, result["reason"] or outcome.value)
                if ceased is not None:  # nobody is left to decide it: closed, citing the law
                    rules = self._rule_set_of(n.rule_set_ref)
                    n.cut_over(rules, self._due(n, ctx.today, rules))
            return list(nominations)

        return self._execute(ctx, SESSION, sid, recommend)

    def attach_signed_decision(
        self,
        ctx: CommandContext,
        sid: UUID,
        scan: Attachment,
        generated_sha256: str,
        document_id: str,
    ) -> CommandResult:
        return self._execute(
            ctx,
            SESSION,
            sid,
            lambda s: s.attach_signed_decision(scan, generated_sha256, document_id),
        )

    def check_may_attach_signed_decision(self, ctx: CommandContext, sid: UUID) -> None:
        """Raises what attaching would, before any file is read; records nothing."""
        with acting(ctx):
            self._load(SESSION, sid).require_may_attach_signed_decision()

    def set_closing_deadline(
        self, ctx: CommandContext, sid: UUID, closes_at: datetime
    ) -> CommandResult:
        return self._execute(ctx, SESSION, sid, lambda s: s.set_closing_deadline(closes_at))

    def request_session_reminder(self, ctx: CommandContext, sid: UUID) -> CommandResult:
        return self._execute(ctx, SESSION, sid, lambda s: s.request_reminder())

    def record_session_reminder(
        self, ctx: CommandContext, sid: UUID, recipients: list[str], message: str
    ) -> CommandResult:
        return self._execute(
            ctx, SESSION, sid, lambda s: _ignore(s.record_reminder(recipients, message))
        )
