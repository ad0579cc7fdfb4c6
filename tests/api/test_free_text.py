"""Free text is recorded NFC-normalised; text that is not text is a 422 naming the field."""

from __future__ import annotations

import unicodedata
from datetime import date
from uuid import UUID

import pytest

from tests.api.conftest import Api

pytestmark = pytest.mark.api


def _open(api: Api) -> str:
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    body = {"unit_code": "S-831-01", "award_form": "bang-khen-tinh", "cycle_year": 2023}
    response = api.post("/api/v1/nominations", "officer", json=body)
    assert response.status_code == 201
    return str(response.json()["id"])


def test_decomposed_vietnamese_is_recorded_in_its_composed_form(api: Api) -> None:
    nid = _open(api)
    decomposed = unicodedata.normalize("NFD", "Xã đạt chuẩn nông thôn mới")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    response = api.put(
        f"/api/v1/nominations/{nid}/achievement-report", "officer", json={"text": decomposed}
    )
    assert response.status_code == 200, response.text
    texts = [e.payload.get("text") for e in api.service.history(UUID(nid))]
    assert "Xã đạt chuẩn nông thôn mới" in texts


@pytest.mark.parametrize(
    "raw",
    [b'{"text": "B\\u00e1o c\\u00e1o \\ud800"}', b'{"text": "B\\u00e1o c\\u00e1o \\u0007"}'],
    ids=["lone surrogate", "bell"],
)
def test_text_that_is_not_text_answers_422_naming_the_field_and_records_nothing(
    api: Api, raw: bytes
) -> None:
    nid = _open(api)
    before = api.events()
    response = api.client.put(
        f"/api/v1/nominations/{nid}/achievement-report",
        headers={**api.as_("officer"), "Content-Type": "application/json"},
        content=raw,
    )
    assert response.status_code == 422, response.text
    assert "text" in response.text
    assert api.events() == before


def test_an_evidence_filename_loses_its_control_characters(api: Api) -> None:
    nid = _open(api)
    response = api.client.post(
        f"/api/v1/nominations/{nid}/evidence",
        headers=api.as_("officer"),
        files={"file": ("quy\x1bet-dinh.pdf", b"%PDF-1.4 test", "application/pdf")},
    )
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "quyet-dinh.pdf"
