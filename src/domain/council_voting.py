"""A council's vote in integers (docs/spec.md §7): each item's tally under the rule set's
voting rule, and what the tally decides."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum

from domain.criteria.schema import VotingRule


class Choice(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    ABSTAIN = "abstain"
    RECUSE = "recuse"


class ItemOutcome(StrEnum):
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"
    NO_QUORUM = "no_quorum"
    NO_DECISION = "no_decision"  # too few members may vote for any valid decision
    BLOCKED = "blocked"  # an open complaint keeps the council from deciding

    @property
    def decides(self) -> bool:
        return self in (ItemOutcome.APPROVED, ItemOutcome.NOT_APPROVED)


def tally(members: int, choices: list[str], rule: VotingRule) -> dict[str, int]:
    """Counts of one item's ballots; recused members leave the total only when the rule
    counts the eligible members (and cites why it may)."""
    counts = Counter(choices)
    recused = counts[Choice.RECUSE.value]
    present = sum(counts[c.value] for c in (Choice.APPROVE, Choice.REJECT, Choice.ABSTAIN))
    total = members - recused if rule.total_of == "eligible" else members
    return {
        "members": members,
        "total": total,
        "present": present,
        "approve": counts[Choice.APPROVE.value],
        "reject": counts[Choice.REJECT.value],
        "abstain": counts[Choice.ABSTAIN.value],
        "recuse": recused,
    }


def too_few_eligible(counts: dict[str, int], rule: VotingRule) -> bool:
    """The members who may vote could not form a quorum of the whole membership."""
    eligible = counts["members"] - counts["recuse"]
    return eligible <= 0 or not rule.has_quorum(eligible, counts["members"])


def judge(counts: dict[str, int], rule: VotingRule) -> ItemOutcome:
    if too_few_eligible(counts, rule):
        return ItemOutcome.NO_DECISION
    if counts["total"] <= 0 or not rule.has_quorum(counts["present"], counts["total"]):
        return ItemOutcome.NO_QUORUM
    if rule.approves(counts["approve"], counts["present"], counts["total"]):
        return ItemOutcome.APPROVED
    return ItemOutcome.NOT_APPROVED
