"""The audit and projection commands, end to end on a SQLite file."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.cli import run_cli
from tests.scenarios import GOOD, Story
from thidua.bootstrap import build_service
from thidua.settings import Settings

pytestmark = pytest.mark.integration


def thidua(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "THIDUA_DATA_DIR": str(data_dir), "THIDUA_LOG_FORMAT": "json"}
    return run_cli(env, *args, check=check)


def test_an_auditor_rebuilds_verifies_exports_and_finds_a_tampered_row(tmp_path: Path) -> None:
    thidua(tmp_path, "demo")
    rebuilt = thidua(tmp_path, "projections", "rebuild", "--all")
    assert "audit_trail: rebuilt up to position" in rebuilt.stdout
    header, *status = thidua(tmp_path, "projections", "status").stdout.splitlines()
    assert header.split()[:3] == ["reader", "position", "behind"]
    rows = {line.split()[0]: line.split() for line in status}
    views = [row for name, row in rows.items() if name != "relay"]
    assert views
    assert all(row[2] == "0" for row in views)  # none behind
    assert rows["relay"][1] == "0"  # no relay has run here: every signal is still to send
    assert rows["relay"][-1] == "(none)"  # and nobody holds its lease

    verified = thidua(tmp_path, "audit", "verify")
    report = json.loads(verified.stdout)
    assert report["ok"] is True
    assert report["checked_events"] > 100

    exported = tmp_path / "checks.csv"
    thidua(tmp_path, "audit", "export", "--checks", "--cycle", "2023", "--output", str(exported))
    with exported.open(encoding="utf-8") as f:
        checks = list(csv.DictReader(f))
    assert {c["outcome"] for c in checks} >= {"met", "not_met"}

    kept = tmp_path / "receipt.json"
    thidua(tmp_path, "audit", "seal", "--output", str(kept))
    assert json.loads(thidua(tmp_path, "audit", "verify", "--receipt", str(kept)).stdout)["ok"]

    with sqlite3.connect(tmp_path / "thidua.sqlite3") as db:
        aggregate, state = db.execute(
            "SELECT originator_id, state FROM stored_events WHERE originator_version = 2 LIMIT 1"
        ).fetchone()
        refused = (
            "UPDATE stored_events SET state = ? WHERE originator_id = ? AND originator_version = 2"
        )
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(refused, (b"{}", aggregate))
        db.execute("DROP TRIGGER stored_events_no_update")  # as the file's owner could
        db.execute(refused, (bytes(state).replace(b"20", b"21", 1), aggregate))
    tampered = thidua(tmp_path, "audit", "verify", check=False)
    assert tampered.returncode == 1
    broken = json.loads(tampered.stdout)["first_broken"]
    assert broken["version"] == 2
    assert broken["aggregate_id"].replace("-", "") == aggregate

    thidua(tmp_path, "projections", "rebuild", "--all")  # the views now absorb the change
    against = thidua(tmp_path, "audit", "verify", "--receipt", str(kept), check=False)
    assert against.returncode == 1
    finding = json.loads(against.stdout)["finding"]
    assert (finding["change"], finding["version"]) == ("changed", 2)
    assert finding["aggregate_id"].replace("-", "") == aggregate
    not_sealed = thidua(tmp_path, "audit", "seal", check=False)
    assert not_sealed.returncode == 1
    assert "no longer matches" in not_sealed.stderr


def test_a_later_receipt_proves_the_log_only_grew_and_a_forged_one_is_refused(
    tmp_path: Path,
) -> None:
    thidua(tmp_path, "demo")
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    thidua(tmp_path, "audit", "seal", "--output", str(old))
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    with build_service(settings) as service:  # the log grows
        Story(service).open("S-832-01", GOOD)
    thidua(tmp_path, "audit", "seal", "--output", str(new))
    proof = json.loads(thidua(tmp_path, "audit", "prove-append", str(old), str(new)).stdout)
    assert proof["ok"] is True
    assert proof["to"] > proof["from"] > 0
    forged = json.loads(old.read_text("utf-8"))
    forged["count"] -= 1
    old.write_text(json.dumps(forged), "utf-8")
    refused = thidua(tmp_path, "audit", "verify", "--receipt", str(old), check=False)
    assert refused.returncode == 1
    assert "signature" in json.loads(refused.stdout)["refused"]


def test_bad_input_is_named_and_changes_nothing(tmp_path: Path) -> None:
    thidua(tmp_path, "demo")
    refused = thidua(tmp_path, "audit", "show", "not-a-uuid", check=False)
    assert refused.returncode == 2
    assert "nomination: 'not-a-uuid' is not a UUID" in refused.stderr
    naive = thidua(tmp_path, "audit", "board", "--as-of", "2024-03-01T00:00:00", check=False)
    assert naive.returncode == 2
    assert "as-of: must include a time zone" in naive.stderr
    unknown = thidua(tmp_path, "projections", "rebuild", "nothing", check=False)
    assert unknown.returncode == 2
    assert "name: must be one of" in unknown.stderr


def test_the_poverty_review_spreadsheet_imports_once_from_the_command_line(
    tmp_path: Path,
) -> None:
    from tests.xlsx import SAMPLE, sample_rows, write_figures

    rows = len(sample_rows())
    dry = thidua(tmp_path, "import", "poverty-figures", str(SAMPLE), "--dry-run")
    assert f"{rows} rows, {rows} accepted, 0 rejected; not applied" in dry.stdout
    applied = thidua(tmp_path, "import", "poverty-figures", str(SAMPLE))
    assert "applied" in applied.stdout
    with sqlite3.connect(tmp_path / "thidua.sqlite3") as db:
        events = db.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0]
    thidua(tmp_path, "import", "poverty-figures", str(SAMPLE))  # again: nothing new
    with sqlite3.connect(tmp_path / "thidua.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0] == events
    bad = write_figures(
        tmp_path / "bad.xlsx",
        [{"unit_code": "S-829-01", "year": 2024, "total_households": 10, "poor_households": 11}],
    )
    refused = thidua(tmp_path, "import", "poverty-figures", str(bad), check=False)
    assert refused.returncode == 1
    assert "row 2, decision_number: is required" in refused.stderr


def test_reorganise_lists_then_moves_the_dossiers_the_district_level_left_stranded(
    tmp_path: Path,
) -> None:
    from datetime import date

    from tests.factories import ctx, officer, stats
    from tests.scenarios import SLOW

    service = build_service(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    try:
        on = date(2025, 1, 6)
        nid = service.open_nomination(ctx(officer(), on), "S-829-02", "bang-khen-tinh", 2024).id
        for year, figures in SLOW.items():
            service.record_statistics(ctx(officer(), on), nid, year, figures)
        service.record_statistics(ctx(officer(), on), nid, 2024, stats(3030, 110))
        service.write_achievement_report(ctx(officer(), on), nid, "Báo cáo thành tích.")
        service.submit_nomination(ctx(officer(), date(2025, 6, 20)), nid)
        assert service.get_nomination(nid).stage == "district_review"
    finally:
        service.close()
    listed = thidua(tmp_path, "reorganise", "--on", "2025-07-01", "--dry-run")
    assert f"S-829-02\t{nid}\tdistrict_review → province_review" in listed.stdout
    assert "would move 1 dossiers" in listed.stderr
    before = thidua(tmp_path, "reorganise", "--on", "2025-06-30", "--dry-run")
    assert "would move 0 dossiers" in before.stderr
    thidua(tmp_path, "reorganise", "--on", "2025-07-01")
    again = thidua(tmp_path, "reorganise", "--on", "2025-07-01", "--dry-run")
    assert "would move 0 dossiers" in again.stderr
    service = build_service(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    try:
        assert service.get_nomination(nid).stage == "province_review"
    finally:
        service.close()


def test_units_are_imported_from_a_file_all_or_none_and_again_changes_nothing(
    tmp_path: Path,
) -> None:
    rows = [
        {
            "code": f"S-831-I{n}",
            "name": f"Xã Nhập {n} (dữ liệu mẫu)",
            "kind": "commune",
            "parent_code": "831",
            "valid_from": "2020-02-01",
            "valid_to": "2025-06-30",
            "synthetic": True,
        }
        for n in range(3)
    ]
    good = tmp_path / "units.json"
    good.write_text(json.dumps({"units": rows}, ensure_ascii=False))
    first = thidua(tmp_path, "import", "units", str(good))
    assert "3 units in 1 saves, 1 applied, 0 already applied" in first.stdout
    again = thidua(tmp_path, "import", "units", str(good))
    assert "0 applied, 1 already applied" in again.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"units": [{**rows[0], "code": "S-831-X", "kind": "planet"}]}))
    refused = thidua(tmp_path, "import", "units", str(bad), check=False)
    assert refused.returncode != 0
    assert "units[0].kind" in refused.stderr


def test_a_batch_runs_from_a_file_as_an_account_each_item_on_its_own(tmp_path: Path) -> None:
    from tests.factories import ADMIN, ctx
    from tests.scenarios import SLOW

    service = build_service(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    try:
        story = Story(service)
        good, slow = story.open("S-831-01", GOOD), story.open("S-829-02", SLOW)
        for nid in (good, slow):
            story.to_province_review(nid)
        service.register_account(
            ctx(ADMIN), "tdkt", "$argon2id$hash", [{"role": "province_reviewer"}], "Ban TĐKT"
        )
    finally:
        service.close()
    batch = tmp_path / "forward.json"
    items = [
        {
            "key": f"forward-{name}",
            "action": "province_review",
            "nomination_id": str(nid),
            "body": {"decision": "approve", "comment": "Trình Hội đồng."},
        }
        for name, nid in (("good", good), ("slow", slow))
    ]
    batch.write_text(json.dumps({"items": items}))
    first = thidua(tmp_path, "batch", str(batch), "--as", "tdkt", check=False)
    assert first.returncode == 1  # one item was refused
    lines = first.stdout.splitlines()
    assert lines[0].endswith("\tdone")
    assert "refused (409)" in lines[1]
    assert "commune-high-pp2" in lines[1]
    assert lines[-1] == "1 done, 1 refused"
    again = thidua(tmp_path, "batch", str(batch), "--as", "tdkt", check=False)
    assert again.stdout == first.stdout  # answered as before; nothing recorded twice
    unknown = thidua(tmp_path, "batch", str(batch), "--as", "nobody", check=False)
    assert unknown.returncode != 0
    assert "--as" in unknown.stderr
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"items": [{**items[0], "action": "promote"}]}))
    refused = thidua(tmp_path, "batch", str(broken), "--as", "tdkt", check=False)
    assert refused.returncode != 0
    assert "items.0.action" in refused.stderr


def test_an_operator_rotates_the_writer_key_and_a_retired_key_signs_nothing_new(
    tmp_path: Path,
) -> None:
    thidua(tmp_path, "demo")
    rotated = json.loads(thidua(tmp_path, "audit", "new-writer-key").stdout)
    old, new = rotated["old_key_id"], rotated["new_key_id"]
    assert (tmp_path / "keys" / f"writer-ed25519.{old}.pem.old").exists()
    keys = json.loads(thidua(tmp_path, "audit", "writer-keys").stdout)["keys"]
    assert [k["key_id"] for k in keys] == [old, new]
    assert keys[1]["from_position"] > keys[0]["from_position"]

    own = thidua(tmp_path, "audit", "retire-writer-key", new, check=False)
    assert own.returncode == 2
    assert "key_id" in own.stderr
    retired = json.loads(thidua(tmp_path, "audit", "retire-writer-key", old).stdout)
    keys = json.loads(thidua(tmp_path, "audit", "writer-keys").stdout)["keys"]
    assert keys[0]["until_position"] == retired["at_position"]
    assert json.loads(thidua(tmp_path, "audit", "verify").stdout)["ok"] is True

    # The old key, leaked, signs an event after its retirement: verify names it.
    (tmp_path / "keys" / "writer-ed25519.pem").write_bytes(
        (tmp_path / "keys" / f"writer-ed25519.{old}.pem.old").read_bytes()
    )
    refused = thidua(tmp_path, "audit", "writer-keys", check=False)  # a process starts
    assert refused.returncode != 0
    assert "retired" in refused.stderr
