"""A submission's messages (docs/spec.md §12): the awarding authority is told by e-mail when
a submission waits for its decision, and the office and the council's secretary when it is
decided. The bell has the same news from the notifications view."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.chain_activities import ChainActivities
    from workflows.inputs import ChainNews, SubmissionInput
    from workflows.retry import Delivered, run_activity


@workflow.defn
class SubmissionWorkflow:
    def __init__(self) -> None:
        self._seen = Delivered()
        self._prepared = False
        self._decided = False

    @workflow.signal
    def prepared(self, news: ChainNews) -> None:
        if self._seen.first(news.event_id):
            self._prepared = True

    @workflow.signal
    def decided(self, news: ChainNews) -> None:
        if self._seen.first(news.event_id):
            self._decided = True

    @workflow.query
    def get_state(self) -> dict[str, object]:
        return {"prepared": self._prepared, "decided": self._decided}

    @workflow.run
    async def run(self, submission: SubmissionInput) -> str:
        await workflow.wait_condition(lambda: self._prepared or self._decided)
        if not self._decided:  # a decision already signed needs no call to decide
            await run_activity(ChainActivities.tell_authority, submission)
        await workflow.wait_condition(lambda: self._decided)
        await run_activity(ChainActivities.tell_office, submission)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return "decided"
