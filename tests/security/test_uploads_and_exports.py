"""Uploads checked before they are kept, downloads as attachments, one key for one request,
and exports that cannot carry spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

from tests.api.journey import ok, open_dossier, to_province
from tests.security.conftest import Api

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def dated(api: Api) -> str:
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    return open_dossier(api)


def evidence_files(api: Api) -> list[Path]:
    folder = Path(api.client.app.state.thidua.settings.uploads_dir)  # type: ignore[attr-defined]
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def upload(api: Api, nid: str, name: str, data: bytes, media: str, who: str = "officer") -> object:
    return api.post(f"/api/v1/nominations/{nid}/evidence", who, files={"file": (name, data, media)})


def office(main_part: str, *, macros: bool = False, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        kind = "macroEnabled.main+xml" if macros else "main+xml"
        archive.writestr("[Content_Types].xml", f'<Types><Override ContentType="{kind}"/></Types>')
        archive.writestr(main_part, "<document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rels(kind: str, target: str) -> bytes:
    return (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="r1" Type="{RELS}/{kind}" Target="{target}" TargetMode="External"/>'
        "</Relationships>"
    ).encode()


def test_an_office_file_that_fetches_from_outside_or_embeds_an_object_is_refused(
    api: Api,
) -> None:
    nid = dated(api)
    remote_template = {
        "word/_rels/settings.xml.rels": rels("attachedTemplate", "http://x.example/t.dotm")
    }
    ole = {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0ole"}
    for extra, said in ((remote_template, "outside the file"), (ole, "embedded")):
        refused = upload(api, nid, "bao-cao.docx", office("word/document.xml", extra=extra), DOCX)
        assert refused.status_code == 415, refused.text  # type: ignore[attr-defined]
        assert said in refused.text  # type: ignore[attr-defined]
    assert evidence_files(api) == []
    # A plain hyperlink is fetched only when followed: such a report is kept.
    linked = {"word/_rels/document.xml.rels": rels("hyperlink", "https://bentre.gov.vn")}
    ok(upload(api, nid, "bao-cao.docx", office("word/document.xml", extra=linked), DOCX), 201)


def test_bytes_that_are_not_the_declared_type_are_refused_and_leave_nothing(api: Api) -> None:
    nid = dated(api)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    answer = upload(api, nid, "quyet-dinh.pdf", png, "application/pdf")
    assert answer.status_code == 415  # type: ignore[attr-defined]
    assert "file" in answer.text  # type: ignore[attr-defined]
    assert evidence_files(api) == []


def test_a_macro_enabled_office_file_is_refused_and_a_plain_one_kept(api: Api) -> None:
    nid = dated(api)
    refused = upload(api, nid, "bao-cao.docx", office("word/document.xml", macros=True), DOCX)
    assert refused.status_code == 415  # type: ignore[attr-defined]
    assert "macro" in refused.text  # type: ignore[attr-defined]
    assert evidence_files(api) == []
    ok(upload(api, nid, "bao-cao.docx", office("word/document.xml"), DOCX), 201)


def test_a_filename_is_nfc_without_control_or_bidirectional_characters(api: Api) -> None:
    nid = dated(api)
    # "Quyết định" decomposed, a right-to-left override hiding ".exe", a zero-width joiner.
    name = "Quye\u0302\u0301t\u202egpj.exe\u202c đi\u200dnh.pdf"
    kept = ok(upload(api, nid, name, b"%PDF-1.7 x", "application/pdf"), 201)
    assert kept["filename"] == "Quyếtgpj.exe đinh.pdf"


def test_uploads_are_checked_for_role_scope_and_stage_before_the_body(api: Api) -> None:
    nid = dated(api)
    pdf = b"%PDF-1.7 x"
    assert upload(api, nid, "a.pdf", pdf, "application/pdf", who="officer-829").status_code == 404  # type: ignore[attr-defined]
    assert upload(api, nid, "a.pdf", pdf, "application/pdf", who="province").status_code == 403  # type: ignore[attr-defined]
    to_province(api, nid)
    assert upload(api, nid, "a.pdf", pdf, "application/pdf").status_code == 409  # type: ignore[attr-defined]
    assert evidence_files(api) == []


def test_a_nomination_holds_a_limited_number_of_files(api: Api) -> None:
    nid = dated(api)
    api.client.app.state.thidua.settings.upload_quota_files = 2  # type: ignore[attr-defined]
    for i in range(2):
        ok(upload(api, nid, f"{i}.pdf", b"%PDF-1.7 " + bytes([i]), "application/pdf"), 201)
    third = upload(api, nid, "2.pdf", b"%PDF-1.7 third", "application/pdf")
    assert third.status_code == 422  # type: ignore[attr-defined]
    assert len(evidence_files(api)) == 2


def test_evidence_downloads_as_an_attachment_for_those_who_may_read_it(api: Api) -> None:
    nid = dated(api)
    kept = ok(upload(api, nid, "quyết định.pdf", b"%PDF-1.7 body", "application/pdf"), 201)
    path = f"/api/v1/nominations/{nid}/evidence/{kept['sha256']}"
    got = api.get(path, "province")
    assert got.status_code == 200
    assert got.content == b"%PDF-1.7 body"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-type"] == "application/pdf"
    assert api.get(path, "officer-829").status_code == 404
    assert api.get(path.replace(kept["sha256"], "0" * 64), "province").status_code == 404


def test_one_idempotency_key_answers_one_request_only(api: Api) -> None:
    nid = dated(api)
    key = {"Idempotency-Key": "report-once"}
    path = f"/api/v1/nominations/{nid}/achievement-report"
    ok(api.put(path, "officer", json={"text": "Bản thứ nhất."}, headers=key))
    again = api.put(path, "officer", json={"text": "Bản thứ nhất."}, headers=key)
    assert again.headers["Idempotent-Replayed"] == "true"
    other = api.put(path, "officer", json={"text": "Bản khác."}, headers=key)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.text
    upload_key = {"Idempotency-Key": "upload-once"}
    first = api.post(
        f"/api/v1/nominations/{nid}/evidence",
        "officer",
        files={"file": ("a.pdf", b"%PDF-1.7 one", "application/pdf")},
        headers=upload_key,
    )
    assert first.status_code == 201
    second = api.post(
        f"/api/v1/nominations/{nid}/evidence",
        "officer",
        files={"file": ("a.pdf", b"%PDF-1.7 two", "application/pdf")},
        headers=upload_key,
    )
    assert second.status_code == 422
    assert len(evidence_files(api)) == 1


FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "  =1+1"]


def test_no_csv_cell_can_start_a_formula() -> None:
    from projections.exports import write_csv

    out = io.StringIO()
    write_csv([{"a": text, "b": "ordinary -1"} for text in FORMULAS], out, ("a", "b"))
    rows = list(csv.reader(io.StringIO(out.getvalue())))[1:]
    for (cell, plain), text in zip(rows, FORMULAS, strict=True):
        assert cell.lstrip(" ")[0] not in "=+-@\t\r", cell
        assert cell.endswith(text.lstrip(" ")) or cell.endswith(text)
        assert plain == "ordinary -1"


def test_the_audit_trail_export_neutralises_a_formula_in_free_text(api: Api) -> None:
    nid = dated(api)
    formula = '=HYPERLINK("http://evil.example","mở")'
    written = ok(
        api.post(f"/api/v1/nominations/{nid}/withdraw", "officer", json={"reason": formula})
    )
    # The export reads the audit trail as it stands: wait until it holds the withdrawal.
    ok(
        api.get(
            f"/api/v1/nominations/{nid}/audit", "auditor", params={"after": written["position"]}
        )
    )
    exported = api.get("/api/v1/audit/trail?format=csv", "auditor")
    assert exported.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(exported.text)) for cell in row]
    assert any(cell.endswith(formula) for cell in cells)
    for cell in cells:
        assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), cell
