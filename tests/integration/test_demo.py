"""``thidua demo``: the sample lifecycle on a SQLite file, safe to run twice."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path
from uuid import UUID

import pytest

from domain.calendar import VIETNAM
from domain.units import UnitRegistry
from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from storage.views import SQLiteDatabase
from thidua.bootstrap import SQLITE_FACTORY
from thidua.demo import seed_demo
from thidua.settings import Settings

pytestmark = pytest.mark.integration


def run_demo(data_dir: Path) -> str:
    env = {**os.environ, "THIDUA_DATA_DIR": str(data_dir), "THIDUA_LOG_FORMAT": "json"}
    done = subprocess.run(
        [sys.executable, "-m", "thidua.cli", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout


def test_the_demo_takes_nominations_to_a_decision_and_prints_their_checks(tmp_path: Path) -> None:
    output = run_demo(tmp_path)
    assert (tmp_path / "thidua.sqlite3").exists()
    assert "commune-high-pp2: met (inspection_verified)" in output
    assert "commune-high-pp2: not_met (declared)" in output
    assert "Council: recommended" in output
    assert "Council: not_recommended" in output  # the council advises; the dossier closes
    assert "Decision: approved — 1/QĐ-UBND of 2024-03-28 by ubnd-tinh-ben-tre" in output
    assert "Stage: closed; outcome: rejected" in output
    assert "override of commune-low-rel20" in output


def test_running_the_demo_again_records_nothing_twice(tmp_path: Path) -> None:
    first = run_demo(tmp_path)
    again = run_demo(tmp_path)
    assert again == first


def test_the_demo_is_a_living_movement_dated_from_today(tmp_path: Path) -> None:
    from datetime import datetime, timedelta
    from uuid import UUID

    from domain.calendar import VIETNAM
    from domain.nomination import nomination_id
    from domain.stages import Stage
    from thidua.bootstrap import build_service
    from thidua.demo_cases import CASES
    from thidua.settings import Settings

    run_demo(tmp_path)
    today = datetime.now(VIETNAM).date()
    service = build_service(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    try:
        # Nothing is long overdue but the one case that shows an overdue dossier (and the one
        # the district level left stranded, which the clock moves on when it starts).
        late = []
        for case in CASES:
            n = service.get_nomination(
                nomination_id(case.unit_code, case.award_form, case.cycle_year)
            )
            if n.due_on is not None and n.stage in {s.value for s in Stage} - {"decided", "closed"}:
                if n.due_on < today - timedelta(days=60) and n.stage != "district_review":
                    late.append((case.unit_code, n.stage, n.due_on))
                if case.late_days:
                    assert n.due_on < today  # shown overdue, on purpose
        assert late == []
        # demo-council-1 arrives to an open session with a ballot to cast.
        before_council = service.get_nomination(
            nomination_id("S-86-834-01", "bang-khen-tinh", 2025)
        )
        assert before_council.agenda_session_id is not None
        session = service.get_session(UUID(before_council.agenda_session_id))
        assert session.state == "open"
        assert "demo-council-1" in session.members
        assert "demo-council-1" not in session.participation[str(before_council.id)]
        # The province has the poverty review's spreadsheet waiting to be previewed.
        assert [p.name for p in (tmp_path / "imports" / "waiting").iterdir()] == [
            "poverty-figures-2021-2025.xlsx"
        ]
        # demo-inspector has a visit to claim.
        waiting = service.get_nomination(nomination_id("S-86-838-01", "bang-khen-tinh", 2025))
        assert [v["state"] for v in waiting.visits.values()] == ["ordered"]
        assert all(v["due_on"] >= today.isoformat() for v in waiting.visits.values())
    finally:
        service.close()


@pytest.mark.parametrize(
    ("seeded_on", "closes_on"),
    [
        (date(2026, 12, 4), date(2026, 12, 8)),  # a Friday: Monday, then Tuesday
        (date(2027, 4, 29), date(2027, 5, 5)),  # before 30/4 and 1/5 (and 3/5 in lieu)
    ],
)
def test_the_demos_ballot_stays_open_two_working_days_whenever_it_is_seeded(
    tmp_path: Path, shipped_units: UnitRegistry, seeded_on: date, closes_on: date
) -> None:
    env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(tmp_path / "e.sqlite3")}
    with NominationService(env, units=shipped_units) as service:
        seed_demo(service, Settings(_env_file=None).units_file, today=seeded_on)
        runner = ProjectionRunner(service, SQLiteDatabase(str(tmp_path / "e.sqlite3")))
        runner.catch_up("council_agenda")
        rows, _ = runner.council_agenda_view.sessions_page("demo-council-1")
        ballot = service.get_session(UUID(rows[0]["session_id"]))
    assert ballot.state == "open"  # listed first
    assert ballot.closes_at == datetime.combine(closes_on, time(17), VIETNAM)
    assert "demo-council-1" in ballot.not_voted
    assert "biểu quyết" not in ballot.title  # the state is shown as a state, not in a title
