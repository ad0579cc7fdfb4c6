"""An auditor sees plainly where a changed row broke the chain."""

from __future__ import annotations

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

        # Someone edits a stored event behind the product's back.
        with sqlite3.connect(tmp_path / "thidua.sqlite3") as db:
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
