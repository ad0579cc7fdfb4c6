"""A council's vote in integers (docs/spec.md §7): each item's tally under the rule set's
voting rule, and what the tally decides."""

from __future__ import annotations

from collections import Counter
from collections.abc import Set
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from domain.calendar import VIETNAM
from domain.criteria.schema import VotingRule
from domain.errors import InvalidInput

VOTING_CLOSES = time(17, 0)  # unless set, voting closes at the end of the meeting day
LEAST_VOTING_TIME = timedelta(hours=2)


def default_closing(meeting_day: date, opened_at: datetime) -> datetime:
    """The end of the meeting day, or of the first day after it that still leaves members
    LEAST_VOTING_TIME to vote: a session opened late never closes before anyone could vote."""
    day = max(meeting_day, opened_at.astimezone(VIETNAM).date())
    closes_at = datetime.combine(day, VOTING_CLOSES, VIETNAM)
    if closes_at - opened_at < LEAST_VOTING_TIME:
        closes_at += timedelta(days=1)
    return closes_at


SEALED = "sealed"  # a member's ballot is recorded sealed; its choice counts at the close


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


def require_one_way(rule: VotingRule, in_writing: bool, voted: bool, wrote: bool) -> bool:
    """Whether a ballot ``in_writing`` (or in person) may be cast by a member who has
    ``voted`` already (``wrote``: in writing); True when it declares a written vote. A member
    takes part in a session one way, in person or in writing, which the minutes say."""
    if in_writing and not rule.written_votes:
        raise InvalidInput(
            "in_writing", "this session's voting rule does not provide for written votes"
        )
    if voted and in_writing != wrote:
        took_part = "in writing" if wrote else "in person"
        raise InvalidInput(
            "in_writing", f"you take part in this session {took_part}, as your first ballot did"
        )
    return in_writing and not wrote


def tally(
    members: int, choices: list[str], rule: VotingRule, in_writing: int = 0
) -> dict[str, int]:
    """Counts of one item's ballots; recused members leave the total only when the rule
    counts the eligible members (and cites why it may). ``in_writing``: how many of the
    ballots that are not recusals came in writing from members who did not attend."""
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
        # Only under a rule that provides for written votes, so tallies before it read the same.
        **({"in_writing": in_writing} if rule.written_votes else {}),
    }


def too_few_eligible(counts: dict[str, int], rule: VotingRule) -> bool:
    """The members who may vote could not form a quorum of the whole membership."""
    eligible = counts["members"] - counts["recuse"]
    return eligible <= 0 or not rule.has_quorum(eligible, counts["members"])


def judge(counts: dict[str, int], rule: VotingRule) -> ItemOutcome:
    if too_few_eligible(counts, rule):
        return ItemOutcome.NO_DECISION
    attending = rule.quorum_present(counts["present"], counts.get("in_writing", 0))
    if counts["total"] <= 0 or not rule.has_quorum(attending, counts["total"]):
        return ItemOutcome.NO_QUORUM
    if rule.approves(counts["approve"], counts["present"], counts["total"]):
        return ItemOutcome.APPROVED
    return ItemOutcome.NOT_APPROVED


@dataclass(frozen=True)
class ItemBallots:
    """One item's ballots at the close: by member (``SEALED`` where sealed), the sealed ones
    opened in no member's order, and who voted in writing."""

    members: int
    by_member: dict[str, str]
    opened: list[str]
    in_writing: Set[str]


def item_result(
    ballots: ItemBallots, rule: VotingRule, reason: str | None, *, blocked: bool
) -> dict[str, Any]:
    """An item's recorded result: its tally, outcome and reason. ``blocked`` with its reason
    keeps the council from deciding; a reason without ``blocked`` ends the item undecided
    (the council's level ceased)."""
    choices = [c for c in ballots.by_member.values() if c != SEALED]
    written = sum(
        1
        for m, choice in ballots.by_member.items()
        if m in ballots.in_writing and choice != Choice.RECUSE.value
    )
    counts = tally(ballots.members, choices + ballots.opened, rule, written)
    outcome = ItemOutcome.BLOCKED if blocked else judge(counts, rule)
    if reason is not None and not blocked:
        outcome = ItemOutcome.NO_DECISION
    elif outcome is ItemOutcome.NO_DECISION:
        eligible = counts["members"] - counts["recuse"]
        reason = (
            f"no decision: {eligible} of {counts['members']} members may vote, fewer"
            " than a quorum of the whole council; the item goes back to the agenda"
        )
    result: dict[str, Any] = {"outcome": outcome.value, "tally": counts, "reason": reason}
    if ballots.opened:  # what the sealed ballots said, sorted: no member's order
        result["opened"] = ballots.opened
    if not rule.secret_ballot:  # an open ballot records who chose what
        result["ballots"] = dict(sorted(ballots.by_member.items()))
    return result
