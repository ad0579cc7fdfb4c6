"""An auditor sees plainly where a changed row broke the chain."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import User, running_product

pytestmark = pytest.mark.e2e


def test_the_auditor_sees_the_first_broken_link_after_a_row_is_changed(
    browser: Browser, tmp_path: Path
) -> None:
    with running_product(tmp_path) as base:
        auditor = User(browser, base, "demo-auditor")
        auditor.go("#/audit", "#verify")
        auditor.page.click("#verify")
        expect(auditor.page.locator("#verify-result")).to_contain_text("Toàn vẹn")

        # Someone with the file's owner rights drops the guard and edits a stored event.
        with sqlite3.connect(tmp_path / "thidua.sqlite3") as db:
            db.execute("DROP TRIGGER stored_events_no_update")
            aggregate, state = db.execute(
                "SELECT originator_id, state FROM stored_events"
                " WHERE originator_version = 2 LIMIT 1"
            ).fetchone()
            db.execute(
                "UPDATE stored_events SET state = ?"
                " WHERE originator_id = ? AND originator_version = 2",
                (bytes(state).replace(b"20", b"21", 1), aggregate),
            )

        auditor.page.click("#verify")
        result = auditor.page.locator("#verify-result")
        expect(result).to_contain_text("Phát hiện sai lệch tại")
        expect(result).to_contain_text("phiên bản 2")
        expect(result).to_contain_text("đã bị sửa sau khi nhật ký kiểm tra ghi nhận")
        text = result.inner_text().replace("-", "")
        assert aggregate in text
        auditor.shot("audit-broken-chain")
        auditor.close()


def test_the_auditor_keeps_a_receipt_and_proves_a_deletion_with_it(
    browser: Browser, tmp_path: Path
) -> None:
    with running_product(tmp_path) as base:
        auditor = User(browser, base, "demo-auditor")
        page = auditor.go("#/audit", "#download-receipt")
        # The worker seals once at start, then daily: wait for that first receipt.
        latest = (
            "async () => (await fetch('/api/v1/audit/receipts/latest',"
            " {headers: {Authorization: 'Bearer ' + sessionStorage.getItem('token')}})).status"
        )
        for _ in range(120):
            if page.evaluate(latest) == 200:
                break
            page.wait_for_timeout(500)
        with page.expect_download() as download:
            page.click("#download-receipt")
        expect(page.locator("#receipt-latest")).to_contain_text("Đã tải")
        kept = tmp_path / "kept-receipt.json"
        download.value.save_as(kept)
        receipt = json.loads(kept.read_text("utf-8"))
        assert receipt["format"] == "thidua-receipt/1"

        page.set_input_files("#receipt-file", str(kept))
        page.click("#check-receipt")
        expect(page.locator("#receipt-result")).to_contain_text("Toàn vẹn")

        with sqlite3.connect(tmp_path / "thidua.sqlite3") as db:
            db.execute("DROP TRIGGER stored_events_no_delete")
            aggregate, version = db.execute(
                "SELECT originator_id, originator_version FROM stored_events WHERE rowid = 3"
            ).fetchone()
            db.execute("DELETE FROM stored_events WHERE rowid = 3")

        page.set_input_files("#receipt-file", str(kept))
        page.click("#check-receipt")
        result = page.locator("#receipt-result")
        expect(result).to_contain_text("Có sai lệch")
        expect(result).to_contain_text("vị trí 3")
        expect(result).to_contain_text("đã bị xoá")
        expect(result).to_contain_text(f"phiên bản {version}")
        assert aggregate in result.inner_text().replace("-", "")
        auditor.shot("audit-receipt-deleted")

        tampered = dict(receipt, count=receipt["count"] - 1)
        kept.write_text(json.dumps(tampered), "utf-8")
        page.set_input_files("#receipt-file", str(kept))
        page.click("#check-receipt")
        expect(result).to_contain_text("bị từ chối")
        expect(result).to_contain_text("signature")
        auditor.close()
