"""Accounts in the browser: an admin deactivates an account; a user changes their own
password and every other session of theirs ends."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import ADMIN_PASSWORD, User

FIRST_PASSWORD = "Mat-khau-ban-dau-2025"
NEW_PASSWORD = "Mat-khau-moi-cua-toi-2025"


def new_account(browser: Browser, product: str, username: str) -> None:
    """An account of this test's own, so the other browser tests keep theirs."""
    request = browser.new_context().request
    token = request.post(
        f"{product}/api/v1/auth/token", form={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["access_token"]
    made = request.post(
        f"{product}/api/v1/accounts",
        headers={"Authorization": f"Bearer {token}"},
        data={"username": username, "password": FIRST_PASSWORD, "roles": [{"role": "auditor"}]},
    )
    assert made.status == 201, made.text()


def test_a_user_changes_their_password_and_their_other_sessions_end(
    browser: Browser, product: str
) -> None:
    new_account(browser, product, "e2e-doi-mat-khau")
    elsewhere = User(browser, product, "e2e-doi-mat-khau", password=FIRST_PASSWORD)
    user = User(browser, product, "e2e-doi-mat-khau", password=FIRST_PASSWORD)
    page = user.go("#/me", "#f-current_password")
    page.fill("#f-current_password", "not-my-password")
    page.fill("#f-new_password", NEW_PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator('[data-error-for="current_password"]')).not_to_be_empty()
    page.fill("#f-current_password", FIRST_PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator("#f-username")).to_be_visible()  # signed out: sign in again
    # The other tab's token no longer works: its next page load asks it to sign in.
    elsewhere.page.reload()
    expect(elsewhere.page.locator("#f-username")).to_be_visible()
    again = User(browser, product, "e2e-doi-mat-khau", password=NEW_PASSWORD)
    again.go("#/audit", "h1")
    for tab in (user, elsewhere, again):
        tab.close()


def test_an_admin_deactivates_an_account_which_can_then_not_sign_in(
    browser: Browser, product: str
) -> None:
    new_account(browser, product, "e2e-bi-khoa")
    admin = User(browser, product, "admin", password=ADMIN_PASSWORD)
    page = admin.go("#/accounts", "#accounts")
    row = page.locator('tr[data-username="e2e-bi-khoa"]')
    row.locator('input[type="checkbox"]').uncheck()
    row.locator("input[placeholder]").fill("Chuyển công tác")
    row.locator("form").first.locator("button").click()
    expect(page.locator("#toast")).to_contain_text("Đã lưu")
    expect(page.locator('tr[data-username="e2e-bi-khoa"]')).to_contain_text("Đã khóa")
    admin.close()
    signed_in = browser.new_context().request.post(
        f"{product}/api/v1/auth/token",
        form={"username": "e2e-bi-khoa", "password": FIRST_PASSWORD},
    )
    assert signed_in.status == 401
