"""Council minutes and award decisions as PDF, in Vietnamese, and checking any of them:
the public page, the JSON answer and `thidua audit verify-document`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from documents.council_pdf import read_metadata
from domain.units import UnitRegistry
from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from storage.views import SQLiteDatabase
from tests.api.conftest import settings_for
from tests.factories import ADMIN, ctx
from thidua.bootstrap import (
    DEMO_SIGNING_PASSPHRASE,
    SQLITE_FACTORY,
    build_app,
    document_key,
    writer_key,
)
from thidua.demo import DEMO_PASSWORD, make_demo_signing_keys, seed_demo
from thidua.settings import Settings

SCREENSHOTS = Path(__file__).resolve().parents[1] / "e2e" / "screenshots"


class Demo:
    def __init__(self, client: TestClient, service: NominationService, folder: Path) -> None:
        self.client, self.service, self.folder = client, service, folder
        self.tokens: dict[str, str] = {}

    def get(self, path: str, who: str | None = None, **kw: Any) -> Any:
        headers = {}
        if who is not None:
            if who not in self.tokens:
                form = {"username": who, "password": DEMO_PASSWORD}
                answer = self.client.post("/api/v1/auth/token", data=form)
                self.tokens[who] = answer.json()["access_token"]
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return self.client.get(path, headers=headers, **kw)

    def submission_of(self, session_id: str) -> dict[str, Any]:
        rows = self.get("/api/v1/submissions", "demo-auditor").json()["data"]
        return next(r for r in rows if r["session_id"] == session_id)

    def decision_pdf(self, session_id: str, who: str = "demo-auditor") -> Any:
        """The chairman's decision on what the session recommended."""
        submission = self.submission_of(session_id)["submission_id"]
        return self.get(f"/api/v1/submissions/{submission}/decision.pdf", who)

    def closed_sessions(self) -> list[dict[str, Any]]:
        rows = self.get("/api/v1/council/sessions", "demo-secretary").json()["data"]
        return [r for r in rows if r["state"] == "closed"]

    def session_where(self, approved: bool, year: int) -> str:
        for row in self.closed_sessions():
            s = self.service.get_session(UUID(row["session_id"]))
            outcomes = {r["outcome"] for r in s.results.values()}
            if ("approved" in outcomes) == approved and str(year) in s.title + str(
                s.scheduled_for.year
            ):
                return str(s.id)
        raise AssertionError("the demo has no such session")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, shipped_units: UnitRegistry) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("documents")
    path = str(folder / "events.sqlite3")
    env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": path}
    # The authorities' signing keys, from the demo's test certificate authority.
    passphrase = SecretStr(DEMO_SIGNING_PASSPHRASE)
    settings = settings_for(folder).model_copy(update={"signing_passphrase": passphrase})
    # A process of the deployment: the CLI, another process, checks what it issued.
    service = NominationService(
        env,
        units=shipped_units,
        writer_key=writer_key(settings),
        document_key=document_key(settings),
    )
    seed_demo(service, Settings().units_file)
    make_demo_signing_keys(settings, service)
    # The province's council in the register, its chair named in the minutes.
    on = date(2023, 1, 10)
    composed = {"chair": "demo-council-1", "members": [f"demo-council-{i}" for i in range(1, 8)]}
    terms = {"decision_number": "45/QĐ-UBND", "decision_date": on, "valid_from": on, **composed}
    service.constitute_council(ctx(ADMIN), "province", None, terms)
    runner = ProjectionRunner(service, SQLiteDatabase(path))
    runner.catch_up_all()
    with TestClient(build_app(settings, service=service, runner=runner)) as client:
        yield Demo(client, service, folder)
    service.close()


def text_of(pdf: bytes, folder: Path, name: str) -> str:
    path = folder / name
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
    )
    return " ".join(done.stdout.decode("utf-8").split())


def first_page_png(pdf_path: Path, out: Path) -> None:
    subprocess.run(
        [  # noqa: S607
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf_path),
            str(out.with_suffix("")),
        ],
        check=True,
    )


