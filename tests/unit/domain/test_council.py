"""docs/spec.md §7: quorum, threshold, recusal and the secret ballot, in integers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from uuid import UUID, uuid4

import pytest

from domain.calendar import VIETNAM
from domain.context import acting
from domain.council import CouncilSession
from domain.council_voting import Choice, ItemOutcome, judge, tally
from domain.criteria.loader import load_rule_set
from domain.criteria.ruleset import RuleSet
from domain.criteria.schema import VotingRule
from domain.errors import AlreadyExists, InvalidInput, JurisdictionError, StageTransitionError
from tests.factories import SECRETARY, as_, ctx, member

pytestmark = pytest.mark.unit

MEMBERS = [f"m{i}" for i in range(1, 10)]  # nine members


@pytest.fixture
def provincial(rules: RuleSet) -> VotingRule:
    return rules.award_form("bang-khen-tinh").voting


def outcome(rule: VotingRule, members: int, **ballots: int) -> ItemOutcome:
    choices = [choice for choice, n in ballots.items() for _ in range(n)]
    return judge(tally(members, choices, rule), rule)


def test_two_thirds_present_is_a_quorum_and_one_fewer_is_not(provincial: VotingRule) -> None:
    # 9 members: 6 present is exactly 2/3 (3·6 ≥ 2·9); 5 is not.
    assert outcome(provincial, 9, approve=6) is ItemOutcome.APPROVED
    assert outcome(provincial, 9, approve=5) is ItemOutcome.NO_QUORUM


def test_approval_needs_more_than_half_of_all_members_not_of_those_present(
    provincial: VotingRule,
) -> None:
    # 10 members, 8 present: 5 approvals are a majority of those present but not of all.
    assert outcome(provincial, 10, approve=5, reject=3) is ItemOutcome.NOT_APPROVED
    assert outcome(provincial, 10, approve=6, reject=2) is ItemOutcome.APPROVED


def test_exactly_half_of_all_members_is_not_more_than_half(provincial: VotingRule) -> None:
    assert outcome(provincial, 8, approve=4, reject=2, abstain=2) is ItemOutcome.NOT_APPROVED


def test_abstentions_count_as_present_but_not_as_approval(provincial: VotingRule) -> None:
    assert outcome(provincial, 9, approve=4, abstain=4) is ItemOutcome.NOT_APPROVED


def test_recusals_do_not_shrink_the_whole_membership(provincial: VotingRule) -> None:
    # 9 members, 2 recuse: the total stays 9; 5 approvals > 9/2, 4 are not.
    assert provincial.total_of == "membership"
    assert "Nghị định 98/2023/NĐ-CP" in provincial.legal_basis
    counts = tally(9, ["approve"] * 5 + ["reject"] + ["recuse"] * 2, provincial)
    assert counts["total"] == 9
    assert judge(counts, provincial) is ItemOutcome.APPROVED
    counts = tally(9, ["approve"] * 4 + ["reject"] * 2 + ["recuse"] * 2, provincial)
    assert judge(counts, provincial) is ItemOutcome.NOT_APPROVED


@pytest.mark.parametrize("version", [1, 2])
def test_two_approvals_with_six_of_nine_recused_decide_nothing(version: int) -> None:
    rule = (
        load_rule_set("ben-tre-vi-nguoi-ngheo-2021-2025", version)
        .award_form("bang-khen-tinh")
        .voting
    )
    counts = tally(9, ["approve"] * 2 + ["reject"] + ["recuse"] * 6, rule)
    assert judge(counts, rule) is ItemOutcome.NO_DECISION


def test_an_eligible_denominator_needs_its_legal_basis(provincial: VotingRule) -> None:
    data = dict(provincial.to_dict(), total_of="eligible", legal_basis="")
    with pytest.raises(ValueError, match="legal_basis"):
        VotingRule.from_dict(data)
    cited = VotingRule.from_dict(dict(data, legal_basis="Quy chế số 1/QC-HĐTĐKT"))
    counts = tally(9, ["approve"] * 4 + ["reject"] * 2 + ["recuse"] * 3, cited)
    assert counts["total"] == 6
    assert judge(counts, cited) is ItemOutcome.APPROVED


def test_an_item_without_a_decision_says_why_and_an_open_ballot_records_choices(
    provincial: VotingRule,
) -> None:
    session, [item] = scheduled(provincial)
    for m in MEMBERS[:6]:
        with as_(member(m)):
            session.cast_vote(UUID(item), Choice.RECUSE, "Người thân công tác tại đơn vị.")
    with as_(member(MEMBERS[6])):
        session.cast_vote(UUID(item), Choice.APPROVE)
    with as_(SECRETARY):
        results = session.close({})
    assert results[item]["outcome"] == "no_decision"
    assert "3 of 9 members may vote" in results[item]["reason"]
    assert "ballots" not in results[item]  # a secret ballot records no choices
    open_rule = VotingRule.from_dict(dict(provincial.to_dict(), secret_ballot=False))
    session, [item] = scheduled(open_rule)
    with as_(member(MEMBERS[0])):
        session.cast_vote(UUID(item), Choice.APPROVE)
    with as_(SECRETARY):
        results = session.close({})
    assert results[item]["ballots"] == {MEMBERS[0]: "approve"}


def test_an_inclusive_threshold_of_those_present_accepts_exactly_half() -> None:
    rule = VotingRule(2, 3, True, 1, 2, False, "present", True)
    assert rule.approves(yes=3, present=6, total=9)
    strict = VotingRule(2, 3, True, 1, 2, True, "present", True)
    assert not strict.approves(yes=3, present=6, total=9)


def scheduled(rule: VotingRule, items: int = 1) -> tuple[CouncilSession, list[str]]:
    ids = [uuid4() for _ in range(items)]
    with as_(SECRETARY):
        session = CouncilSession.schedule(
            "Phiên họp", date(2024, 3, 20), MEMBERS, "bang-khen-tinh", "province", None, rule
        )
        for nid in ids:
            session.add_item(nid, "bang-khen-tinh")
        session.open()
    return session, [str(i) for i in ids]


def test_a_member_votes_once_per_item(provincial: VotingRule) -> None:
    session, [item] = scheduled(provincial)
    with as_(member("m1")):
        session.cast_vote(item, Choice.APPROVE)  # type: ignore[arg-type]
        with pytest.raises(AlreadyExists):
            session.cast_vote(item, Choice.REJECT)  # type: ignore[arg-type]


def test_someone_who_is_not_a_member_cannot_vote(provincial: VotingRule) -> None:
    session, [item] = scheduled(provincial)
    with as_(member("outsider")), pytest.raises(JurisdictionError):
        session.cast_vote(item, Choice.APPROVE)  # type: ignore[arg-type]


def test_votes_wait_for_the_session_to_open_and_stop_when_it_closes(
    provincial: VotingRule,
) -> None:
    with as_(SECRETARY):
        session = CouncilSession.schedule(
            "Phiên họp", date(2024, 3, 20), MEMBERS, "bang-khen-tinh", "province", None, provincial
        )
        item = uuid4()
        session.add_item(item, "bang-khen-tinh")
    with as_(member("m1")), pytest.raises(StageTransitionError):
        session.cast_vote(item, Choice.APPROVE)
    with as_(SECRETARY):
        session.open()
        session.close({})
    with as_(member("m1")), pytest.raises(StageTransitionError):
        session.cast_vote(item, Choice.APPROVE)


def test_closing_tallies_every_item_and_reports_participation_not_choices(
    provincial: VotingRule,
) -> None:
    session, [passed, blocked] = scheduled(provincial, items=2)
    for i, account in enumerate(MEMBERS):
        with as_(member(account)):
            session.cast_vote(
                passed,  # type: ignore[arg-type]
                Choice.APPROVE if i < 6 else Choice.RECUSE,
                "" if i < 6 else "Từng công tác tại đơn vị.",
            )
            session.cast_vote(blocked, Choice.APPROVE)  # type: ignore[arg-type]
    assert session.participation()[passed] == sorted(MEMBERS)
    with as_(SECRETARY):
        results = session.close({blocked: "complaint open"})
    assert results[passed]["outcome"] == "approved"
    assert results[passed]["tally"]["recuse"] == 3
    assert results[blocked]["outcome"] == "blocked"


def test_a_session_needs_members_listed_once(provincial: VotingRule) -> None:
    with as_(SECRETARY), pytest.raises(InvalidInput) as refused:
        CouncilSession.schedule(
            "x", date(2024, 3, 20), ["m1", "m1"], "bang-khen-tinh", "province", None, provincial
        )
    assert refused.value.field == "members"


def test_the_agenda_is_fixed_once_the_session_opens(provincial: VotingRule) -> None:
    session, _ = scheduled(provincial)
    with as_(SECRETARY), pytest.raises(StageTransitionError):
        session.add_item(uuid4(), "bang-khen-tinh")


def opened_at(rule: VotingRule, at: datetime, closes_at: datetime | None = None) -> CouncilSession:
    with as_(SECRETARY):
        session = CouncilSession.schedule(
            "Phiên họp", date(2024, 3, 20), MEMBERS, "bang-khen-tinh", "province", None, rule
        )
        session.add_item(uuid4(), "bang-khen-tinh")
        if closes_at is not None:
            session.set_closing_deadline(closes_at)
    with acting(replace(ctx(SECRETARY, at.date()), at=at)):
        session.open()
    return session


def test_unless_set_voting_closes_at_the_end_of_the_meeting_day_and_is_recorded(
    provincial: VotingRule,
) -> None:
    session = opened_at(provincial, datetime(2024, 3, 20, 8, 30, tzinfo=VIETNAM))
    assert session.closes_at == datetime(2024, 3, 20, 17, tzinfo=VIETNAM)
    kinds = [type(e).__name__ for e in session.collect_events()]
    assert kinds[-2:] == ["ClosingDeadlineSet", "SessionOpened"]


def test_a_session_opened_late_on_its_day_stays_open_until_the_end_of_the_next_day(
    provincial: VotingRule,
) -> None:
    # Opened at 21:40: closing at 17:00 that day would end the ballot before anyone voted.
    session = opened_at(provincial, datetime(2024, 3, 20, 21, 40, tzinfo=VIETNAM))
    assert session.closes_at == datetime(2024, 3, 21, 17, tzinfo=VIETNAM)
    # Less than two hours before the close is too late as well.
    session = opened_at(provincial, datetime(2024, 3, 20, 15, 30, tzinfo=VIETNAM))
    assert session.closes_at == datetime(2024, 3, 21, 17, tzinfo=VIETNAM)


def test_a_deadline_the_secretary_set_is_kept_when_the_session_opens(
    provincial: VotingRule,
) -> None:
    chosen = datetime(2024, 3, 22, 11, tzinfo=VIETNAM)
    session = opened_at(provincial, datetime(2024, 3, 20, 8, tzinfo=VIETNAM), closes_at=chosen)
    assert session.closes_at == chosen


def test_a_session_whose_closing_time_has_passed_is_not_opened_and_nothing_is_recorded(
    provincial: VotingRule,
) -> None:
    chosen = datetime(2024, 3, 20, 12, tzinfo=VIETNAM)
    with pytest.raises(InvalidInput) as refused:
        opened_at(provincial, datetime(2024, 3, 20, 12, 5, tzinfo=VIETNAM), closes_at=chosen)
    assert refused.value.field == "closes_at"


def test_a_closing_deadline_already_past_is_refused_naming_closes_at(
    provincial: VotingRule,
) -> None:
    session = opened_at(provincial, datetime(2024, 3, 20, 8, tzinfo=VIETNAM))
    session.collect_events()
    late = datetime(2024, 3, 20, 9, tzinfo=VIETNAM)
    with (
        acting(replace(ctx(SECRETARY, late.date()), at=late)),
        pytest.raises(InvalidInput) as refused,
    ):
        session.set_closing_deadline(datetime(2024, 3, 20, 8, 30, tzinfo=VIETNAM))
    assert refused.value.field == "closes_at"
    assert session.collect_events() == []
    assert session.closes_at == datetime(2024, 3, 20, 17, tzinfo=VIETNAM)


def test_standing_aside_takes_a_reason_that_the_record_keeps(provincial: VotingRule) -> None:
    session, [item] = scheduled(provincial)
    version = session.version
    with as_(member(MEMBERS[0])):
        with pytest.raises(InvalidInput) as missing:
            session.cast_vote(UUID(item), Choice.RECUSE, "  ")
        assert missing.value.field == "reason"
        with pytest.raises(InvalidInput) as stray:
            session.cast_vote(UUID(item), Choice.APPROVE, "vì sao")
        assert stray.value.field == "reason"
        assert session.version == version  # refused, nothing recorded
        session.cast_vote(UUID(item), Choice.RECUSE, "Vợ tôi là cán bộ của xã.")
    assert session.recusal_reasons[item] == {MEMBERS[0]: "Vợ tôi là cán bộ của xã."}
    assert session.recusals()[item] == [MEMBERS[0]]


# --- written votes (rule set v5: docs/spec.md §7) -----------------------------------------


def voting_rule(version: int) -> VotingRule:
    return (
        load_rule_set("ben-tre-vi-nguoi-ngheo-2021-2025", version)
        .award_form("bang-khen-tinh")
        .voting
    )


def test_v5_states_that_written_votes_count_in_the_tally_but_not_towards_the_quorum() -> None:
    v4, v5 = voting_rule(4), voting_rule(5)
    assert not v4.written_votes
    assert "written_votes" not in v4.to_dict()
    assert v5.written_votes
    assert not v5.written_votes_in_quorum
    assert "túc số" in v5.written_votes_basis
    assert VotingRule.from_dict(v5.to_dict()) == v5


def test_a_written_vote_is_refused_where_the_rule_does_not_provide_for_it() -> None:
    session, [item] = scheduled(voting_rule(4))
    with as_(member("m1")), pytest.raises(InvalidInput) as refused:
        session.cast_vote(item, Choice.APPROVE, in_writing=True)  # type: ignore[arg-type]
    assert refused.value.field == "in_writing"
    assert session.ballots[item] == {}
    assert session.in_writing == []


def test_a_member_takes_part_one_way_and_the_first_ballot_says_which() -> None:
    session, [first, second] = scheduled(voting_rule(5), items=2)
    with as_(member("m1")):
        session.cast_vote(first, Choice.APPROVE, in_writing=True)  # type: ignore[arg-type]
        with pytest.raises(InvalidInput) as refused:
            session.cast_vote(second, Choice.APPROVE)  # type: ignore[arg-type]
        assert "in writing" in str(refused.value)
        session.cast_vote(second, Choice.REJECT, in_writing=True)  # type: ignore[arg-type]
    with as_(member("m2")):
        session.cast_vote(first, Choice.APPROVE)  # type: ignore[arg-type]
        with pytest.raises(InvalidInput, match="in person"):
            session.cast_vote(second, Choice.APPROVE, in_writing=True)  # type: ignore[arg-type]
    assert session.in_writing == ["m1"]  # declared once, however many ballots follow


def test_written_votes_count_towards_approval_but_a_quorum_needs_members_present() -> None:
    """Nine members: six attend and approve, three write in. Six of nine is a quorum (2/3),
    so the item passes; with only five attending, the written ballots cannot make it one."""
    rule = voting_rule(5)
    quorate, [item] = scheduled(rule)
    short, [other] = scheduled(rule)
    for i, account in enumerate(MEMBERS):
        with as_(member(account)):
            quorate.cast_vote(item, Choice.APPROVE, in_writing=i >= 6)  # type: ignore[arg-type]
            short.cast_vote(other, Choice.APPROVE, in_writing=i >= 5)  # type: ignore[arg-type]
    with as_(SECRETARY):
        passed = quorate.close({})[item]
        failed = short.close({})[other]
    assert passed["outcome"] == "approved"
    assert passed["tally"] == {
        "members": 9,
        "total": 9,
        "present": 9,
        "approve": 9,
        "reject": 0,
        "abstain": 0,
        "recuse": 0,
        "in_writing": 3,
    }
    assert failed["outcome"] == "no_quorum"
    assert failed["tally"]["in_writing"] == 4


def test_a_tally_under_a_rule_without_written_votes_reads_as_before() -> None:
    counts = tally(9, ["approve"] * 6, voting_rule(4))
    assert "in_writing" not in counts
    assert judge(counts, voting_rule(4)) is ItemOutcome.APPROVED


def test_a_member_recused_by_the_rule_on_one_item_still_votes_in_writing_on_another() -> None:
    session, [own, other] = scheduled(voting_rule(5), items=2)
    with as_(SECRETARY):
        session.recuse_automatically(own, "m1", "Công tác tại đơn vị được đề nghị.")
    with as_(member("m1")):
        session.cast_vote(other, Choice.APPROVE, in_writing=True)  # type: ignore[arg-type]
    assert session.in_writing == ["m1"]
