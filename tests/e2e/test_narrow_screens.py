"""On a 390 px phone every main page fits the screen: wide tables scroll inside their box."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

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


def test_on_a_phone_the_links_fold_behind_one_menu_button(browser: Browser, product: str) -> None:
    user = User(browser, product, "demo-province-reviewer", width=PHONE)
    page = user.go("#/nominations", "table")
    user.shot("menu-closed-390px")
    header = page.locator("header.bar").bounding_box()
    assert header is not None
    assert header["height"] < 70, header  # one row, not a column
    links = page.locator("#nav a")
    expect(links.first).to_be_hidden()
    menu = page.locator("#menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(links.first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    user.shot("menu-open-390px")
    page.locator("#nav a", has_text="Việc cần làm").click()
    page.wait_for_selector("#main h1")
    expect(links.first).to_be_hidden()  # a choice closes the menu
    user.close()


def test_on_a_wide_screen_the_links_show_without_a_menu(browser: Browser, product: str) -> None:
    user = User(browser, product, "demo-province-reviewer")
    page = user.go("#/nominations", "table")
    expect(page.locator("#menu")).to_be_hidden()
    expect(page.locator("#nav a").first).to_be_visible()
    user.close()
