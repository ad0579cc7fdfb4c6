"""The clock's activities: plan alarms in working days, and record what the clock does.

Every step carries a command id derived from its workflow and step, so a retried activity
changes nothing twice. Domain refusals are not retried; infrastructure errors are.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar, cast
from uuid import UUID

from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.context import SYSTEM_ACTOR, CommandContext, Role
from domain.deadlines import Alarm, stage_alarms, until_cut_over, visit_alarms
from domain.errors import DomainError
from domain.stages import Stage
from domain.summaries import CommandResult
from service.nomination_service import NominationService
from workflows.inputs import AlarmPlan, ClockResult, ClockStep, PlanStage, PlanVisit
from workflows.notifier import Directory, Notifier

F = TypeVar("F", bound=Callable[..., Any])

STAGE_AUDIENCE = {
    "collecting": Role.UNIT_OFFICER.value,
    "district_review": Role.DISTRICT_REVIEWER.value,
    "province_review": Role.PROVINCE_REVIEWER.value,
    "public_notice": Role.PROVINCE_REVIEWER.value,
}
ESCALATION_AUDIENCE = {"province": Role.PROVINCE_REVIEWER.value, "board_head": "board_head"}
STAGE_NAMES_VI = {
    "collecting": "thu thập hồ sơ",
    "district_review": "thẩm định cấp huyện",
    "province_review": "thẩm định cấp tỉnh",
    "public_notice": "công khai",
}


@contextmanager
def domain_errors_are_final() -> Iterator[None]:
    try:
        yield
    except DomainError as error:
        raise ApplicationError(str(error), type=type(error).__name__, non_retryable=True) from None


def final_domain_errors(activity_method: F) -> F:
    """Every activity: a domain refusal is final (not retried); anything else is retried."""

    @functools.wraps(activity_method)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        with domain_errors_are_final():
            return activity_method(*args, **kwargs)

    return cast(F, guarded)


def _plans(alarms: list[Alarm]) -> list[AlarmPlan]:
    return [
        AlarmPlan(at=a.at, kind=a.kind, ordinal=a.ordinal, escalate_to=a.escalate_to)
        for a in alarms
    ]


class Mail(NamedTuple):
    recipients: Sequence[str]
    subject: str
    body: str


class ClockActivities:
    def __init__(
        self, service: NominationService, notifier: Notifier, directory: Directory
    ) -> None:
        self.service = service
        self.notifier = notifier
        self.directory = directory

    def _ctx(self, step: ClockStep) -> CommandContext:
        return CommandContext(
            actor=SYSTEM_ACTOR,
            command_id=step.command_id,
            correlation_id=step.correlation_id,
            today=step.today,
            at=datetime.now(UTC),
        )

    def _record(
        self,
        step: ClockStep,
        record: Callable[[CommandContext], CommandResult],
        detail: str | None = None,
        mail: Mail | None = None,
    ) -> ClockResult:
        """Runs the step's command once (its id makes a retry a no-op) and says whether it
        recorded an event now. The mail goes first, unless the command already ran: a retry
        after the record must not send it twice, and one before it sends it again, which
        is the lesser harm than a reminder never sent."""
        if mail is not None and not self.service.has_handled(
            UUID(step.aggregate_id), step.command_id
        ):
            self.notifier.send(list(mail.recipients), mail.subject, mail.body)
        with domain_errors_are_final():
            result = record(self._ctx(step))
        return ClockResult(recorded=result.position is not None, detail=detail or "")

    def _remind(
        self,
        step: ClockStep,
        record: Callable[[CommandContext], CommandResult],
        mail: Mail,
    ) -> ClockResult:
        """Sends a reminder and records that it went, naming whom it went to."""
        return self._record(step, record, detail=", ".join(mail.recipients), mail=mail)

    def _escalate(
        self,
        step: ClockStep,
        record: Callable[[CommandContext, str], CommandResult],
        subject: str,
    ) -> ClockResult:
        """Escalates to whom the step names (the board's head unless it says), tells them, and
        records that it went."""
        to = step.escalate_to or "board_head"
        recipients = self.directory.recipients(ESCALATION_AUDIENCE.get(to, to))
        mail = Mail(recipients, subject, step.aggregate_id)
        return self._record(step, lambda ctx: record(ctx, to), detail=to, mail=mail)

    # --- planning -------------------------------------------------------------------------

    @activity.defn
    @final_domain_errors
    def plan_stage(self, plan: PlanStage) -> list[AlarmPlan]:
        rules = self.service.default_rule_set
        with domain_errors_are_final():
            alarms = stage_alarms(
                Stage(plan.stage), plan.due_on, self.service.calendar, rules.deadlines
            )
        if plan.today is not None:
            ended = rules.cut_over_of(plan.stage, plan.today)
            ahead = rules.next_cut_over(plan.stage, plan.today)
            alarms = until_cut_over(alarms, plan.today if ended else ahead.on if ahead else None)
        return _plans(alarms)

    @activity.defn
    @final_domain_errors
    def plan_visit(self, plan: PlanVisit) -> list[AlarmPlan]:
        rules = self.service.default_rule_set
        return _plans(visit_alarms(plan.due_on, self.service.calendar, rules.deadlines))

    # --- nominations ------------------------------------------------------------------------

    @activity.defn
    @final_domain_errors
    def remind_nomination(self, step: ClockStep) -> ClockResult:
        nid = UUID(step.aggregate_id)
        nomination = self.service.get_nomination(nid)
        if nomination.stage != step.stage:
            return ClockResult(recorded=False, detail="the stage has moved on")
        role = STAGE_AUDIENCE.get(step.stage or "", "province_reviewer")
        scope = nomination.district_code if role == "district_reviewer" else None
        if role == Role.UNIT_OFFICER.value:
            scope = nomination.unit_code
        recipients = self.directory.recipients(role, scope)
        due = step.due_on.strftime("%d/%m/%Y") if step.due_on else "—"
        stage_name = STAGE_NAMES_VI.get(step.stage or "", step.stage)
        subject = f"[thidua] Nhắc hạn {stage_name}: {nomination.unit_name}"
        body = (
            f"Hồ sơ đề nghị {self._form_name(nomination.award_form)} của"
            f" {nomination.unit_name} (đợt {nomination.cycle_year}) đang ở bước {stage_name},"
            f" hạn {due}.\n"
            f"Reminder: the nomination of {nomination.unit_name} is due on {due}."
        )
        return self._remind(
            step,
            lambda ctx: self.service.record_reminder(
                ctx, nid, step.stage or "", recipients, subject
            ),
            Mail(recipients, subject, body),
        )

    @activity.defn
    @final_domain_errors
    def cut_over_nomination(self, step: ClockStep) -> ClockResult:
        """The day a reorganisation ends the dossier's stage: it moves to the stage replacing
        it, by a recorded event citing the law."""
        return self._record(step, lambda ctx: self.service.cut_over(ctx, UUID(step.aggregate_id)))

    def _form_name(self, form: str) -> str:
        """An award form as the notice names it, in Vietnamese."""
        try:
            return self.service.default_rule_set.award_form(form).name.vi
        except DomainError:
            return form

    @activity.defn
    @final_domain_errors
    def record_deadline_missed(self, step: ClockStep) -> ClockResult:
        if step.due_on is None:
            return ClockResult(recorded=False, detail="no due date")
        due_on = step.due_on
        return self._record(
            step,
            lambda ctx: self.service.mark_deadline_missed(
                ctx, UUID(step.aggregate_id), step.stage or "", due_on
            ),
        )

    @activity.defn
    @final_domain_errors
    def escalate_nomination(self, step: ClockStep) -> ClockResult:
        nid = UUID(step.aggregate_id)
        nomination = self.service.get_nomination(nid)
        if nomination.stage != step.stage:
            return ClockResult(recorded=False, detail="the stage has moved on")
        to = step.escalate_to or "province"
        recipients = self.directory.recipients(ESCALATION_AUDIENCE.get(to, to))
        reason = f"{step.stage} overdue since {step.due_on}"
        stage_name = STAGE_NAMES_VI.get(step.stage or "", step.stage)
        due = step.due_on.strftime("%d/%m/%Y") if step.due_on else "—"
        mail = Mail(
            recipients,
            f"[thidua] Quá hạn, chuyển cấp trên: {nomination.unit_name}",
            f"Hồ sơ của {nomination.unit_name} quá hạn bước {stage_name} (hạn {due}).",
        )
        return self._record(
            step,
            lambda ctx: self.service.record_escalation(ctx, nid, step.stage or "", to, reason),
            detail=to,
            mail=mail,
        )

    @activity.defn
    @final_domain_errors
    def end_public_notice(self, step: ClockStep) -> ClockResult:
        return self._record(
            step, lambda ctx: self.service.end_public_notice(ctx, UUID(step.aggregate_id))
        )

    # --- inspection visits ----------------------------------------------------------------

    @activity.defn
    @final_domain_errors
    def mark_visit_overdue(self, step: ClockStep) -> ClockResult:
        return self._record(
            step, lambda ctx: self.service.mark_visit_overdue(ctx, UUID(step.aggregate_id))
        )

    @activity.defn
    @final_domain_errors
    def remind_visit_team(self, step: ClockStep) -> ClockResult:
        vid = UUID(step.aggregate_id)
        visit = self.service.get_visit(vid)
        if visit.state == "reported":
            return ClockResult(recorded=False, detail="already reported")
        recipients = self.directory.recipients("inspector", visit.team_id)
        subject = f"[thidua] Nhắc việc: đoàn kiểm tra {visit.team_id} quá hạn ({visit.unit_code})"
        body = f"Chuyến kiểm tra {vid} hạn {visit.due_on:%d/%m/%Y}."
        return self._remind(
            step,
            lambda ctx: self.service.record_visit_reminder(ctx, vid, recipients, subject),
            Mail(recipients, subject, body),
        )

    @activity.defn
    @final_domain_errors
    def escalate_visit(self, step: ClockStep) -> ClockResult:
        vid = UUID(step.aggregate_id)
        if self.service.get_visit(vid).state == "reported":
            return ClockResult(recorded=False, detail="already reported")
        return self._escalate(
            step,
            lambda ctx, to: self.service.escalate_visit(ctx, vid, to, "inspection visit overdue"),
            f"[thidua] Chuyến kiểm tra quá hạn: {vid}",
        )

    # --- council sessions -------------------------------------------------------------------

    @activity.defn
    @final_domain_errors
    def remind_council_members(self, step: ClockStep) -> ClockResult:
        sid = UUID(step.aggregate_id)
        session = self.service.get_session(sid)
        if session.state != "open" or not session.not_voted:
            return ClockResult(recorded=False, detail="nobody to remind")
        recipients = sorted(
            address for m in session.not_voted for address in self.directory.recipients("member", m)
        )
        subject = f"[thidua] Nhắc bỏ phiếu: {session.title}"
        body = f"Phiên họp {session.title} sắp đóng."
        return self._remind(
            step,
            lambda ctx: self.service.record_session_reminder(ctx, sid, recipients, subject),
            Mail(recipients, subject, body),
        )

    @activity.defn
    @final_domain_errors
    def close_council_session(self, step: ClockStep) -> ClockResult:
        sid = UUID(step.aggregate_id)
        if self.service.get_session(sid).state != "open":
            return ClockResult(recorded=False, detail="already closed")
        return self._record(step, lambda ctx: self.service.close_session(ctx, sid))

    def all(self) -> list[Callable[..., object]]:
        return [
            self.plan_stage,
            self.plan_visit,
            self.remind_nomination,
            self.record_deadline_missed,
            self.escalate_nomination,
            self.end_public_notice,
            self.cut_over_nomination,
            self.mark_visit_overdue,
            self.remind_visit_team,
            self.escalate_visit,
            self.remind_council_members,
            self.close_council_session,
            self.set_closing_deadline,
        ]

    @activity.defn
    @final_domain_errors
    def set_closing_deadline(self, step: ClockStep) -> ClockResult:
        sid, closes_at = UUID(step.aggregate_id), step.closes_at
        if closes_at is None:
            raise ApplicationError("closes_at: is required", non_retryable=True)
        return self._record(
            step, lambda ctx: self.service.set_closing_deadline(ctx, sid, closes_at)
        )
