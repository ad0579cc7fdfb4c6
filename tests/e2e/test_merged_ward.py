"""The province reviewer sees a merged ward judged on its predecessors' summed figures."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import User


def test_a_merged_ward_shows_the_units_its_figures_were_summed_from(
    browser: Browser, product: str
) -> None:
    province = User(browser, product, "demo-province-reviewer")
    page = province.go("#/nominations", "table")
    page.locator("tbody tr", has_text="28789").first.locator("a").first.click()
    page.wait_for_selector("#history")
    summed = page.locator("#summed-from")
    expect(summed).to_contain_text("Phường 7")
    expect(summed).to_contain_text("Bình Phú")
    expect(summed).to_contain_text("Thanh Tân")
    expect(summed).to_contain_text("2024")
    expect(page.locator("#official-figures")).to_be_visible()
    expect(page.locator("table.cards")).to_contain_text("Chính thức")  # the check's basis
    province.shot("nomination-merged-ward")
    province.close()
