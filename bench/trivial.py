"""The smallest workflow: the baseline of workflow overhead (its own module for the sandbox)."""

from temporalio import workflow


@workflow.defn
class TrivialWorkflow:
    @workflow.run
    async def run(self, name: str) -> str:
        return name
