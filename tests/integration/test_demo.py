"""``thidua demo``: the sample lifecycle on a SQLite file, safe to run twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert "Decision: approved" in output
    assert "Decision: not_approved" in output
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
    from thidua.demo import CASES
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
        before_council = service.get_nomination(nomination_id("S-834-01", "bang-khen-tinh", 2025))
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
        waiting = service.get_nomination(nomination_id("S-838-01", "bang-khen-tinh", 2025))
        assert [v["state"] for v in waiting.visits.values()] == ["ordered"]
        assert all(v["due_on"] >= today.isoformat() for v in waiting.visits.values())
    finally:
        service.close()
