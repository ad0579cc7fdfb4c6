"""A unit's officer nominates a person in the browser: the person's data goes to its own
register, the dossier shows their name to those who handle it, and an auditor sees only the
person's code (docs/spec.md §14)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import User
from tests.e2e.test_accessibility import serious_violations

pytestmark = pytest.mark.e2e


def test_an_officer_nominates_a_person_whom_only_the_dossiers_handlers_see_by_name(
    browser: Browser, product: str
) -> None:
    officer = User(browser, product, "demo-officer")
    page = officer.go("#/nominations", "table")
    page.fill("#f-unit_code", "S-86-831-01")
    page.select_option("#f-award_form", "bang-khen-tinh")
    page.fill("#f-cycle_year", "2025")
    expect(page.locator("#person-fields")).to_be_hidden()
    page.check("#f-for_person")
    expect(page.locator("#person-fields")).to_be_visible()
    page.fill("#f-full_name", "Lê Thị Mai")
    page.fill("#f-job_title", "Trưởng ấp")
    page.select_option("#f-gender", "female")
    assert serious_violations(page) == []
    page.click("#new-nomination button[type=submit]")
    expect(page).to_have_url(re.compile(r"#/nominations/[0-9a-f-]{36}$"))
    expect(page.locator("h1")).to_have_text("Lê Thị Mai")
    expect(page.locator("#person")).to_have_text("Trưởng ấp, S-86-831-01")
    dossier = "#" + page.url.split("#")[1]
    officer.close()

    auditor = User(browser, product, "demo-auditor")
    seen = auditor.go(dossier, "h1")
    expect(seen.locator("h1")).to_have_text(re.compile(r"^CN-[0-9a-f-]{36}$"))
    assert "Lê Thị Mai" not in seen.content()
    assert "Trưởng ấp" not in seen.content()
    auditor.close()
