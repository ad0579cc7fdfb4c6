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
