"""A part of a page that fails to load says so; the rest of the page still shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Route, expect

from tests.e2e.conftest import User

pytestmark = pytest.mark.e2e


def test_a_history_that_fails_to_load_is_reported_on_the_nomination_page(
    browser: Browser, product: str
) -> None:
    auditor = User(browser, product, "demo-auditor")
    page = auditor.page
    first = page.evaluate(
        "async () => (await (await fetch('/api/v1/nominations?limit=1',"
        " {headers: {Authorization: 'Bearer ' + sessionStorage.getItem('token')}})).json())"
        ".data[0].nomination_id"
    )

    def broken(route: Route) -> None:
        route.fulfill(
            status=503,
            content_type="application/problem+json",
            body='{"status": 503, "detail": "the read models cannot answer"}',
        )

    page.route("**/api/v1/nominations/*/events", broken)
    page.goto(f"{product}/#/nominations/{first}")
    expect(page.locator("#stage")).to_be_visible()  # the nomination itself still shows
    alert = page.locator("p.error[role=alert]")
    expect(alert).to_contain_text("Không tải được")
    expect(alert).to_contain_text("the read models cannot answer")
    auditor.close()
