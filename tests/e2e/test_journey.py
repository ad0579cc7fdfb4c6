"""The people of a cycle, in Chromium: submit, review, inspect, vote, decide, audit."""

from __future__ import annotations

import csv
import hashlib
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import User
from tests.e2e.test_accessibility import serious_violations

pytestmark = pytest.mark.e2e
MEMBERS = [f"demo-council-{i}" for i in range(1, 6)]


def open_row(page: Page, unit_code: str, cycle: str = "2024") -> None:
    row = page.locator("tbody tr", has_text=unit_code).filter(has_text=cycle).first
    row.locator("a").first.click()
    page.wait_for_selector("#history")


def until_stage(page: Page, stage: str, seconds: float = 60) -> None:
    """Reloads the dossier until the clock has moved it: the clock runs in its own process."""
    deadline = time.monotonic() + seconds
    while page.locator("#stage").inner_text() != stage and time.monotonic() < deadline:
        time.sleep(0.5)  # the clock runs in its own process: look again shortly
        page.reload()
        page.wait_for_selector("#history")
    expect(page.locator("#stage")).to_have_text(stage)


def test_a_cycle_from_submission_to_decision_and_audit(browser: Browser, product: str) -> None:
    # A unit officer submits a dossier waiting in collection.
    officer = User(browser, product, "demo-officer")
    officer.go("#/nominations", "table")
    officer.shot("board-officer")
    open_row(officer.page, "S-86-832-01", "2025")
    expect(officer.page.locator("#preview li").first).to_be_visible()
    officer.shot("nomination-collecting")
    # Choosing a declared year loads its figures for correction.
    first_year = officer.page.locator("table tbody tr").first
    declared_year = first_year.locator("td").nth(0).inner_text()
    declared_total = first_year.locator("td").nth(1).inner_text().replace(".", "")
    officer.page.fill("#f-year", declared_year)
    officer.page.dispatch_event("#f-year", "change")
    expect(officer.page.locator("#f-total_households")).to_have_value(declared_total)
    officer.page.click("#submit")
    expect(officer.page.locator("#stage")).to_have_text("Thẩm định cấp tỉnh")
    officer.close()

    # The dossier that waited in district review was moved on by the clock when the district
    # level ended on 1/7/2025: the district's queue no longer holds it.
    district = User(browser, product, "demo-district-829")
    district.go("#/tasks", "h1")
    district.shot("tasks-district")
    district.close()

    # The province reviewer finds it, its history saying why, and orders an inspection.
    province = User(browser, product, "demo-province-reviewer")
    province.go("#/nominations", "table")
    open_row(province.page, "S-829-02", "2024")
    until_stage(province.page, "Thẩm định cấp tỉnh")
    expect(province.page.locator("#history")).to_contain_text("sắp xếp tổ chức")
    province.page.click("form:has(#f-team_id) button[type=submit]")
    expect(province.page.locator("li", has_text="doan-kiem-tra-1")).to_be_visible()
    province.shot("nomination-province-review")

    # The inspector claims the task and files the report (another visit waits, from the demo).
    inspector = User(browser, product, "demo-inspector")
    inspector.go("#/tasks", ".card")
    card = inspector.page.locator(".card", has_text="S-829-02")
    card.locator("text=Nhận việc").click()
    card = inspector.page.locator(".card", has_text="S-829-02")
    expect(card).to_contain_text("demo-inspector")
    card.locator("[name=findings]").fill("Đối chiếu danh sách hộ nghèo tại xã.")
    card.locator("[name=recommendation]").select_option("discrepancy")
    rows = card.locator("table.figures tbody tr")
    rows.nth(0).locator("input[name=year]").fill("2023")
    rows.nth(0).locator("input[name=total_households]").fill("3020")
    rows.nth(0).locator("input[name=poor_households]").fill("4000")
    card.locator("form button[type=submit]").click()
    # Checked before sending: more poor households than households is refused, row by row.
    expect(card.locator("[data-error-for=verified_statistics]")).to_contain_text(
        "2023: số hộ nghèo không được lớn hơn tổng số hộ"
    )
    rows.nth(0).locator("input[name=poor_households]").fill("125")
    card.locator("text=Thêm năm").click()
    rows.nth(1).locator("input[name=year]").fill("2024")
    rows.nth(1).locator("input[name=total_households]").fill("3030")
    rows.nth(1).locator("input[name=poor_households]").fill("117")
    inspector.shot("tasks-inspector")
    card.locator("form button[type=submit]").click()
    expect(inspector.page.locator(".card", has_text="S-829-02")).to_have_count(0)
    inspector.close()

    # The province reviewer forwards it despite a failed criterion, with a reason.
    province.page.reload()
    province.page.wait_for_selector("#history")
    # 125 verified poor households against 118 declared for 2023.
    difference = province.page.locator("table.discrepancies tbody tr", has_text="2023")
    expect(difference).to_contain_text("118")
    expect(difference).to_contain_text("125")
    province.page.fill("#f-reason", "Đơn vị có nhiều mô hình giảm nghèo bền vững (dữ liệu mẫu).")
    province.page.click("form:has(#f-reason) button[type=submit]")
    expect(province.page.locator("#toast")).to_contain_text("Đã lưu")  # the override is saved
    province.page.click("button[value=approve]")
    expect(province.page.locator("#stage")).to_have_text("Công khai")
    province.close()

    # The secretary opens a session on a dossier waiting for the council.
    secretary = User(browser, product, "demo-secretary")
    secretary.go("#/council", "h1")
    secretary.page.fill("#f-title", "Phiên họp thử nghiệm")
    secretary.page.fill("#f-scheduled_for", "2026-12-01")
    secretary.page.fill("#f-members", "\n".join(MEMBERS))
    secretary.page.click("form button[type=submit]")
    secretary.page.wait_for_selector("#agenda-pick")
    secretary.page.locator("#agenda-pick label", has_text="S-86-836-01").locator("input").check()
    secretary.page.click("form:has(#agenda-pick) button[type=submit]")
    expect(secretary.page.locator(".item")).to_have_count(1)
    expect(secretary.page.locator("#batch-results tr.batch-ok")).to_have_count(1)
    secretary.page.click("#open-session")
    expect(secretary.page.locator("#session-state")).to_contain_text("Đang biểu quyết")
    # Nobody has voted yet: the secretary reminds them now, through the session's workflow.
    secretary.page.click("#remind")
    expect(secretary.page.locator("#toast")).to_contain_text("Đã lưu")
    secretary.shot("council-secretary")
    session_url = secretary.page.url

    # Four members read the card, choose, and confirm in the page; the fifth stands aside with
    # a reason. Afterwards each sees only that they took part.
    for account in MEMBERS:
        phone = account == MEMBERS[0]
        member = User(browser, product, account, width=390 if phone else 1280)
        if phone:  # the bell says a ballot waits, and leads to it
            expect(member.page.locator("#bell-count")).not_to_be_empty()
            ballot = member.page.locator("#notices li[data-kind=ballot]", has_text="thử nghiệm")
            deadline = time.monotonic() + 30
            while True:  # the bell's view follows the log: look again until it has the ballot
                member.go("#/notifications", "#notices")
                if ballot.count() or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            expect(ballot).to_have_count(1)
            expect(ballot.locator("strong")).to_have_count(1)  # unread
            assert serious_violations(member.page) == []
            member.shot("notifications-390px")
            ballot.locator("a").click()
            expect(member.page).to_have_url(session_url)
        member.page.goto(session_url)
        card = member.page.locator(".item")
        expect(card.locator(".override")).to_contain_text("Năm sau giảm vượt mức")
        expect(card.locator(".override")).to_contain_text("Ban Thi đua – Khen thưởng (mẫu)")
        if phone:
            assert serious_violations(member.page) == []
            member.shot("ballot-override-390px")
        choice = "recuse" if account == MEMBERS[-1] else "approve"
        member.page.click(f"[data-choice={choice}]")
        confirming = card.locator(".confirm")
        expect(confirming).to_contain_text("Xã Mẫu Chín")
        expect(confirming).to_contain_text("Bằng khen của Chủ tịch UBND tỉnh")
        if choice == "recuse":
            member.page.fill("#f-reason", "Tôi từng công tác tại xã này.")
        member.page.click(f"[data-confirm={choice}]")
        expect(member.page.locator(".voted")).to_be_visible()
        if account == MEMBERS[0]:
            member.shot("council-member-voted")
        member.close()

    # The secretary's page, left open, has followed the votes as they came in.
    expect(secretary.page.locator("[data-voted]")).to_contain_text("5/5", timeout=30_000)
    expect(secretary.page.locator("[data-not-voted]")).to_contain_text("—")
    secretary.page.click("#close-session")
    expect(secretary.page.locator("#session-state")).to_contain_text("Đã kết thúc")
    with secretary.page.expect_download() as minutes:
        secretary.page.click("#minutes")
    assert minutes.value.suggested_filename.startswith("minutes-")
    assert Path(minutes.value.path()).read_bytes().startswith(b"%PDF")

    # A council member sees the tally and the council's advice: it recommends, no more.
    member = User(browser, product, MEMBERS[1])
    member.page.goto(session_url)
    expect(member.page.locator(".tally")).to_contain_text("đồng ý 4")
    expect(member.page.locator(".recusals")).to_contain_text("Tôi từng công tác tại xã này.")
    expect(member.page.locator(".tally")).to_contain_text("Hội đồng đề nghị khen thưởng")
    member.shot("council-outcome")
    member.close()

    # The province reviewer submits what the council recommended, in a few clicks.
    session_id = session_url.rsplit("/", 1)[-1]
    reviewer = User(browser, product, "demo-province-reviewer")
    group = reviewer.page.locator(f"form[data-session='{session_id}']")
    deadline = time.monotonic() + 30
    while True:  # the recommendation reaches the office's list once the views have it
        reviewer.go("#/decisions", "h1")
        if group.count() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(group).to_contain_text("Xã Mẫu Chín")
    expect(group).to_contain_text("4 / 0 / 0 / 1")
    assert serious_violations(reviewer.page) == []
    group.locator("button[type=submit]").click()
    reviewer.page.wait_for_url("**/#/decisions/*")
    submission_url = reviewer.page.url
    expect(reviewer.page.locator("#main h1")).to_contain_text("TTr-BTĐKT")
    reviewer.close()

    # The chairman decides it on a phone: each dossier with a reason, then signs.
    chairman = User(browser, product, "demo-chairman", width=390)
    chairman.page.goto(submission_url)
    form = chairman.page.locator("#decide")
    form.locator("tr", has_text="Xã Mẫu Chín").locator("input[type=text]").fill(
        "Đạt các tiêu chí của phong trào (dữ liệu mẫu)."
    )
    chairman.page.locator("#f-signer_title").select_option("Phó Chủ tịch")
    chairman.page.fill("#f-signer_name", "Lê Thị B (mẫu)")
    width = chairman.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the decision form scrolls sideways: {width}px"
    assert serious_violations(chairman.page) == []
    chairman.shot("decision-390px")
    form.locator("button[type=submit]").click()
    expect(chairman.page.locator("#decision")).to_contain_text("Quyết định số")
    expect(chairman.page.locator("#decision")).to_contain_text("KT. CHỦ TỊCH")
    chairman.close()

    # Once signed and scanned, the decision is attached beside the one the product generated.
    secretary.page.goto(session_url)
    with secretary.page.expect_download() as decision:
        secretary.page.click("#decision")
    scan = Path(decision.value.path()).with_suffix(".pdf")
    decision.value.save_as(scan)
    secretary.page.set_input_files("#f-file", scan)
    secretary.page.click("form:has(#f-file) button[type=submit]")
    expect(secretary.page.locator("#signed-decisions li")).to_have_count(1)
    secretary.close()

    # The auditor verifies the store and travels back to the collecting stage.
    auditor = User(browser, product, "demo-auditor")
    auditor.go("#/audit", "#verify")
    auditor.page.click("#verify")
    expect(auditor.page.locator("#verify-result")).to_contain_text("Toàn vẹn")
    # The export keeps to its filters: cycle 2023, failed checks only.
    export = auditor.page.locator("form", has_text="Xuất kết quả xét tiêu chí")
    export.locator("input[name=cycle]").fill("2023")
    export.locator("select[name=outcome]").select_option("not_met")
    with auditor.page.expect_download() as download:
        export.locator("button[type=submit]").click()
    saved = download.value
    assert saved.suggested_filename == "criterion-checks.csv"
    rows = list(csv.DictReader(Path(saved.path()).read_text("utf-8-sig").splitlines()))
    assert rows
    assert {(r["cycle_year"], r["outcome"]) for r in rows} == {("2023", "not_met")}
    # What-if answers stay on the page, outcomes in the reader's language.
    what_if = auditor.page.locator("form", has_text="Xét lại theo bộ tiêu chí khác")
    what_if.locator("button[type=submit]").click()
    expect(what_if.locator("li").first).to_contain_text("→")
    assert "not_met" not in what_if.inner_text()
    expect(what_if).to_contain_text("Không đạt → Không đạt")
    # The board as it stood before the demo's first cycle was empty.
    then = auditor.page.locator("form", has_text="Bảng hồ sơ tại ngày")
    then.locator("input[type=date]").fill("2020-01-01")
    then.locator("button[type=submit]").click()
    expect(then.locator("p").first).to_have_text("0 hồ sơ")
    auditor.shot("audit")
    auditor.go("#/nominations", "table")
    open_row(auditor.page, "S-86-832-01", "2025")
    expect(auditor.page.locator("#stage")).to_have_text("Thẩm định cấp tỉnh")
    auditor.page.fill("#f-version", "1")
    auditor.page.click("#travel")
    expect(auditor.page.locator("#stage")).to_have_text("Thu thập hồ sơ")
    auditor.shot("nomination-time-travel")

    # The English switch changes the labels.
    auditor.page.click("#lang")
    expect(auditor.page.locator("#stage")).to_have_text("Collecting")
    expect(auditor.page.locator("nav")).to_contain_text("Nominations")
    auditor.shot("nomination-english")
    auditor.close()


