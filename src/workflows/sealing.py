"""Sealing the log once a day: a signed receipt auditors can fetch and keep elsewhere."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from service.receipts import ReceiptError, Receipts

SEAL_WORKFLOW_ID = "audit-seal"


class SealActivities:
    def __init__(self, receipts: Receipts) -> None:
        self.receipts = receipts

    @activity.defn
    def seal_log(self) -> dict[str, Any]:
        """A receipt over the log as it stands; a changed past is refused and logged, and
        the error stays visible in the workflow's history rather than retried forever."""
        try:
            receipt = self.receipts.seal()
        except ReceiptError as refused:
            activity.logger.error("audit.seal_refused: %s", refused)
            return {"sealed": False, "refused": str(refused)}
        return {"sealed": True, "position": receipt["position"], "root": receipt["root"]}


@workflow.defn
class AuditSealWorkflow:
    """Seals, sleeps ``hours``, and starts afresh so its history stays short."""

    @workflow.run
    async def run(self, hours: int) -> None:
        await workflow.execute_activity_method(
            SealActivities.seal_log,
            start_to_close_timeout=timedelta(minutes=30),
            retry_policy=RetryPolicy(maximum_attempts=5, initial_interval=timedelta(seconds=5)),
        )
        await workflow.sleep(timedelta(hours=hours))
        workflow.continue_as_new(hours)
