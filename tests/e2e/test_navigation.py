"""A page that loads slowly never covers the page the user went to next."""

from __future__ import annotations

import time

from playwright.sync_api import Browser, Route, expect

from tests.e2e.conftest import User


def test_a_slow_page_does_not_render_over_a_newer_one(browser: Browser, product: str) -> None:
    user = User(browser, product, "demo-auditor")
    held: list[Route] = []
    user.page.route("**/api/v1/nominations?*", lambda route: held.append(route))
    user.page.goto(f"{product}/#/nominations")  # its list is held back…
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        user.page.wait_for_timeout(50)  # let the page send its request
    assert held
    user.page.goto(f"{product}/#/me")  # …while the user moves on
    expect(user.page.locator("#main h1")).to_have_text("Tài khoản của tôi")
    for route in held:
        route.continue_()  # the slow answer arrives now
    user.page.wait_for_load_state("networkidle")
    expect(user.page.locator("#main h1")).to_have_text("Tài khoản của tôi")
    user.close()
