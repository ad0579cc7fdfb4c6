"""The province reviewer previews the poverty review's spreadsheet, sees its row errors in a
table, and applies the valid rows."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import User
from tests.xlsx import write_figures


def test_the_province_previews_row_errors_then_applies_the_valid_rows(
    browser: Browser, product: str, tmp_path: Path
) -> None:
    source = {
        "decision_number": "20/QĐ-UBND",
        "decision_date": "2021-12-20",
        "issuing_body": "UBND tỉnh Bến Tre",
    }
    file = write_figures(
        tmp_path / "ra-soat-2021.xlsx",
        [
            {
                "unit_code": "S-838-02",
                "year": 2021,
                "total_households": 5000,
                "poor_households": 400,
                "poverty_rate": 8.0,
                **source,
            },
            {
                "unit_code": "S-838-02",
                "year": 2022,
                "total_households": 5000,
                "poor_households": 300,
                "poverty_rate": 9.99,
                **source,
                "decision_date": "2022-12-20",
            },
        ],
    )
    province = User(browser, product, "demo-province-reviewer")
    page = province.go("#/imports", "#import-file")
    # The poverty review's spreadsheet is waiting: its preview writes nothing.
    waiting = page.locator("#import-waiting li", has_text="poverty-figures-2021-2025.xlsx")
    waiting.locator("button").click()
    expect(page.locator("#import-result")).to_contain_text("Chưa ghi gì")
    expect(page.locator("#import-apply")).to_be_visible()
    page.set_input_files("#import-file", str(file))
    page.click("#import-preview")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("poverty_rate")
    expect(page.locator("#import-apply")).to_have_count(0)  # all or nothing: not offered
    province.shot("import-preview")
    page.check("#import-partial")
    page.click("#import-preview")
    page.click("#import-apply")
    expect(page.locator("#import-result")).to_contain_text("đã ghi 1")
    province.close()