def test_the_award_decision_is_the_chairmans_laid_out_as_decree_30_asks(demo: Demo) -> None:
    sid = demo.session_where(approved=True, year=2024)
    answer = demo.decision_pdf(sid, "demo-chairman")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    text = text_of(answer.content, demo.folder, "decision.pdf")
    s = demo.service.get_session(UUID(sid))
    form = demo.service.default_rule_set.award_form(s.award_form).name.vi
    submission = demo.submission_of(sid)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",  # the issuing body by its full name, on two lines
        "TỈNH BẾN TRE",
        f"Số: {submission['decision_number']}",
        "QUYẾT ĐỊNH",
        f"Về việc tặng {form}",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẾN TRE",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15",
        "Căn cứ Nghị định số 98/2023/NĐ-CP",  # dossiers received before 1/7/2025
        "phong trào thi đua “Vì người nghèo – Không để ai bị bỏ lại phía sau”",
        f"Xét Tờ trình số {submission['number']} của Ban Thi đua – Khen thưởng",
        f"Điều 1. Tặng {form} cho",
        "Nơi nhận:",
        "Bến Tre, ngày 28 tháng 3 năm 2024",  # no zero before months from March
        "CHỦ TỊCH",
        "Nguyễn Văn A (mẫu)",  # the signer's name under the signature
        "Quyết định số 666/QĐ-TTg",  # the movement's plan, by number and date (rule set v4)
        "tiền thưởng: 3.600.000 đồng",  # Bằng khen to a collective: 2.0 × 1,800,000
        "mức lương cơ sở 1.800.000 đồng",
        "tổng số tiền thưởng là",
    ):
        assert expected in text, expected
    assert "UBND TỈNH" not in text
    assert "Luật Tổ chức chính quyền địa phương" not in text  # Bến Tre's own, before the merger
    second = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(demo.folder / "decision.pdf"), "-"],  # noqa: S607
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    assert second.split()[0] == "2"  # numbered at the top from the second page
    # The session's own link serves the same decision: the chairman's, on its submission.
    council = demo.get(f"/api/v1/council/sessions/{sid}/decision.pdf", "demo-secretary")
    assert (
        read_metadata(council.content)["document_id"]
        == read_metadata(answer.content)["document_id"]
    )
    awarded = [i for i in s.agenda if s.results[i]["outcome"] == "approved"]
    for item in awarded:
        unit = demo.service.get_nomination(UUID(item)).unit_code
        assert demo.service.registry().get(unit).name in text
    meta = read_metadata(answer.content)
    assert meta["session_id"] == sid
    assert meta["document_id"] in text.replace(" ", "") or meta["document_id"] in text
    assert meta["digest"] in text
    SCREENSHOTS.mkdir(exist_ok=True)
    first_page_png(demo.folder / "decision.pdf", SCREENSHOTS / "decision.png")


def test_the_offices_submission_is_a_document_in_the_same_layout(demo: Demo) -> None:
    sid = demo.session_where(approved=True, year=2024)
    submission = demo.submission_of(sid)
    answer = demo.get(
        f"/api/v1/submissions/{submission['submission_id']}/submission.pdf", "demo-chairman"
    )
    assert answer.status_code == 200, answer.text
    text = text_of(answer.content, demo.folder, "to-trinh.pdf")
    for expected in (
        "SỞ NỘI VỤ TỈNH BẾN TRE",
        "BAN THI ĐUA – KHEN THƯỞNG",
        f"Số: {submission['number']}",
        "TỜ TRÌNH",
        "Về việc đề nghị tặng",
        "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Bến Tre",
        "Hội đồng biểu quyết tán thành",
        "ý kiến nhân dân",
        "Kính trình Chủ tịch xem xét, quyết định",
        "TRƯỞNG BAN",
    ):
        assert expected in text, expected
    document_id = read_metadata(answer.content)["document_id"]
    assert document_id.startswith("submission.")
    assert demo.get(f"/api/v1/public/documents/{document_id}").json()["state"] == "intact"


