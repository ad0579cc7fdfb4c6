"""Each main page passes axe-core in the same Chromium: no serious or critical violations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import User

pytestmark = pytest.mark.e2e
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


def serious_violations(page: Page) -> list[dict[str, Any]]:
    # Evaluated through the DevTools protocol, so the page's CSP stays as it is in production.
    page.evaluate(AXE.read_text("utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => ({
              id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")),
            }))"""
    )
    return found


def first_nomination(page: Page) -> None:
    page.locator("tbody tr a").first.click()
    page.wait_for_selector("#history")


def test_the_sign_in_page_has_no_serious_accessibility_violations(
    browser: Browser, product: str
) -> None:
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{product}/#/login")
    page.wait_for_selector("#f-username")
    assert serious_violations(page) == []
    context.close()


@pytest.mark.parametrize(
    ("username", "route", "ready", "open_first", "width"),
    [
        ("demo-officer", "#/nominations", "table", False, 1280),
        ("demo-officer", "#/nominations", "table", False, 390),
        ("demo-officer", "#/nominations", "table", True, 1280),
        ("demo-province-reviewer", "#/nominations", "table", True, 1280),
        ("demo-district-829", "#/tasks", "h1", False, 1280),
        ("demo-inspector", "#/tasks", "h1", False, 1280),
        ("demo-secretary", "#/council", "h1", False, 1280),
        ("demo-council-1", "#/council", "h1", False, 1280),
        ("demo-auditor", "#/audit", "h1", False, 1280),
    ],
)
def test_each_main_page_has_no_serious_accessibility_violations(
    browser: Browser,
    product: str,
    username: str,
    route: str,
    ready: str,
    open_first: bool,
    width: int,
) -> None:
    user = User(browser, product, username, width=width)
    page = user.go(route, ready)
    if open_first:
        first_nomination(page)
    assert serious_violations(page) == []
    user.close()
