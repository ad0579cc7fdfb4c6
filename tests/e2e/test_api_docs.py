"""The API's own documentation works in a browser, offline and under the product's CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, ConsoleMessage, expect

pytestmark = pytest.mark.e2e


def test_swagger_ui_lists_the_operations_from_the_products_own_assets(
    browser: Browser, product: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    context.route(
        lambda url: not url.startswith(product),
        lambda route: (outside.append(route.request.url), route.abort()),
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: _keep_errors(message, problems))
    response = page.goto(f"{product}/docs")
    assert response is not None
    assert (
        "'unsafe-inline'"
        not in response.headers["content-security-policy"]
        .split("script-src", 1)[1]
        .split(";", 1)[0]
    )
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 40
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/auth/token")).to_be_visible()
    assert outside == []
    assert problems == []
    context.close()


def test_redoc_renders_the_operations_from_the_products_own_assets(
    browser: Browser, product: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    context.route(
        lambda url: not url.startswith(product),
        lambda route: (outside.append(route.request.url), route.abort()),
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: _keep_errors(message, problems))
    page.goto(f"{product}/redoc")
    # ReDoc's sidebar credits Redocly with a logo from its CDN; the CSP blocks it, as it
    # should, and ReDoc then hides the image. Any other error fails the test.
    problems_allowed = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    expect(page.get_by_role("heading", name="thidua (1)")).to_be_visible()
    expect(page.locator("h2", has_text="Sign in").first).to_be_visible()
    assert outside == []
    assert [p for p in problems if problems_allowed not in p] == []
    context.close()


def _keep_errors(message: ConsoleMessage, problems: list[str]) -> None:
    if message.type == "error":
        problems.append(message.text)