def test_a_decision_after_the_reorganisation_is_signed_by_the_new_provinces_chairman(
    demo: Demo,
) -> None:
    sid = demo.session_where(approved=True, year=2026)
    waiting = demo.submission_of(sid)
    if waiting["state"] == "waiting":  # the demo leaves it for demo-chairman: decide it
        found = demo.get(f"/api/v1/submissions/{waiting['submission_id']}", "demo-chairman")
        items = found.json()["items"]
        demo.tokens.setdefault("demo-chairman", demo.tokens.get("demo-chairman", ""))
        decided = demo.client.post(
            f"/api/v1/submissions/{waiting['submission_id']}/decision",
            headers={"Authorization": f"Bearer {demo.tokens['demo-chairman']}"},
            json={
                "signed_on": waiting["prepared_on"],
                "signer_title": "Phó Chủ tịch",
                "signer_name": "Lê Thị B (mẫu)",
                "awarded": [{"nomination_id": i["nomination_id"], "reason": "Đạt."} for i in items],
            },
        )
        assert decided.status_code == 200, decided.text
    answer = demo.decision_pdf(sid)
    text = text_of(answer.content, demo.folder, "decision-2026.pdf")
    for expected in (
        "TỈNH VĨNH LONG",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH VĨNH LONG",
        "Vĩnh Long, ngày",
        "Căn cứ Nghị định số 152/2025/NĐ-CP",  # dossiers received from 1/7/2025
        "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15",  # the new authority's
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Thị B (mẫu)",
    ):
        assert expected in text, expected


def test_the_minutes_name_who_sat_who_stood_aside_and_each_tally_never_who_chose_what(
    demo: Demo,
) -> None:
    sid = demo.session_where(approved=True, year=2024)
    answer = demo.get(f"/api/v1/council/sessions/{sid}/minutes.pdf", "demo-council-1")
    assert answer.status_code == 200, answer.text
    text = text_of(answer.content, demo.folder, "minutes.pdf")
    for expected in (
        "BIÊN BẢN HỌP HỘI ĐỒNG",
        "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG",
        "Có mặt (6)",
        "Ủy viên Hội đồng 1 (mẫu)",
        # A member away votes in writing: counted in the tally, not in the quorum (v5).
        "Vắng mặt, biểu quyết bằng văn bản (1): Ủy viên Hội đồng 5 (mẫu)",
        "không tính vào túc số",
        "Thông qua (1 phiếu",  # ... bằng văn bản), wrapped in its cell
        "Túc số: 2/3 tổng số thành viên",
        "quá 1/2 tổng số thành viên tán thành",
        "biểu quyết kín",
        "Tự rút",
        "Kết quả",
        "Thông qua",
        "Không tham gia biểu quyết hồ sơ",
        "5. Kết quả lấy ý kiến nhân dân trong thời gian công khai",  # Decree 152 art. 44(2)
        "không có ý kiến phản ánh",
        "THƯ KÝ HỘI ĐỒNG",
        "CHỦ TỌA PHIÊN HỌP",
        "Chủ tọa: Ủy viên Hội đồng 1 (mẫu)",  # the council's chair, by the register
    ):
        assert expected in text, expected
    for choice in ("approve", "reject", "abstain"):
        assert choice not in text
    first_page_png(demo.folder / "minutes.pdf", SCREENSHOTS / "minutes.png")


def test_documents_exist_only_for_a_closed_session_and_for_those_who_may_see_it(
    demo: Demo,
) -> None:
    rows = demo.get("/api/v1/council/sessions", "demo-secretary").json()["data"]
    # Open sessions come first, then the newest.
    assert rows[0]["state"] == "open"
    closed = [r["scheduled_for"] for r in rows if r["state"] == "closed"]
    assert closed == sorted(closed, reverse=True)
    still_open = next(r for r in rows if r["state"] != "closed")
    refused = demo.get(
        f"/api/v1/council/sessions/{still_open['session_id']}/decision.pdf", "demo-secretary"
    )
    assert refused.status_code == 409
    assert "not closed" in refused.json()["detail"]
    sid = demo.closed_sessions()[0]["session_id"]
    assert (
        demo.get(f"/api/v1/council/sessions/{sid}/minutes.pdf", "demo-officer").status_code == 404
    )
    assert demo.get(f"/api/v1/council/sessions/{sid}/minutes.pdf").status_code == 401


def issued(demo: Demo) -> tuple[str, Path]:
    sid = demo.session_where(approved=True, year=2024)
    pdf = demo.decision_pdf(sid).content
    path = demo.folder / "held.pdf"
    path.write_bytes(pdf)
    return read_metadata(pdf)["document_id"], path


def test_anyone_holding_a_decision_can_see_that_its_record_is_intact(demo: Demo) -> None:
    document_id, _ = issued(demo)
    answer = demo.get(f"/api/v1/public/documents/{document_id}")
    assert answer.status_code == 200
    assert answer.json()["state"] == "intact"
    page = demo.get(f"/verify/{document_id}")
    assert page.status_code == 200
    assert "Hồ sơ gốc còn nguyên vẹn" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    english = demo.get(f"/verify/{document_id}?lang=en")
    assert "The original record is intact" in english.text
    assert demo.get("/verify/not-a-document").status_code == 422


