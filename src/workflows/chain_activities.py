"""What the decision chain's workflow does outside itself: the e-mails that tell each person
when their part of the chain arrives. A retry after a mail went but before Temporal heard of
it sends it again: a second message, never a lost one."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from temporalio import activity

from workflows.activities import ClockActivities, final_domain_errors
from workflows.inputs import ClockResult, SubmissionInput


class ChainActivities(ClockActivities):
    """The clock's service, notifier and directory; activities of its own."""

    @activity.defn
    @final_domain_errors
    def tell_authority(self, submission: SubmissionInput) -> ClockResult:
        """The chairman of the authority it goes to: a submission waits for the decision."""
        found = self.service.get_submission(UUID(submission.submission_id))
        authority = found["authority"]
        recipients = self.directory.recipients("awarding_authority", authority["id"])
        units = ", ".join(i["unit_name"] for i in found["items"])
        self.notifier.send(
            recipients,
            f"[thidua] Tờ trình {found['number']} chờ quyết định",
            f"Kính gửi {authority['name_vi']}: Tờ trình số {found['number']} đề nghị khen"
            f" thưởng {len(found['items'])} tập thể ({units}) chờ quyết định.",
        )
        return ClockResult(recorded=False, detail=", ".join(recipients))

    @activity.defn
    @final_domain_errors
    def tell_office(self, submission: SubmissionInput) -> ClockResult:
        """The office and the council's secretary: the decision's number, once signed."""
        found = self.service.get_submission(UUID(submission.submission_id))
        decision = found["decision"] or {}
        recipients = sorted(
            {
                *self.directory.recipients("province_reviewer"),
                *self.directory.recipients("council_secretary"),
            }
        )
        awarded = len(decision.get("awarded", {}))
        self.notifier.send(
            recipients,
            f"[thidua] Tờ trình {found['number']} đã có Quyết định số {decision.get('number')}",
            f"Quyết định số {decision.get('number')} ký ngày {decision.get('signed_on')}:"
            f" khen thưởng {awarded} trong {len(found['items'])} hồ sơ.",
        )
        return ClockResult(recorded=False, detail=", ".join(recipients))

    def all(self) -> list[Callable[..., object]]:
        return [self.tell_authority, self.tell_office]  # the clock's are registered by it
