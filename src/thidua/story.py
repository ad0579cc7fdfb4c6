"""Takes nominations along their route through the service, one step a call.

The demo tells its sample story with it and the tests tell theirs, so both walk the same
route with the same commands. Who acts comes from a ``Cast``; each step's command context
from a function of the actor, a step key and the business date (the demo derives fixed
command ids from the key, so running it again records nothing twice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.context import Actor, CommandContext
from domain.submission import Signer
from service.nomination_service import NominationService

ContextOf = Callable[[Actor, str, date], CommandContext]
"""The context of one step: who acts, the step's key, and the business date."""

RECUSAL_REASON = "Có quan hệ công tác với đơn vị được đề nghị."


@dataclass(frozen=True)
class Cast:
    officer: Actor
    province: Actor
    inspector: Actor
    secretary: Actor
    system: Actor
    district: Callable[[str], Actor]
    member: Callable[[str], Actor]
    authority: Callable[[str], Actor]
    """The chairman of the authority with this id."""
    signer_name: str = "Nguyễn Văn Mẫu"
    """The name under the chairman's signature."""


@dataclass
class StoryDriver:
    service: NominationService
    cast: Cast
    context: ContextOf

    # --- collection ---------------------------------------------------------------------

    def open(
        self,
        key: str,
        unit_code: str,
        award_form: str,
        cycle_year: int,
        figures: Mapping[int | str, dict[str, Any]],
        report: str,
        on: date,
    ) -> UUID:
        """Opens a nomination, records each year's figures and writes its report."""
        s, officer = self.service, self.cast.officer
        nid = s.open_nomination(
            self.context(officer, f"{key}/open", on), unit_code, award_form, cycle_year
        ).id
        for year, figure in figures.items():
            s.record_statistics(
                self.context(officer, f"{key}/stats/{year}", on), nid, int(year), figure
            )
        s.write_achievement_report(self.context(officer, f"{key}/report", on), nid, report)
        return nid

    def submit(self, key: str, nid: UUID, on: date) -> str:
        self.service.submit_nomination(self.context(self.cast.officer, f"{key}/submit", on), nid)
        return self.service.get_nomination(nid).stage

    # --- reviews ------------------------------------------------------------------------

    def district_review(
        self, key: str, nid: UUID, on: date, decision: str = "approve", comment: str = "Đạt."
    ) -> str:
        district = self.service.get_nomination(nid).district_code or ""
        self.service.complete_district_review(
            self.context(self.cast.district(district), f"{key}/district", on),
            nid,
            decision,
            comment,
        )
        return self.service.get_nomination(nid).stage

    def province_review(self, key: str, nid: UUID, on: date, decision: str, comment: str) -> str:
        self.service.complete_province_review(
            self.context(self.cast.province, f"{key}/province", on), nid, decision, comment
        )
        return self.service.get_nomination(nid).stage

    def judge_open_checks(self, key: str, nid: UUID, on: date, justification: str) -> None:
        """Every check that needs a judgement is judged met."""
        for check in self.service.get_nomination(nid).checks:
            if check["outcome"] == "needs_judgement":
                cid = check["criterion_id"]
                self.service.record_criterion_check(
                    self.context(self.cast.province, f"{key}/judge/{cid}", on),
                    nid,
                    cid,
                    "met",
                    justification,
                )

    def override(self, key: str, nid: UUID, criterion_id: str, on: date, reason: str) -> None:
        self.service.override_check(
            self.context(self.cast.province, f"{key}/override/{criterion_id}", on),
            nid,
            criterion_id,
            reason,
        )

    def inspect(
        self,
        key: str,
        nid: UUID,
        team: str,
        ordered_on: date,
        visited_on: date,
        findings: str,
        verified: Mapping[str, dict[str, Any]],
    ) -> UUID:
        """Orders a visit; its team claims it and files the report with verified figures."""
        s = self.service
        s.schedule_inspection_visit(
            self.context(self.cast.province, f"{key}/inspection", ordered_on), nid, team
        )
        visits = s.get_nomination(nid).visits
        vid = UUID(max(visits, key=lambda v: visits[v]["due_on"] + v))
        s.claim_visit(self.context(self.cast.inspector, f"{key}/claim", visited_on), vid)
        s.file_visit_report(
            self.context(self.cast.inspector, f"{key}/visit-report", visited_on),
            vid,
            visited_on,
            findings,
            "discrepancy" if verified else "confirm",
            dict(verified),
        )
        return vid

    # --- public notice ------------------------------------------------------------------

    def complain(
        self,
        key: str,
        nid: UUID,
        filed_on: date,
        text: str,
        by: str,
        resolved_on: date,
        resolution: str,
    ) -> None:
        """A complaint filed during the notice and resolved as unfounded."""
        complaint, _ = self.service.file_complaint(
            self.context(self.cast.province, f"{key}/complaint", filed_on), nid, text, by
        )
        self.service.resolve_complaint(
            self.context(self.cast.province, f"{key}/complaint-resolved", resolved_on),
            nid,
            complaint,
            resolution,
            False,
        )

    def end_notice(self, key: str, nid: UUID, on: date) -> str:
        self.service.end_public_notice(
            self.context(self.cast.system, f"{key}/notice-ended", on), nid
        )
        return self.service.get_nomination(nid).stage

    # --- council ------------------------------------------------------------------------

    def hold_council(
        self,
        key: str,
        title: str,
        on: date,
        members: Iterable[str],
        award_form: str,
        items: Iterable[UUID],
        choice_of: Callable[[UUID, int, str], str],
        *,
        scope: str | None = None,
        closes_at: datetime | None = None,
        decision_number: str | None = None,
        before_ballots: Callable[[UUID], object] | None = None,
        in_writing: Iterable[str] = (),
    ) -> UUID:
        """Schedules a session, puts the items on its agenda, opens it, takes every ballot
        (``choice_of(item, index, member)``; a recused member is skipped; the members
        ``in_writing`` vote in writing without attending) and closes it."""
        s, secretary, members, items = self.service, self.cast.secretary, list(members), list(items)
        sid = s.schedule_council_session(
            self.context(secretary, f"{key}/schedule", on), title, on, members, award_form, scope
        ).id
        for nid in items:
            s.add_to_agenda(self.context(secretary, f"{key}/agenda/{nid}", on), sid, nid)
        if closes_at is not None:
            s.set_closing_deadline(self.context(secretary, f"{key}/deadline", on), sid, closes_at)
        s.open_session(self.context(secretary, f"{key}/open", on), sid)
        if before_ballots is not None:
            before_ballots(sid)
        taken, writing = s.get_session(sid).participation, set(in_writing)
        for nid in items:
            for index, account in enumerate(members):
                if account in taken.get(str(nid), []):
                    continue  # recused when the item was added
                choice = choice_of(nid, index, account)
                s.cast_vote(
                    self.context(self.cast.member(account), f"{key}/vote/{nid}/{account}", on),
                    sid,
                    nid,
                    choice,
                    RECUSAL_REASON if choice == "recuse" else "",
                    in_writing=account in writing,
                )
        s.close_session(self.context(secretary, f"{key}/close", on), sid)
        if decision_number is not None:
            self.decide(key, sid, on, decision_number)
        return sid

    def decide(
        self,
        key: str,
        session_id: UUID,
        on: date,
        decision_number: str | None = None,
        not_awarded: Iterable[UUID] = (),
    ) -> UUID | None:
        """The office submits what the session recommended, and the competent chairman
        decides it: awarded, except ``not_awarded``. The number is the chancery's, or the
        authority's register gives the next one."""
        s, refused = self.service, {str(n) for n in not_awarded}
        submission = self.submit_recommended(key, session_id, on)
        if submission is None:
            return None
        found = s.get_submission(submission)
        authority = found["authority"]["id"]
        ids = [str(i["nomination_id"]) for i in found["items"]]
        s.decide_submission(
            self.context(self.cast.authority(authority), f"{key}/decision", on),
            submission,
            on,
            Signer("Chủ tịch", self.cast.signer_name),
            {n: "Đạt các tiêu chí của phong trào." for n in ids if n not in refused},
            {n: "Không đủ điều kiện." for n in ids if n in refused},
            decision_number,
        )
        return submission

    def submit_recommended(self, key: str, session_id: UUID, on: date) -> UUID | None:
        """The province reviewer submits what the session recommended, if anything."""
        recommended = self.service.awaiting_decision(session_id)
        if not recommended:
            return None
        return self.service.prepare_submission(
            self.context(self.cast.province, f"{key}/submission", on),
            session_id,
            recommended,
            "Kính trình Chủ tịch xem xét, quyết định khen thưởng các tập thể có tên tại danh"
            " sách kèm theo.",
        ).id
