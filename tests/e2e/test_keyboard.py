"""Everything a council member needs is reachable with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e


def tab_to(page: Page, selector: str, presses: int = 60) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_member_signs_in_and_opens_a_session_without_a_mouse(
    browser: Browser, product: str
) -> None:
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{product}/#/login")
    page.wait_for_selector("#f-username")
    tab_to(page, "#f-username")
    page.keyboard.type("demo-council-6")
    tab_to(page, "#f-password")
    page.keyboard.type("thidua-demo")
    page.keyboard.press("Enter")
    expect(page.locator("#logout")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Phiên họp Hội đồng")
    tab_to(page, "#main a[href^='#/council/']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#/council/[0-9a-f-]{36}$"))
    expect(page.locator("#session-state")).to_be_visible()
    context.close()
