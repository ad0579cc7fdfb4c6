"""The board's keyset paging gives every row once, in one order, on both databases."""

from __future__ import annotations

import pytest

from projections.board import BoardQuery
from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from tests.scenarios import Story

pytestmark = pytest.mark.projections


def test_paging_one_row_at_a_time_by_keyset_gives_the_offset_order(
    service: NominationService, runner: ProjectionRunner
) -> None:
    Story(service).full_lifecycle()
    runner.catch_up_all()
    board = runner.board_view
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


def test_a_filter_is_counted_once_while_the_board_stands_still_and_afresh_when_it_moves(
    service: NominationService, runner: ProjectionRunner
) -> None:
    from tests.scenarios import GOOD

    story = Story(service)
    story.full_lifecycle()
    runner.catch_up_all()
    board = runner.board_view
    counted: list[str] = []
    real = board._count.__func__  # type: ignore[attr-defined]

    def spy(self: object, cursor: object, where: str, params: list[object]) -> int:
        class Watch:
            def execute(self, sql: str, args: object = ()) -> object:
                if sql.startswith("SELECT COUNT"):
                    counted.append(sql)
                return cursor.execute(sql, args)  # type: ignore[attr-defined]

            def fetchone(self) -> object:
                return cursor.fetchone()  # type: ignore[attr-defined]

        return int(real(self, Watch(), where, params))

    board._count = spy.__get__(board)
    total = board.page_of(BoardQuery()).count
    assert board.page_of(BoardQuery()).count == total
    assert board.page_of(BoardQuery(stage="collecting")).count >= 0
    assert len(counted) == 2  # each filter once: the second read of the first was kept
    story.open("S-832-01", GOOD)
    runner.catch_up_all()
    assert board.page_of(BoardQuery()).count == total + 1  # the view moved: counted again
    assert len(counted) == 3
