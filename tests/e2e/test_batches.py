"""A province reviewer acts on several dossiers at once, and sees each one's result."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Locator, expect

from tests.e2e.conftest import DEMO_PASSWORD, User, running_product
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_ballot import codes

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A product of its own: the batch moves dossiers other tests expect to find waiting."""
    with running_product(tmp_path_factory.mktemp("batch-product")) as base:
        yield base


def prepare(base: str) -> None:
    """Readies two dossiers for forwarding, the reviewer's work on each done one by one: the
    officer submits the one waiting in collection and the reviewer overrides its not-met
    criterion; a judgement settles the other. The third still has an open visit."""
    with httpx.Client(base_url=base, timeout=30) as http:

        def signed_in(username: str) -> dict[str, str]:
            answer = http.post(
                "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
            )
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}

        def nomination(unit_code: str, headers: dict[str, str]) -> str:
            rows = http.get("/api/v1/nominations", params={"cycle": 2025}, headers=headers)
            return str(
                next(r for r in rows.json()["data"] if r["unit_code"] == unit_code)["nomination_id"]
            )

        positions: list[int] = []

        def done(response: httpx.Response) -> None:
            assert response.status_code in (200, 201), response.text
            positions.append(int(response.json()["position"] or 0))

        officer, province = signed_in("demo-officer"), signed_in("demo-province-reviewer")
        waiting = nomination("S-86-832-01", officer)
        done(http.post(f"/api/v1/nominations/{waiting}/submit", headers=officer))
        done(
            http.post(
                f"/api/v1/nominations/{waiting}/overrides",
                headers=province,
                json={"criterion_id": "commune-high-pp2", "reason": "Giảm vượt mức năm sau."},
            )
        )
        judged = nomination("S-86-833-01", province)
        done(
            http.post(
                f"/api/v1/nominations/{judged}/criterion-checks",
                headers=province,
                json={
                    "criterion_id": "commune-low-rel20",
                    "outcome": "met",
                    "justification": "Không còn hộ nghèo; đã đối chiếu danh sách rà soát.",
                },
            )
        )
        # Read-your-writes: the board the reviewer opens has applied all of the above.
        caught_up = http.get(
            "/api/v1/nominations", params={"after": max(positions)}, headers=province
        )
        assert caught_up.status_code == 200, caught_up.text


def test_a_reviewer_forwards_three_dossiers_in_one_batch_and_sees_the_refused_one(
    browser: Browser, fresh: str
) -> None:
    prepare(fresh)
    province = User(browser, fresh, "demo-province-reviewer")
    page = province.go("#/nominations", "table")

    def row(unit: str) -> Locator:
        return page.locator("tbody tr", has_text=unit).filter(has_text="2025")

    for unit in ("S-86-832-01", "S-86-833-01", "S-86-838-01"):
        row(unit).locator("input.pick").check()
    page.select_option("#f-action", "approve")
    page.fill("#f-comment", "Đủ điều kiện, trình Hội đồng.")
    page.click("#batch button[type=submit]")
    results = page.locator("#batch-results")
    expect(results.locator("tbody tr")).to_have_count(3)
    expect(results.locator("tr.batch-ok")).to_have_count(2)
    refused = results.locator("tr.batch-failed")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("Không thực hiện được")
    expect(refused).to_contain_text("Xã Mẫu Mười Hai")
    expect(refused).to_contain_text("còn đợt kiểm tra thực tế chưa có báo cáo")
    assert codes().findall(results.inner_text()) == []
    expect(results).to_contain_text("2 hồ sơ đã thực hiện, 1 hồ sơ không thực hiện được.")
    # The board behind the results already shows the two forwarded dossiers on public notice,
    # and the refused one still waiting. (Other dossiers' stages move with their workflows'
    # clocks, so the board's whole count is not the test's to fix.)
    for forwarded in ("S-86-832-01", "S-86-833-01"):
        expect(row(forwarded)).to_contain_text("Công khai")
        expect(row(forwarded).locator("input.pick")).to_have_count(0)
    expect(row("S-86-838-01").locator("input.pick")).to_have_count(1)
    assert serious_violations(page) == []
    province.shot("board-batch-results")
    province.close()
