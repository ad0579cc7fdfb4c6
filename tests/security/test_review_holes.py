"""Holes a second, adversarial review found in the API, each reproduced before its fix:
a PATCH that dropped one of its two changes, a stage told to strangers, links taken from the
Host header, a file whose name lies about its type, and a sign-in racing a password reset."""

from __future__ import annotations

from typing import Any, cast

import pytest

from api.security import hash_password
from domain.context import CommandContext
from tests.api.journey import ok, open_dossier
from tests.factories import ADMIN
from tests.security.conftest import PASSWORD, Api
from tests.security.test_uploads_and_exports import dated, upload

pytestmark = pytest.mark.api


def me(api: Api, token: str) -> int:
    answer = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    return int(answer.status_code)


def signed_in(api: Api, username: str, password: str = PASSWORD) -> str | None:
    answer = api.client.post(
        "/api/v1/auth/token", data={"username": username, "password": password}
    )
    return str(answer.json()["access_token"]) if answer.status_code == 200 else None


# --- one PATCH, two changes ------------------------------------------------------------------


def test_new_roles_and_deactivation_in_one_patch_are_both_recorded(api: Api) -> None:
    body = {"roles": [{"role": "council_member"}], "active": False, "reason": "Nghỉ hưu."}
    answer = ok(api.client.patch("/api/v1/accounts/auditor", json=body, headers=api.as_("admin")))
    assert answer["replayed"] is False
    account = api.service.find_account("auditor")
    assert account is not None
    assert account.active is False
    assert account.grants == [{"role": "council_member", "scope": None}]
    assert signed_in(api, "auditor") is None


def test_reactivation_with_new_roles_in_one_patch_takes_the_new_roles(api: Api) -> None:
    deactivate = {"active": False, "reason": "Tạm nghỉ."}
    ok(api.client.patch("/api/v1/accounts/auditor", json=deactivate, headers=api.as_("admin")))
    body = {"roles": [{"role": "council_member"}], "active": True}
    ok(api.client.patch("/api/v1/accounts/auditor", json=body, headers=api.as_("admin")))
    account = api.service.find_account("auditor")
    assert account is not None
    assert account.active is True
    assert account.grants == [{"role": "council_member", "scope": None}]


# --- a dossier not on public notice is one that does not exist -------------------------------


def test_an_objection_to_a_dossier_not_on_notice_is_answered_as_to_none_at_all(api: Api) -> None:
    nid = open_dossier(api)  # in collection: real, but not on public notice
    unknown = "00000000-0000-4000-8000-000000000000"
    answers = [
        api.client.post("/api/v1/public/complaints", json={"nomination_id": n, "text": "Phản ánh."})
        for n in (nid, unknown)
    ]
    assert [a.status_code for a in answers] == [404, 404]
    first, second = (a.json() for a in answers)
    assert first["detail"].replace(nid, unknown) == second["detail"]
    assert "collecting" not in answers[0].text
    form = [api.client.post(f"/cong-khai/{n}", data={"text": "Phản ánh."}) for n in (nid, unknown)]
    assert [f.status_code for f in form] == [404, 404]
    assert "collecting" not in form[0].text
    assert "Thu thập" not in form[0].text


# --- links in documents come from settings ---------------------------------------------------


def test_a_forged_host_header_does_not_reach_an_issued_document(api: Api) -> None:
    from api.routers.documents import public_base

    settings = api.client.app.state.thidua.settings  # type: ignore[attr-defined]
    settings.public_url = "https://thidua.bentre.gov.vn"
    assert public_base(settings) == "https://thidua.bentre.gov.vn"
    settings.public_url = None
    with pytest.raises(RuntimeError, match="THIDUA_PUBLIC_URL"):
        public_base(settings)


def test_production_refuses_to_start_without_a_public_url() -> None:
    from pydantic import ValidationError

    from thidua.settings import Settings

    secrets: dict[str, Any] = {"secret_key": "k" * 40, "environment": "production"}
    with pytest.raises(ValidationError, match="THIDUA_PUBLIC_URL"):
        Settings(_env_file=None, **secrets)  # type: ignore[call-arg]
    Settings(_env_file=None, public_url="https://thidua.example.vn", **secrets)  # type: ignore[call-arg]


# --- a file's name says what it is -----------------------------------------------------------


