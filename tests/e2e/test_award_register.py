"""On a 390 px phone, the office looks an award up in the register and the public finds the
same award by the unit's name, without signing in (docs/spec.md §13)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import SCREENSHOTS, User
from tests.e2e.test_accessibility import serious_violations

pytestmark = pytest.mark.e2e
PHONE = 390


def test_the_register_is_looked_up_by_the_office_and_by_the_public_on_a_phone(
    browser: Browser, product: str
) -> None:
    office = User(browser, product, "demo-auditor", width=PHONE)
    page = office.go("#/awards", "#register tbody tr")
    first = page.locator("#register tbody tr").first
    unit_name = first.locator("td").first.inner_text().strip()
    expect(page.locator("#register-statistics")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    assert serious_violations(page) == []
    office.shot("award-register-390px")
    # Searching by a form no demo award has empties the table, and says so.
    page.locator("#f-form").select_option("co-thi-dua-tinh")
    page.get_by_role("button", name="Tìm").click()
    expect(page.locator("#register-count")).to_have_text("0 khen thưởng")
    office.close()

    citizen = browser.new_context(viewport={"width": PHONE, "height": 844}, locale="vi-VN")
    public = citizen.new_page()
    errors: list[str] = []
    public.on("pageerror", lambda error: errors.append(str(error)))
    public.goto(f"{product}/cong-khai/khen-thuong")
    expect(public.locator("h1")).to_have_text("Tra cứu khen thưởng")
    public.get_by_label("Tên hoặc mã đơn vị").fill(unit_name.split("(")[0].strip())
    public.get_by_role("button", name="Tìm").click()
    expect(public.locator("li.notice").first).to_contain_text(unit_name)
    expect(public.locator("li.notice").first).to_contain_text("Quyết định số")
    assert public.evaluate("document.documentElement.scrollWidth") <= PHONE
    assert serious_violations(public) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    public.screenshot(path=str(SCREENSHOTS / "public-awards-390px.png"), full_page=True)
    assert errors == []
    citizen.close()
