"""Each read model, built from a whole cycle's events, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from domain.criteria.ruleset import RuleSet
from projections.audit_trail_view import TrailFilter
from projections.board import BoardQuery
from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from tests.scenarios import Story

pytestmark = pytest.mark.projections


def test_every_projection_catches_up_to_the_head_of_the_log(
    ids: dict[str, object], runner: ProjectionRunner
) -> None:
    assert all(lag.behind == 0 for lag in runner.lag())
    assert {lag.name for lag in runner.lag()} == {
        "audit_trail",
        "board",
        "task_inbox",
        "council_agenda",
        "statistics",
        "notifications",
        "award_register",
    }


def test_the_audit_trail_holds_every_check_with_its_rule_set_inputs_and_explanation(
    ids: dict[str, object], runner: ProjectionRunner, service: NominationService
) -> None:
    trail = runner.audit_trail_view
    checks = list(trail.checks(TrailFilter(nomination_id=str(ids["good"]))))
    bases = [c["basis"] for c in checks]
    assert bases == ["official", "inspection_verified"]  # the register has every year
    first = checks[0]
    assert first["criterion_id"] == "commune-high-pp2"
    assert first["rule_set_id"] == "ben-tre-vi-nguoi-ngheo-2021-2025"
    assert first["rule_set_digest"] == service.default_rule_set.ref.digest
    # The official figures, with the recognition decision they came from.
    assert first["inputs"]["2021"] == {
        "total_households": 4000,
        "poor_households": 400,
        "source": {
            "decision_date": "2021-12-20",
            "decision_number": "2021/QĐ-UBND",
            "issuing_body": "UBND tỉnh Bến Tre",
        },
    }
    assert first["check_values"]["2022"]["outcome"] == "met"
    assert first["explanation_vi"].startswith("Xã, thị trấn")
    assert first["stage"] == "collecting"
    assert first["district_code"] == "831"
    assert first["cycle_year"] == 2023


def test_the_audit_trail_has_a_row_for_every_step_of_a_case(
    ids: dict[str, object], runner: ProjectionRunner
) -> None:
    slow = list(runner.audit_trail_view.rows(TrailFilter(nomination_id=str(ids["slow"]))))
    assert "override" in {r["kind"] for r in slow}
    rows = list(runner.audit_trail_view.rows(TrailFilter(nomination_id=str(ids["good"]))))
    kinds = {r["kind"] for r in rows}
    assert {
        "opened",
        "statistics",
        "evidence",
        "report",
        "check",
        "stage_change",
        "review",
        "inspection",
        "complaint",
        "reminder",
        "deadline",
        "escalation",
        "vote",
        "council",
        "decision",
        "revocation",
    } <= kinds
    votes = [r for r in rows if r["event_type"] == "BallotSealed"]
    assert votes
    assert all(set(r["details"]) == {"member_id"} for r in votes)  # never the choice
    recusals = [r for r in rows if r["event_type"] == "MemberRecused"]
    assert [r["details"]["member_id"] for r in recusals] == ["member-7"]
    assert "Thuộc đơn vị được đề nghị khen thưởng: Xã Mẫu Ba" in recusals[0]["reason"]
    assert all(r["actor_id"] and r["correlation_id"] for r in rows)


def test_the_board_lists_nominations_with_filters_and_pages(
    ids: dict[str, object], runner: ProjectionRunner
) -> None:
    board = runner.board_view
    everything = board.page_of(BoardQuery(cycle_year=2023))
    assert everything.count == 3
    decided = board.page_of(BoardQuery(stage="decided"))
    assert {r["outcome"] for r in decided.rows} == {"revoked"}
    # The decision's date, for naming the authority in force on it.
    assert {r["decided_on"] for r in decided.rows} == {"2024-04-03"}
    closed = board.page_of(BoardQuery(stage="closed"))  # the council did not recommend it
    assert "not_recommended" in {r["outcome"] for r in closed.rows}
    first = board.page_of(BoardQuery(limit=2))
    second = board.page_of(BoardQuery(limit=2, offset=2))
    # The 2023 cycle's three, the dossier moved at the cut-over, and the merged ward's.
    assert first.count == second.count == 5
    assert len(first.rows) == 2
    assert len(second.rows) == 2
    assert board.page_of(BoardQuery(district_code="831")).rows[0]["unit_code"] == "S-831-01"
    withdrawn = board.get(str(ids["dropped"]))
    assert (withdrawn["stage"], withdrawn["outcome"]) == ("closed", "withdrawn")


def test_the_task_inbox_shows_a_teams_visits_and_each_scopes_review_queue(
    service: NominationService, runner: ProjectionRunner
) -> None:
    story = Story(service)
    from tests.factories import PROVINCE, ctx, inspector
    from tests.scenarios import GOOD

    nid = story.open("S-831-01", GOOD)
    story.to_province_review(nid)
    runner.catch_up_all()
    inbox = runner.task_inbox_view
    assert [r["nomination_id"] for r in inbox.reviews_for("province")] == [str(nid)]
    assert inbox.reviews_for("831") == []
    service.schedule_inspection_visit(ctx(PROVINCE, date(2024, 2, 20)), nid, "team-1")
    runner.catch_up_all()
    [visit] = inbox.visits_for("team-1")
    assert (visit["state"], visit["claimed_by"]) == ("ordered", None)
    from uuid import UUID

    service.claim_visit(ctx(inspector(), date(2024, 2, 21)), UUID(visit["visit_id"]))
    runner.catch_up_all()
    [claimed] = inbox.visits_for("team-1")
    assert (claimed["state"], claimed["claimed_by"]) == ("claimed", "inspector-1")
    assert inbox.visits_for("team-2") == []


def test_the_council_agenda_shows_participation_and_tallies_after_closing(
    ids: dict[str, object], runner: ProjectionRunner
) -> None:
    session = runner.council_agenda_view.session(str(ids["session"]))
    assert session["state"] == "closed"
    items = {i["nomination_id"]: i for i in session["items"]}
    good = items[str(ids["good"])]
    assert good["outcome"] == "approved"
    assert (good["tally"]["approve"], good["tally"]["recuse"]) == (6, 1)  # member-7 recused
    assert len(good["voted"]) == 7
    assert good["not_voted"] == []
    assert items[str(ids["slow"])]["outcome"] == "blocked"


def test_statistics_give_rates_reductions_and_pass_rates(
    ids: dict[str, object], runner: ProjectionRunner
) -> None:
    stats = runner.statistics_view
    years = stats.unit_years("S-831-01")
    assert [y["year"] for y in years] == [2021, 2022, 2023]
    assert years[0]["rate_percent"] == "10.00"
    assert years[1]["reduction"] == 90
    assert years[1]["rate_drop_points"] == "2.29"
    verified = stats.unit_years("S-831-01", basis="verified")
    assert verified[0]["poor_households"] == 218
    rates = {(r["district_code"], r["criterion_id"]): r for r in stats.pass_rates(2023)}
    assert rates[("829", "commune-high-pp2")]["met"] == 0
    assert rates[("831", "commune-high-pp2")]["pass_rate_percent"] == "100.00"


def test_statistics_count_the_chairmans_decisions_under_the_authority_then_in_force(
    ids: dict[str, object], runner: ProjectionRunner, rules: RuleSet
) -> None:
    from projections.statistics import by_authority

    rows = runner.statistics_view.decisions(2023)
    assert {r["decided_on"] for r in rows} == {"2024-04-03"}  # a vote alone decides nothing
    assert sum(r["count"] for r in rows) == 1
    after_the_merger = [{**rows[0], "decided_on": "2025-07-10"}]
    counted = by_authority(rows + after_the_merger, rules.authority_on)
    authorities = {c["deciding_authority"]["vi"]: c for c in counted}
    assert set(authorities) == {"Chủ tịch UBND tỉnh Bến Tre", "Chủ tịch UBND tỉnh Vĩnh Long"}
    assert authorities["Chủ tịch UBND tỉnh Vĩnh Long"]["first_decided_on"] == "2025-07-10"


def test_the_audit_trail_has_every_event_kind_the_domain_records(
    ids: dict[str, object], runner: ProjectionRunner
) -> None:
    from projections.audit_trail import KINDS
    from tests.service_contract import event_classes

    known = {f"{c.__module__}:{c.__qualname__}" for c in KINDS}
    assert known == event_classes()
    assert count_digests(runner) == runner.head()


def count_digests(runner: ProjectionRunner) -> int:
    with runner.database.reading() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_digests")
        return int(cursor.fetchone()[0])


def test_a_board_kept_before_the_decision_date_is_dropped_and_rebuilt_whole(
    tmp_path: object,
) -> None:
    from pathlib import Path

    from projections.board import BoardView
    from projections.tracking import TRACKING_DDL
    from storage.views import SQLiteDatabase

    database = SQLiteDatabase(str(Path(str(tmp_path)) / "views.sqlite3"))
    with database.transaction() as cursor:
        cursor.execute(
            "CREATE TABLE board_nominations (nomination_id TEXT PRIMARY KEY, unit_code TEXT,"
            " unit_name TEXT, unit_kind TEXT, district_code TEXT, award_form TEXT,"
            " cycle_year INTEGER, stage TEXT, outcome TEXT, due_on TEXT, version BIGINT,"
            " opened_at TEXT, updated_at TEXT)"
        )
        cursor.execute(TRACKING_DDL)
        cursor.execute("INSERT INTO projection_tracking VALUES ('board', 'NominationService', 42)")
    BoardView(database)
    with database.reading() as cursor:
        cursor.execute("SELECT decided_on FROM board_nominations")
        assert cursor.fetchall() == []
        cursor.execute("SELECT COUNT(*) FROM projection_tracking WHERE projection = 'board'")
        assert cursor.fetchone()[0] == 0  # the runner replays the log into it


def test_statistics_kept_before_the_decisions_are_dropped_and_rebuilt_whole(
    tmp_path: object,
) -> None:
    from pathlib import Path

    from projections.statistics import StatisticsView
    from projections.tracking import TRACKING_DDL
    from storage.views import SQLiteDatabase

    database = SQLiteDatabase(str(Path(str(tmp_path)) / "views.sqlite3"))
    with database.transaction() as cursor:
        cursor.execute(
            "CREATE TABLE stats_cases (nomination_id TEXT PRIMARY KEY, unit_code TEXT NOT NULL,"
            " district_code TEXT, cycle_year INTEGER NOT NULL)"
        )
        cursor.execute(TRACKING_DDL)
        cursor.execute(
            "INSERT INTO projection_tracking VALUES ('statistics', 'NominationService', 42)"
        )
    StatisticsView(database)
    with database.reading() as cursor:
        cursor.execute("SELECT decided_on FROM stats_cases")
        assert cursor.fetchall() == []
        cursor.execute("SELECT COUNT(*) FROM projection_tracking WHERE projection = 'statistics'")
        assert cursor.fetchone()[0] == 0


def test_a_read_model_subscribes_to_the_events_it_handles_and_to_no_others() -> None:
    from eventsourcing.utils import get_topic

    from domain.council import CouncilSession
    from domain.nomination import Nomination
    from projections.board import BoardProjection
    from projections.task_inbox import TaskInboxProjection

    board = set(BoardProjection.topics)
    assert get_topic(Nomination.Revoked) in board
    assert get_topic(CouncilSession.Scheduled) in board
    assert get_topic(CouncilSession.BallotCast) not in board
    assert len(board) == 17
    inbox = set(TaskInboxProjection.topics)
    assert get_topic(Nomination.Revoked) not in inbox
    assert len(inbox) == 12


def test_a_view_drops_and_digests_exactly_the_tables_its_statements_create() -> None:
    from projections.board import BoardView
    from projections.notifications import NotificationsView
    from projections.views.tracked import keys_of

    assert BoardView.tables["board_scopes"] == "scope_code, nomination_id"
    assert BoardView.tables["board_complaints"] == "number"
    assert len(BoardView.tables) == 5
    # who read a notice comes from people, not from the log: never dropped, never digested
    assert "notice_reads" not in NotificationsView.tables
    with pytest.raises(ValueError, match="loose: a view's table needs a primary key"):
        keys_of(("CREATE TABLE IF NOT EXISTS loose (a TEXT, b TEXT)",))


def test_a_handler_named_for_several_events_runs_for_each_and_others_pass_by() -> None:
    from typing import Any

    from projections.handled import HandledProjection, handles

    seen: list[str] = []

    class First:
        pass

    class Second:
        pass

    class Counting(HandledProjection[Any]):
        name = "counting"

        @handles(First, Second)
        def _either(self, event: Any, tracking: Any) -> None:
            seen.append(type(event).__name__)

    projection = Counting.__new__(Counting)
    for event in (First(), Second(), object()):
        projection.process_event(event, None)  # type: ignore[arg-type]
    assert seen == ["First", "Second"]
    assert len(Counting.topics) == 2