def test_a_pdf_named_as_a_program_is_kept_and_served_under_a_pdf_name(api: Api) -> None:
    nid = dated(api)
    kept = upload(api, nid, "bao-cao-thanh-tich.bat", b"%PDF-1.7 body", "application/pdf")
    assert kept.status_code == 201  # type: ignore[attr-defined]
    row = kept.json()  # type: ignore[attr-defined]
    assert row["filename"] == "bao-cao-thanh-tich.bat.pdf"
    got = api.get(f"/api/v1/nominations/{nid}/evidence/{row['sha256']}", "province")
    assert 'filename="bao-cao-thanh-tich.bat.pdf"' in got.headers["content-disposition"]
    assert '.bat"' not in got.headers["content-disposition"]


# --- a sign-in racing a password reset -------------------------------------------------------


def test_a_sign_in_that_a_password_reset_overtook_gets_no_token(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.routers.auth as auth

    real = auth.verify_password

    def reset_while_checking(password: str, hashed: str | None) -> bool:
        matched = real(password, hashed)
        admin = CommandContext(ADMIN, "test/reset-during-sign-in", "test", api_today(api))
        api.service.change_password(admin, "auditor", hash_password("a brand new passphrase 42"))
        return matched

    monkeypatch.setattr(auth, "verify_password", reset_while_checking)
    answer = api.client.post(
        "/api/v1/auth/token", data={"username": "auditor", "password": PASSWORD}
    )
    assert answer.status_code == 401
    assert "access_token" not in answer.text


def api_today(api: Api) -> Any:
    return api.client.app.state.thidua.clock()  # type: ignore[attr-defined]


# --- scope answers as absence ----------------------------------------------------------------


def test_a_session_the_caller_does_not_sit_on_is_answered_as_one_that_does_not_exist(
    api: Api,
) -> None:
    from tests.api.journey import schedule_session

    sid = schedule_session(api, ["member-1", "member-2"])
    unknown = "00000000-0000-4000-8000-000000000000"
    for path in ("", "/minutes.pdf"):
        theirs = api.get(f"/api/v1/council/sessions/{sid}{path}", "member-3")
        none = api.get(f"/api/v1/council/sessions/{unknown}{path}", "member-3")
        assert (theirs.status_code, none.status_code) == (404, 404), path
        assert theirs.json()["detail"].replace(sid, unknown) == none.json()["detail"]


def test_another_teams_visit_is_answered_as_one_that_does_not_exist(api: Api) -> None:
    from tests.api.journey import order_inspection, to_province

    api.client.app.state.thidua.clock = lambda: __import__("datetime").date(2024, 2, 20)  # type: ignore[attr-defined]
    nid = open_dossier(api)
    to_province(api, nid)
    ordered = order_inspection(api, nid)
    visit = ordered["extra"]["visit_id"]
    unknown = "00000000-0000-4000-8000-000000000000"
    after = {"after": ordered["position"]}
    theirs = api.post(f"/api/v1/tasks/{visit}/claim", "inspector-2", params=after)
    none = api.post(f"/api/v1/tasks/{unknown}/claim", "inspector-2", params=after)
    assert (theirs.status_code, none.status_code) == (404, 404)
    assert theirs.json()["detail"].replace(visit, unknown) == none.json()["detail"]


# --- one Idempotency-Key, one execution -----------------------------------------------------


def test_two_concurrent_requests_with_one_key_execute_once(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    nid = open_dossier(api)
    real = api.service.submit_nomination
    calls: list[int] = []

    def slow_submit(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        time.sleep(0.5)  # both requests are in flight together
        return real(*args, **kwargs)

    monkeypatch.setattr(api.service, "submit_nomination", slow_submit)
    headers = {**api.as_("officer"), "Idempotency-Key": "submit-once"}
    answers: list[Any] = []

    def send() -> None:
        answers.append(api.client.post(f"/api/v1/nominations/{nid}/submit", headers=headers))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(calls) == 1
    assert sorted(a.status_code for a in answers) == [200, 200]
    assert answers[0].json()["position"] == answers[1].json()["position"]


def test_the_same_key_with_another_query_is_another_request(api: Api) -> None:
    nid = open_dossier(api)
    headers = {**api.as_("officer"), "Idempotency-Key": "withdraw-once"}
    body = {"reason": "Đơn vị xin rút."}
    path = f"/api/v1/nominations/{nid}/withdraw"
    ok(api.client.post(path, params={"note": "a"}, json=body, headers=headers))
    again = api.client.post(path, params={"note": "b"}, json=body, headers=headers)
    assert again.status_code == 422
    assert "Idempotency-Key" in again.text


# --- behind a reverse proxy ------------------------------------------------------------------


def test_behind_a_trusted_proxy_each_client_has_its_own_limits(api: Api, tmp_path: Any) -> None:
    """Five wrong passwords from one client behind the proxy lock that client out, not
    everyone else behind the same proxy."""
    from fastapi.testclient import TestClient
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    from tests.security.conftest import settings_for
    from thidua.services import api_server_config

    settings = settings_for(tmp_path).model_copy(update={"forwarded_allow_ips": "10.0.0.5"})
    config = api_server_config(settings, api.client.app)
    assert config.proxy_headers is True
    assert config.forwarded_allow_ips == "10.0.0.5"
    behind = ProxyHeadersMiddleware(api.client.app, trusted_hosts=config.forwarded_allow_ips)
    proxy = TestClient(behind, client=("10.0.0.5", 443))

    def sign_in(client: str, password: str) -> int:
        answer = proxy.post(
            "/api/v1/auth/token",
            data={"username": "auditor", "password": password},
            headers={"X-Forwarded-For": client},
        )
        return int(answer.status_code)

    for _ in range(5):
        assert sign_in("203.0.113.7", "not the password at all") == 401
    assert sign_in("203.0.113.7", PASSWORD) == 429  # that client is slowed
    assert sign_in("198.51.100.9", PASSWORD) == 200  # another behind the proxy is not


def test_an_ipv6_client_is_counted_by_its_64_network() -> None:
    from types import SimpleNamespace

    from api.security import client_address

    def of(host: str) -> str:
        return client_address(SimpleNamespace(client=SimpleNamespace(host=host)))

    assert of("2001:db8:1:2::1") == of("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert of("2001:db8:1:3::1") != of("2001:db8:1:2::1")
    assert of("203.0.113.7") == "203.0.113.7"
    assert of("::ffff:203.0.113.7") == "203.0.113.7"


def test_a_key_reserved_by_a_process_that_died_is_taken_over(api: Api) -> None:
    """A request killed mid-way (its process SIGKILLed) leaves its key reserved; a retry
    through another process runs once the reservation is plainly abandoned."""
    from datetime import UTC, datetime, timedelta

    from api.deps import ABANDONED_SECONDS, PENDING, request_digest

    nid = open_dossier(api)
    path = f"/api/v1/nominations/{nid}/submit"
    long_ago = datetime.now(UTC) - timedelta(seconds=ABANDONED_SECONDS + 1)
    database = api.client.app.state.thidua.database  # type: ignore[attr-defined]
    with database.transaction() as cursor:
        cursor.execute(
            "INSERT INTO api_requests VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "officer",
                "died-mid-way",
                "POST",
                path,
                request_digest(query=[]),
                PENDING,
                "",
                long_ago.isoformat(),
            ),
        )
    headers = {**api.as_("officer"), "Idempotency-Key": "died-mid-way"}
    answer = api.client.post(path, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["replayed"] is False


# --- appends by the database role alone -------------------------------------------------------


def test_an_account_the_database_role_appends_alone_fails_the_audit_verify(api: Api) -> None:
    from datetime import UTC, date, datetime

    from domain.context import SYSTEM_ACTOR
    from service.nomination_service import NominationService

    # Whoever holds the database role writes what the product would, chain link and all,
    # but cannot sign it: a process without the writer key.
    with NominationService(api.service.env, units=api.service.units) as forger:
        cast(Any, forger.mapper).writer = None
        forger.register_account(
            CommandContext(
                SYSTEM_ACTOR, "forged", "forged", date(2024, 1, 1), at=datetime.now(UTC)
            ),
            "intruder",
            hash_password(PASSWORD),
            [{"role": "admin"}],
            "intruder",
        )
    answer = api.get("/api/v1/audit/verify", "auditor").json()
    assert answer["ok"] is False
    assert answer["first_broken"]["kind"] == "writer_signature"
