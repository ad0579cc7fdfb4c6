"""A citizen, on a phone, reads a posted nomination, objects and follows the objection; the
province reviewer resolves it in the product; the citizen sees it resolved."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import SCREENSHOTS, User
from tests.e2e.test_accessibility import serious_violations

pytestmark = pytest.mark.e2e
PHONE = 390


def test_a_citizen_objects_on_a_phone_and_follows_the_objection_to_its_resolution(
    browser: Browser, product: str
) -> None:
    citizen = browser.new_context(viewport={"width": PHONE, "height": 844}, locale="vi-VN")
    page = citizen.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{product}/cong-khai")
    expect(page.locator("h1")).to_have_text("Công khai hồ sơ đề nghị khen thưởng")
    assert serious_violations(page) == []
    page.locator("li.notice a").first.click()
    expect(page.locator("table tbody tr").first).to_be_visible()
    expect(page.get_by_text("Kết quả đánh giá từng tiêu chí")).to_be_visible()
    nid = page.url.rsplit("/", 1)[-1].split("?")[0]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    assert serious_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "public-notice-390px.png"), full_page=True)

    page.get_by_label("Nội dung").fill("Gia đình ông B ở ấp 2 đã thoát nghèo từ năm 2023.")
    page.get_by_label("Họ tên (không bắt buộc)").fill("Trần Thị C")
    page.get_by_role("button", name="Gửi").click()
    expect(page.get_by_role("status")).to_have_text("Đang xem xét")
    number = page.locator("dd code").inner_text()
    assert re.fullmatch(r"KN-[A-Z2-7]{10}", number)
    receipt = page.url
    assert serious_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "public-objection-receipt-390px.png"), full_page=True)

    reviewer = User(browser, product, "demo-province-reviewer")
    review = reviewer.go(f"#/nominations/{nid}", "#history")
    form = review.locator("form", has=review.get_by_role("heading", name="Giải quyết khiếu nại"))
    objection = form.locator("option", has_text="ấp 2").get_attribute("value")
    assert objection is not None
    form.locator("select").select_option(objection)
    form.locator("textarea").fill("Đã xác minh với UBND xã: hộ ông B thoát nghèo năm 2024.")
    form.get_by_role("button", name="Giải quyết khiếu nại").click()
    resolved = "Gia đình ông B ở ấp 2 đã thoát nghèo từ năm 2023. (Đã giải quyết)"
    expect(review.get_by_text(resolved)).to_be_visible()
    reviewer.close()

    # The public page reads a view that follows the log: a citizen who looks again soon
    # sees the resolution once the view has applied it.
    deadline = time.monotonic() + 30
    while True:
        page.goto(receipt.split("&after")[0])
        shown = page.get_by_role("status").inner_text()
        if "Đã giải quyết" in shown or time.monotonic() > deadline:
            break
        time.sleep(0.5)  # the view is still applying the resolution
    expect(page.get_by_role("status")).to_contain_text("Đã giải quyết")
    assert errors == []
    citizen.close()