def test_the_board_reads_on_a_phone_sized_screen(browser: Browser, product: str) -> None:
    phone = User(browser, product, "demo-auditor", width=390)
    phone.go("#/nominations", "table")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("board-390px")
    phone.close()


def test_the_board_filters_by_stage_and_overdue(browser: Browser, product: str) -> None:
    reviewer = User(browser, product, "demo-province-reviewer")
    page = reviewer.go("#/nominations", "table")
    everything = page.locator("tbody tr").count()
    page.select_option("#q-stage", "decided")
    page.click("form.filters button[type=submit]")
    expect(page.locator("tbody tr")).not_to_have_count(everything)
    stages = page.locator("tbody td[data-label='Bước']").all_inner_texts()
    assert stages
    assert set(stages) == {"Đã quyết định"}
    page.select_option("#q-stage", "")
    page.check("#q-overdue")
    page.click("form.filters button[type=submit]")
    expect(page.locator("tbody tr").first.locator("td.overdue")).to_be_visible()
    assert page.locator("tbody tr").count() == page.locator("tbody td.overdue").count()
    reviewer.close()


def test_a_wrong_password_is_named_and_repeated_failures_are_throttled(
    browser: Browser, product: str
) -> None:
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{product}/#/login")
    error = page.locator("[data-error-for=password]")
    page.fill("#f-username", "demo-council-7")
    for _ in range(5):
        page.fill("#f-password", "sai-mat-khau")
        page.click("form button[type=submit]")
        expect(error).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
        error.evaluate("slot => { slot.textContent = '' }")
    page.fill("#f-password", "thidua-demo")
    page.click("form button[type=submit]")
    expect(error).to_contain_text("Đăng nhập sai quá nhiều lần")
    context.close()


