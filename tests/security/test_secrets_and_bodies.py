"""No public default secret; bodies bounded before anything else; production refuses demo
mode and weak admin passwords."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.security import issue_token
from tests.api.journey import open_dossier
from tests.security.conftest import Api
from thidua.bootstrap import build_app
from thidua.settings import Settings

OLD_PUBLISHED_DEFAULT = "development-only-secret-change-me"


def bare_settings(data_dir: Path, **values: object) -> Settings:
    """Settings as ``thidua api`` reads them with nothing set but the data directory."""
    return Settings(
        data_dir=data_dir, admin_password="a-long-admin-passphrase", _env_file=None, **values
    )  # type: ignore[call-arg]


def app_on(settings: Settings) -> TestClient:
    return TestClient(build_app(settings, follow_projections=False))


def test_a_token_signed_with_the_old_published_default_is_refused(tmp_path: Path) -> None:
    client = app_on(bare_settings(tmp_path))
    forged, _ = issue_token("admin", OLD_PUBLISHED_DEFAULT, 60)
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert answer.status_code == 401


def test_without_a_key_one_is_made_once_under_the_data_dir_private_and_reused(
    tmp_path: Path,
) -> None:
    first = app_on(bare_settings(tmp_path))
    signed_in = first.post(
        "/api/v1/auth/token", data={"username": "admin", "password": "a-long-admin-passphrase"}
    )
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["access_token"]
    key_file = tmp_path / "keys" / "token.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 64
    # Another process on the same data directory accepts the token.
    second = app_on(bare_settings(tmp_path))
    assert second.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_production_refuses_to_start_without_a_strong_key(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="THIDUA_SECRET_KEY"):
        bare_settings(tmp_path, environment="production")
    with pytest.raises(ValidationError, match="THIDUA_SECRET_KEY"):
        bare_settings(tmp_path, environment="production", secret_key="short")


def test_production_refuses_demo_mode(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="THIDUA_DEMO"):
        bare_settings(tmp_path, environment="production", secret_key="k" * 48, demo=True)


@pytest.mark.parametrize("password", ["short-one", "password1234", "123456789012", "qwertyuiopas"])
def test_an_admin_password_must_be_long_and_not_common(tmp_path: Path, password: str) -> None:
    with pytest.raises(ValidationError, match="THIDUA_ADMIN_PASSWORD"):
        Settings(data_dir=tmp_path, admin_password=password, _env_file=None)  # type: ignore[call-arg]


def test_the_dockerfile_runs_in_production() -> None:
    dockerfile = (Path(__file__).parents[2] / "docker" / "Dockerfile").read_text()
    assert "THIDUA_ENVIRONMENT=production" in dockerfile


def evidence_files(api: Api) -> list[Path]:
    folder = api.client.app.state.thidua.settings.uploads_dir  # type: ignore[attr-defined]
    return [p for p in Path(folder).rglob("*") if p.is_file()] if Path(folder).exists() else []


def test_a_body_over_the_limit_is_413_before_sign_in(api: Api) -> None:
    huge = b'{"unit_code": "' + b"x" * (2 << 20) + b'"}'
    answer = api.client.post(
        "/api/v1/nominations", content=huge, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_a_body_streamed_without_a_length_is_cut_off_at_the_limit(api: Api) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"x" * 65536

    answer = api.client.post(
        "/api/v1/nominations", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413


def test_an_upload_from_someone_not_signed_in_writes_nothing(api: Api) -> None:
    nid = "00000000-0000-0000-0000-000000000001"
    answer = api.client.post(
        f"/api/v1/nominations/{nid}/evidence",
        files={"file": ("a.pdf", b"%PDF-1.7\n" + b"0" * (5 << 20), "application/pdf")},
    )
    assert answer.status_code == 401
    assert evidence_files(api) == []


def test_an_upload_over_its_own_limit_is_413_and_leaves_nothing(api: Api) -> None:
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    nid = open_dossier(api)
    api.client.app.state.thidua.settings.upload_max_bytes = 1 << 20  # type: ignore[attr-defined]
    answer = api.post(
        f"/api/v1/nominations/{nid}/evidence",
        "officer",
        files={"file": ("a.pdf", b"%PDF-1.7\n" + b"0" * (3 << 20), "application/pdf")},
    )
    assert answer.status_code == 413
    assert evidence_files(api) == []


async def test_an_upload_from_someone_not_signed_in_is_refused_before_its_body_is_read(
    api: Api,
) -> None:
    nid = "00000000-0000-0000-0000-000000000001"
    boundary = "x-boundary"
    sent = []

    async def body():  # type: ignore[no-untyped-def]
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"'
            "\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"
        ).encode()
        for _ in range(80):  # 5 MiB
            sent.append(1)
            yield b"0" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    # httpx hands the app the body as the app asks for it, so what was read can be counted.
    transport = httpx.ASGITransport(app=api.client.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answer = await client.post(
            f"/api/v1/nominations/{nid}/evidence",
            content=body(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
    assert answer.status_code == 401
    assert len(sent) < 80  # the 401 came before the body was read to its end
