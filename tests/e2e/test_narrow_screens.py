"""On a 390 px phone every main page fits the screen: wide tables scroll inside their box."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import User

pytestmark = pytest.mark.e2e
PHONE = 390


@pytest.mark.parametrize(
    ("username", "route", "ready", "open_first", "name"),
    [
        ("demo-province-reviewer", "#/nominations", "table", True, "nomination-390px"),
        ("demo-inspector", "#/tasks", "h1", False, "tasks-inspector-390px"),
        ("demo-council-1", "#/council", "h1", False, "council-390px"),
        ("demo-auditor", "#/audit", "h1", False, "audit-390px"),
    ],
)
def test_each_main_page_fits_a_390_px_screen(
    browser: Browser,
    product: str,
    username: str,
    route: str,
    ready: str,
    open_first: bool,
    name: str,
) -> None:
    user = User(browser, product, username, width=PHONE)
    page = user.go(route, ready)
    if open_first:
        page.locator("tbody tr a").first.click()
        page.wait_for_selector("#history")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    user.shot(name)
    user.close()
