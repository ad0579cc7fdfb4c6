"""The board's keyset paging gives every row once, in one order, on both databases."""

from __future__ import annotations

import pytest

from domain.service import NominationService
from projections.board import BoardQuery
from projections.runner import ProjectionRunner
from tests.scenarios import Story

pytestmark = pytest.mark.projections


def test_paging_one_row_at_a_time_by_keyset_gives_the_offset_order(
    service: NominationService, runner: ProjectionRunner
) -> None:
    Story(service).full_lifecycle()
    runner.catch_up_all()
    board = runner.view("board")
    everything = board.page_of(BoardQuery(limit=500)).rows
    assert len(everything) > 3
    seen: list[str] = []
    after = None
    while True:
        [*rows] = board.page_of(BoardQuery(limit=1, after=after)).rows
        if not rows:
            break
        row = rows[0]
        seen.append(row["nomination_id"])
        after = (
            row["cycle_year"],
            row["district_code"] or "",
            row["unit_code"],
            row["award_form"],
            row["nomination_id"],
        )
    assert seen == [r["nomination_id"] for r in everything]