def test_a_returned_dossier_is_corrected_and_submitted_again(
    browser: Browser, product: str
) -> None:
    province = User(browser, product, "demo-province-reviewer")
    province.go("#/nominations", "table")
    open_row(province.page, "S-86-838-01", "2025")
    province.page.fill("#f-comment", "Bổ sung quyết định công nhận số liệu năm 2024.")
    province.page.click("button[value=return]")
    expect(province.page.locator("#stage")).to_have_text("Thu thập hồ sơ")
    province.close()

    officer = User(browser, product, "demo-officer")
    officer.go("#/nominations", "table")
    open_row(officer.page, "S-86-838-01", "2025")
    expect(officer.page.locator("#requested-changes")).to_contain_text(
        "Bổ sung quyết định công nhận số liệu năm 2024."
    )
    officer.page.fill("#f-year", "2024")
    officer.page.dispatch_event("#f-year", "change")
    officer.page.fill("#f-decision_number", "123/QĐ-UBND")
    officer.page.fill("#f-decision_date", "2025-01-15")
    steps = officer.page.locator("#history li")
    before = steps.count()
    officer.page.click("form:has(#f-year) button[type=submit]")
    expect(steps).to_have_count(before + 1)
    expect(steps.last).to_contain_text("Ghi số liệu hộ nghèo — demo-officer")
    decision = b"%PDF-1.4\n% Quyet dinh cong nhan so lieu 2024\n%%EOF\n"
    officer.page.set_input_files(
        "#f-file",
        files=[{"name": "quyet-dinh-2024.pdf", "mimeType": "application/pdf", "buffer": decision}],
    )
    officer.page.click("form:has(#f-file) button[type=submit]")
    expect(officer.page.locator("#main")).to_contain_text(
        f"quyet-dinh-2024.pdf {hashlib.sha256(decision).hexdigest()}"
    )
    officer.page.click("#submit")
    expect(officer.page.locator("#stage")).to_have_text("Thẩm định cấp tỉnh")
    officer.close()
