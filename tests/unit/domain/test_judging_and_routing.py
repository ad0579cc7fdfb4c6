"""Judging and review routing as pure functions: which check is in force, what stops the
province forwarding a dossier, and where a review sends it."""

from __future__ import annotations

from typing import Any

import pytest

from domain.criteria.checks import CriterionCheck, RuleSetRef
from domain.criteria.rules import Basis, Explanation, Outcome
from domain.errors import InvalidInput, StageTransitionError
from domain.judging import checks_in_force, judgement
from domain.review_routing import require_ready_to_forward, review_target
from domain.stages import Stage

pytestmark = pytest.mark.unit

REF = RuleSetRef("r", 1, "d" * 64)


def check(
    cid: str, outcome: Outcome, kind: str = "automatic", basis: Basis = Basis.DECLARED
) -> dict[str, Any]:
    return CriterionCheck(
        cid, kind, outcome, basis, REF, {}, {}, "", Explanation("", ""), "system", "2024-01-01"
    ).to_dict()


def test_a_judged_check_stays_in_force_over_a_later_declared_one() -> None:
    checks = [
        check("c", Outcome.NOT_MET),
        check("c", Outcome.MET, kind="judged"),
        check("c", Outcome.NOT_MET),
    ]
    assert checks_in_force(checks)["c"].outcome is Outcome.MET


def test_a_later_declared_check_replaces_an_earlier_declared_one() -> None:
    checks = [check("c", Outcome.NOT_MET), check("c", Outcome.MET)]
    assert checks_in_force(checks)["c"].outcome is Outcome.MET


def test_forwarding_stops_at_an_open_visit_then_an_unexcused_not_met_check() -> None:
    in_force = checks_in_force([check("c", Outcome.NOT_MET)])
    with pytest.raises(StageTransitionError, match="visit v1 is still open"):
        require_ready_to_forward(["v1"], in_force, ())
    with pytest.raises(StageTransitionError, match="criterion c is not met"):
        require_ready_to_forward([], in_force, ())
    require_ready_to_forward([], in_force, ("c",))  # a reasoned override lets it go


def test_a_check_awaiting_judgement_stops_forwarding_even_with_an_override() -> None:
    in_force = checks_in_force([check("c", Outcome.NEEDS_JUDGEMENT)])
    with pytest.raises(StageTransitionError, match="record a judgement first"):
        require_ready_to_forward([], in_force, ("c",))


def test_a_review_approves_onwards_returns_to_collecting_or_closes() -> None:
    assert review_target("approve", "", Stage.PROVINCE_REVIEW) == (Stage.PROVINCE_REVIEW, "")
    assert review_target("return", "thiếu số liệu", Stage.PROVINCE_REVIEW)[0] is Stage.COLLECTING
    assert review_target("reject", "không đạt", Stage.PROVINCE_REVIEW)[0] is Stage.CLOSED
    with pytest.raises(InvalidInput) as refused:
        review_target("return", "", Stage.PROVINCE_REVIEW)
    assert refused.value.field == "comment"


def test_a_judgement_must_decide_and_only_where_one_is_due() -> None:
    with pytest.raises(InvalidInput) as refused:
        judgement("c", Outcome.MET, "ok", judged_ids=set(), current=None, title=None)
    assert refused.value.field == "criterion_id"
    with pytest.raises(InvalidInput) as refused:
        judgement("c", Outcome.NEEDS_JUDGEMENT, "ok", judged_ids={"c"}, current=None, title=None)
    assert refused.value.field == "outcome"
    result, reason = judgement(
        "c", Outcome.MET, "  đã kiểm tra  ", judged_ids={"c"}, current=None, title=None
    )
    assert (result.kind, result.outcome.outcome, reason) == ("judged", Outcome.MET, "đã kiểm tra")
