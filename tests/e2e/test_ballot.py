"""A council member decides with the dossier in view, and people read names, never codes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from domain.context import Role
from domain.criteria.loader import shipped_rule_sets
from domain.stages import Stage
from tests.e2e.conftest import User
from tests.e2e.test_accessibility import serious_violations

pytestmark = pytest.mark.e2e


def open_ballot(page: Page) -> None:
    """The member's list puts open sessions first, and says so in words."""
    first = page.locator("#main li").first
    expect(first).to_contain_text("Đang biểu quyết")
    first.locator("a").click()
    page.wait_for_selector(".item .dossier")


def test_a_member_reads_the_dossier_on_a_phone_and_stands_aside_with_a_reason(
    browser: Browser, product: str
) -> None:
    member = User(browser, product, "demo-council-1", width=390)
    member.go("#/council", "h1")
    open_ballot(member.page)
    card = member.page.locator(".item").first
    # What is decided, by name: the form, the cycle, each criterion and its basis.
    expect(card.locator(".what")).to_contain_text("Bằng khen của Chủ tịch UBND tỉnh")
    expect(card.locator(".what")).to_contain_text("Đợt 2025")
    expect(card.locator(".checks li").first).to_contain_text("tỷ lệ hộ nghèo")
    expect(card.locator(".checks li").first).to_contain_text("Kê khai, chưa chính thức")
    # The reviewers' recommendations, the trend, complaints and the way to the whole dossier.
    expect(card.locator(".reviews")).to_contain_text("Đề nghị Hội đồng xem xét.")
    expect(card.locator(".reviews")).to_contain_text("Thẩm định cấp tỉnh: đề nghị trình tiếp")
    expect(card.locator("figure.trend figcaption")).to_contain_text("%")
    expect(card.locator(".complaints")).to_be_visible()
    expect(card.locator("a.dossier-link")).to_be_visible()
    width = member.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the card scrolls sideways: {width}px"
    assert serious_violations(member.page) == []
    member.shot("ballot-card-390px")

    # Choosing asks in the page, restating the choice; the member may choose again.
    member.page.click("[data-choice=approve]")
    expect(card.locator(".confirm")).to_contain_text("Đồng ý")
    expect(card.locator(".confirm")).to_contain_text("Bằng khen của Chủ tịch UBND tỉnh")
    member.page.click(".confirm button[type=button]")
    # Standing aside needs a reason, which the session then shows.
    member.page.click("[data-choice=recuse]")
    expect(member.page.locator("#f-reason")).to_be_focused()
    member.page.click("[data-confirm=recuse]")
    expect(card.locator(".voted")).to_have_count(0)  # the empty reason was refused in place
    member.page.fill("#f-reason", "Vợ tôi là cán bộ của xã này.")
    assert serious_violations(member.page) == []
    member.shot("ballot-confirm-390px")
    member.page.click("[data-confirm=recuse]")
    expect(card.locator(".voted")).to_contain_text("Vợ tôi là cán bộ của xã này.")
    expect(card.locator(".recusals")).to_contain_text("Ủy viên Hội đồng 1 (mẫu)")
    member.close()


def test_a_member_away_votes_in_writing_and_the_session_says_so(
    browser: Browser, product: str
) -> None:
    member = User(browser, product, "demo-council-6")
    member.go("#/council", "h1")
    open_ballot(member.page)
    card = member.page.locator(".item").first
    member.page.click("[data-choice=approve]")
    # The rule set (v5) provides for written votes: the member says they are not attending.
    written = member.page.locator("#f-in_writing")
    expect(written).not_to_be_checked()
    written.check()
    member.page.click("[data-confirm=approve]")
    expect(card.locator(".voted")).to_be_visible()
    expect(member.page.locator("#written-voters")).to_contain_text("Ủy viên Hội đồng 6 (mẫu)")
    member.close()


def codes() -> re.Pattern[str]:
    """Award forms, stages, criteria and roles as machines know them: hyphens or underscores
    mark them apart from words a page may use."""
    found: set[str] = set()
    for rules in shipped_rule_sets():
        found |= set(rules.award_forms) | set(rules.criteria)
    found |= {s.value for s in Stage} | {r.value for r in Role}
    marked = sorted(c for c in found if "-" in c or "_" in c)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, marked)) + r")(?![\w-])")


@pytest.mark.parametrize(
    ("username", "route", "ready", "then"),
    [
        ("demo-officer", "#/nominations", "table", "tbody tr a"),
        ("demo-province-reviewer", "#/nominations", "table", "tbody tr a"),
        ("demo-district-829", "#/tasks", "h1", None),
        ("demo-inspector", "#/tasks", "h1", None),
        ("demo-secretary", "#/council", "h1", "#main li a"),
        ("demo-council-2", "#/council", "h1", "#main li a"),
        ("demo-auditor", "#/audit", "h1", None),
    ],
)
def test_no_page_shows_a_person_a_code(
    browser: Browser, product: str, username: str, route: str, ready: str, then: str | None
) -> None:
    user = User(browser, product, username)
    page = user.go(route, ready)
    pattern = codes()
    seen = [page.locator("#main").inner_text()]
    if then is not None:
        for index in range(min(page.locator(then).count(), 4)):
            page.goto(f"{product}/{route}")
            page.wait_for_selector(ready)
            page.locator(then).nth(index).click()
            page.wait_for_selector("#main h1")
            page.wait_for_load_state("networkidle")
            seen.append(page.locator("#main").inner_text())
    shown = sorted({m for text in seen for m in pattern.findall(text)})
    assert shown == [], f"{username} sees codes: {shown}"
    user.close()
