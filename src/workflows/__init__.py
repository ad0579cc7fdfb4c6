"""Temporal workflows: deadlines, reminders, inspection visits and council sessions.

Workflow ids are deterministic, so a second start meets the running workflow. A prefix
lets several stores share one Temporal namespace (tests do).
"""

TASK_QUEUE = "thidua"


def nomination_workflow_id(nomination_id: str, prefix: str = "") -> str:
    return f"{prefix}nomination-{nomination_id}"


def inspection_workflow_id(visit_id: str, prefix: str = "") -> str:
    return f"{prefix}inspection-{visit_id}"


def council_workflow_id(session_id: str, prefix: str = "") -> str:
    return f"{prefix}council-{session_id}"


def recovery_workflow_id(nomination_id: str, prefix: str = "") -> str:
    return f"{prefix}recovery-{nomination_id}"


def submission_workflow_id(submission_id: str, prefix: str = "") -> str:
    return f"{prefix}submission-{submission_id}"