def verify_document(demo: Demo, path: Path) -> tuple[int, Any]:
    """`thidua audit verify-document`, as an auditor runs it, on the demo's store."""
    env = {
        **os.environ,
        "THIDUA_DATA_DIR": str(demo.folder),
        "THIDUA_SQLITE_PATH": str(demo.folder / "events.sqlite3"),
        "THIDUA_LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "-m", "thidua.cli", "audit", "verify-document", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    return done.returncode, json.loads(done.stdout.strip().splitlines()[-1])


def test_the_cli_verifies_a_generated_decision(demo: Demo) -> None:
    _, path = issued(demo)
    code, report = verify_document(demo, path)
    assert (code, report["ok"], report["records"], report["file"]) == (
        0,
        True,
        "intact",
        "as issued",
    )


def test_the_decision_is_signed_with_its_authoritys_key_and_the_cli_checks_the_signature(
    demo: Demo,
) -> None:
    from documents.signing import check_signature, load_trust_roots

    _, path = issued(demo)
    roots = load_trust_roots(demo.folder / "signing" / "trust-roots")
    signed = check_signature(path.read_bytes(), roots)
    assert signed.ok, signed.problems
    assert signed.signer is not None
    assert "Bến Tre" in signed.signer
    assert not check_signature(path.read_bytes(), []).trusted  # only against the roots given
    code, report = verify_document(demo, path)
    assert (code, report["ok"], report["signature"]["ok"]) == (0, True, True)
    # Bytes added after the signature: no longer signed as a whole, nor as issued.
    path.write_bytes(path.read_bytes() + b"\n% a page slipped in\n")
    code, report = verify_document(demo, path)
    assert (code, report["ok"], report["signature"]["ok"]) == (1, False, False)
    assert any("whole file" in problem for problem in report["problems"])


def test_a_decision_signed_on_a_token_elsewhere_is_checked_before_it_is_kept(
    demo: Demo, tmp_path: Path
) -> None:
    from fpdf import FPDF

    from documents.signing import SigningKeys, make_demo_keys, sign_pdf

    sid = demo.session_where(approved=True, year=2024)
    generated = demo.decision_pdf(sid, "demo-secretary").content
    trusted = SigningKeys(demo.folder / "signing", DEMO_SIGNING_PASSPHRASE.encode())
    make_demo_keys(tmp_path, {"ubnd-tinh-ben-tre": "Kẻ giả mạo"}, b"other")
    stranger = SigningKeys(tmp_path, b"other").signer_for("ubnd-tinh-ben-tre")
    chairman = trusted.signer_for("ubnd-tinh-ben-tre")
    assert chairman is not None
    assert stranger is not None
    foreign = FPDF()
    foreign.add_page()
    foreign.set_font("helvetica", size=12)
    foreign.cell(0, 10, "QUYET DINH")

    demo.get("/api/v1/me", "demo-secretary")  # signs in
    headers = {"Authorization": f"Bearer {demo.tokens['demo-secretary']}"}

    def upload(pdf: bytes) -> Any:
        return demo.client.post(
            f"/api/v1/council/sessions/{sid}/signed-decision",
            files={"file": ("qd-ky-so.pdf", pdf, "application/pdf")},
            headers=headers,
        )

    untrusted = upload(sign_pdf(generated, stranger, "Ký", "Bến Tre"))
    assert untrusted.status_code == 422
    assert untrusted.json()["field"] == "file"
    assert "trusted root" in untrusted.json()["detail"]
    other = upload(sign_pdf(bytes(foreign.output()), chairman, "Ký", "Bến Tre"))
    assert other.status_code == 422
    assert "not the decision" in other.json()["detail"]
    answer = upload(sign_pdf(generated, chairman, "Ký", "Bến Tre"))
    assert answer.status_code == 201, answer.text
    assert answer.json()["signature"]["ok"] is True
    assert "Bến Tre" in answer.json()["signature"]["signer"]


def test_anyone_checks_the_file_they_hold_and_its_signature_on_the_public_page(
    demo: Demo,
) -> None:
    document_id, path = issued(demo)
    held = path.read_bytes()

    def check(pdf: bytes) -> Any:
        files = {"file": ("qd.pdf", pdf, "application/pdf")}
        return demo.client.post(f"/verify/{document_id}", files=files)

    page = check(held)
    assert page.status_code == 200
    assert "Đúng là tệp hệ thống đã phát hành" in page.text
    assert "Chữ ký số hợp lệ" in page.text
    assert "Bến Tre" in page.text  # the signer, by its certificate's name
    altered = check(held + b"\n% a page slipped in\n")
    assert "Không phải tệp hệ thống đã phát hành" in altered.text
    assert "Chữ ký số không hợp lệ" in altered.text
    answer = demo.client.post(
        f"/api/v1/public/documents/{document_id}/file",
        files={"file": ("qd.pdf", held, "application/pdf")},
    ).json()
    assert (answer["issued"], answer["signature"]["ok"]) == (True, True)
    assert answer["document"]["state"] == "intact"


def test_the_cli_refuses_an_edited_decision(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    _, path = issued(demo)
    pdf = path.read_bytes()
    edited = pdf.replace(b"/Title (", b"/Title (X", 1) if b"/Title (" in pdf else pdf + b"\n%edit"
    assert edited != pdf
    path.write_bytes(edited)
    code, report = verify_document(demo, path)
    assert (code, report["ok"], report["file"]) == (1, False, "altered")


def test_the_cli_reports_a_decision_whose_record_was_tampered_with_as_broken(
    demo: Demo, tmp_path: Path
) -> None:
    import sqlite3

    document_id, held = issued(demo)
    copy = tmp_path / "events.sqlite3"
    shutil.copy(demo.folder / "events.sqlite3", copy)
    table = demo.service.recorder.events_table_name  # type: ignore[attr-defined]
    sid = UUID(document_id.split(".")[1])  # the submission the decision decided
    with sqlite3.connect(copy) as db:  # as someone with the file's owner rights would
        db.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        (state,) = db.execute(
            f"SELECT state FROM {table} WHERE originator_id = ? AND originator_version = 1",  # noqa: S608
            (sid.hex,),
        ).fetchone()
        changed = json.loads(state)
        changed["actor_id"] = "mallory"
        db.execute(
            f"UPDATE {table} SET state = ? WHERE originator_id = ? AND originator_version = 1",  # noqa: S608
            (json.dumps(changed).encode(), sid.hex),
        )
    folder = demo.folder
    demo.folder = tmp_path
    try:
        code, report = verify_document(demo, held)
    finally:
        demo.folder = folder
    assert (code, report["ok"], report["records"]) == (1, False, "broken")
    assert any(str(sid) in problem for problem in report["problems"])
    broken = demo.get(f"/api/v1/public/documents/{document_id}")
    assert broken.json()["state"] == "intact"  # the demo's own store is untouched


def test_the_secretary_attaches_the_signed_scan_beside_the_generated_decision(
    demo: Demo,
) -> None:
    import hashlib

    from documents.signing import first_revision

    sid = demo.session_where(approved=True, year=2024)
    generated = demo.decision_pdf(sid, "demo-secretary")
    scan = b"%PDF-1.4\n% the decision, signed and scanned\n%%EOF\n"
    demo.get("/api/v1/me", "demo-secretary")  # signs in
    headers = {"Authorization": f"Bearer {demo.tokens['demo-secretary']}"}
    answer = demo.client.post(
        f"/api/v1/council/sessions/{sid}/signed-decision",
        files={"file": ("qd-ky.pdf", scan, "application/pdf")},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["sha256"] == hashlib.sha256(scan).hexdigest()
    as_rendered = first_revision(generated.content)  # the server's signature left out
    assert body["generated_sha256"] == hashlib.sha256(as_rendered).hexdigest()
    session = demo.get(f"/api/v1/council/sessions/{sid}", "demo-secretary").json()
    kept = session["signed_decisions"][body["sha256"]]
    assert kept["generated_sha256"] == body["generated_sha256"]
    assert kept["document_id"] == body["document_id"]
    # The record the decision was made from is as it was: its document still verifies.
    check = demo.get(f"/api/v1/public/documents/{body['document_id']}").json()
    assert check["state"] == "intact"
    again = demo.client.post(
        f"/api/v1/council/sessions/{sid}/signed-decision",
        files={"file": ("qd-ky.pdf", scan, "application/pdf")},
        headers=headers,
    )
    assert again.status_code == 409
    member = demo.get("/api/v1/me", "demo-council-1")
    assert member.status_code == 200
    refused = demo.client.post(
        f"/api/v1/council/sessions/{sid}/signed-decision",
        files={"file": ("x.pdf", scan, "application/pdf")},
        headers={"Authorization": f"Bearer {demo.tokens['demo-council-1']}"},
    )
    assert refused.status_code == 403


def test_a_document_names_the_signed_receipt_that_seals_its_records(demo: Demo) -> None:
    receipts = demo.client.app.state.thidua.receipts  # type: ignore[attr-defined]
    receipt = receipts.seal()
    sid = demo.session_where(approved=True, year=2024)
    pdf = demo.decision_pdf(sid).content
    meta = read_metadata(pdf)
    assert meta["receipt_position"] == receipt["position"]
    assert f"vị trí {receipt['position']}" in text_of(pdf, demo.folder, "sealed.pdf")


def test_a_forged_host_header_never_reaches_an_issued_decision(demo: Demo) -> None:
    sid = demo.session_where(approved=True, year=2024)
    demo.get("/api/v1/me", "demo-secretary")  # signs in first, on the ordinary host
    submission = demo.submission_of(sid)["submission_id"]
    answer = demo.client.get(
        f"/api/v1/submissions/{submission}/decision.pdf",
        headers={
            "Host": "evil.example",
            "Authorization": f"Bearer {demo.tokens['demo-secretary']}",
        },
    )
    assert answer.status_code == 200
    text = text_of(answer.content, demo.folder, "forged-host.pdf")
    assert "evil.example" not in text
    assert "http://127.0.0.1:8000/verify/" in text  # the settings' address, not the request's


def test_the_public_check_discloses_no_digest_names_the_awarded_units_and_is_rate_limited(
    demo: Demo,
) -> None:
    import re

    document_id, _ = issued(demo)
    hex64 = re.compile(r"[0-9a-f]{64}")
    answer = demo.get(f"/api/v1/public/documents/{document_id}")
    assert answer.json()["state"] == "intact"
    assert not hex64.search(answer.text)  # no digest to copy into a forged id
    units = answer.json()["awarded_units"]
    assert units
    assert all(
        u.startswith(("Xã", "Phường", "Thị trấn", "Sở", "Ngân", "Ủy", "Hội", "Công")) or u
        for u in units
    )
    page = demo.get(f"/verify/{document_id}")
    assert not hex64.search(page.text)
    assert units[0] in page.text  # a paper naming other units fails the comparison
    # A guessed id: a tag of nothing known. It says "changed", and still no digest.
    kind, session, tag = document_id.split(".")
    guessed = demo.get(f"/api/v1/public/documents/{kind}.{session}.{'a' * len(tag)}")
    assert guessed.json()["state"] == "changed"
    assert not hex64.search(guessed.text)
    assert guessed.json()["awarded_units"] == []

    limit = demo.client.app.state.thidua.document_limit  # type: ignore[attr-defined]
    limit.limit = 3
    codes = [demo.get(f"/api/v1/public/documents/{document_id}").status_code for _ in range(5)]
    assert 429 in codes
    limit.limit = 10_000


def test_a_document_id_cannot_be_derived_from_the_records_it_names(demo: Demo) -> None:
    """Whoever can read the store can compute a session's records digest; an id made from
    it (or from anything else without the product's document key) checks out as nothing."""
    import base64
    import hmac

    document_id, _ = issued(demo)
    kind, session, tag = document_id.split(".")
    record = demo.service.decision_record(UUID(session))
    derived = f"{kind}.{session}.{record.digest[:16]}"
    answer = demo.get(f"/api/v1/public/documents/{derived}")
    assert answer.status_code == 422 or answer.json()["state"] != "intact"
    guessed_key = base64.b32encode(
        hmac.new(b"a guessed key", record.digest.encode(), "sha256").digest()
    )
    guessed = f"{kind}.{session}.{guessed_key.decode().lower()[: len(tag)]}"
    answer = demo.get(f"/api/v1/public/documents/{guessed}")
    assert answer.status_code == 200
    assert answer.json()["state"] == "changed"
    assert answer.json()["awarded_units"] == []
    assert tag not in record.digest
