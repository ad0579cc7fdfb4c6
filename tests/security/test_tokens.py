"""Tokens can be revoked: a password change, a reset, a role change, a deactivation or a
sign-out makes every earlier token answer 401."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.api.journey import ok
from tests.security.conftest import PASSWORD, Api

NEW = "Mat-khau-moi-2025!"


def token_of(api: Api, username: str, password: str = PASSWORD) -> dict[str, str]:
    answer = api.client.post(
        "/api/v1/auth/token", data={"username": username, "password": password}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def me(api: Api, bearer: dict[str, str]) -> int:
    return int(api.client.get("/api/v1/me", headers=bearer).status_code)


def sign_out(api: Api) -> None:
    ok(api.post("/api/v1/auth/logout", "auditor"))


def reset(api: Api) -> None:
    ok(api.post("/api/v1/accounts/auditor/password", "admin", json={"password": NEW}))


def change_own(api: Api) -> None:
    ok(
        api.post(
            "/api/v1/me/password",
            "auditor",
            json={"current_password": PASSWORD, "new_password": NEW},
        )
    )


def change_roles(api: Api) -> None:
    body = {"roles": [{"role": "auditor"}, {"role": "council_member"}]}
    ok(api.client.patch("/api/v1/accounts/auditor", json=body, headers=api.as_("admin")))


def deactivate(api: Api) -> None:
    body = {"active": False, "reason": "Chuyển công tác."}
    ok(api.client.patch("/api/v1/accounts/auditor", json=body, headers=api.as_("admin")))


@pytest.mark.parametrize("revoke", [sign_out, reset, change_own, change_roles, deactivate])
def test_earlier_tokens_answer_401_after(api: Api, revoke: Callable[[Api], None]) -> None:
    earlier = token_of(api, "auditor")
    api.token("auditor")  # the session that revokes
    assert me(api, earlier) == 200
    revoke(api)
    assert me(api, earlier) == 401


def test_a_new_password_signs_in_and_the_old_one_no_longer_does(api: Api) -> None:
    change_own(api)
    token_of(api, "auditor", NEW)
    refused = api.client.post(
        "/api/v1/auth/token", data={"username": "auditor", "password": PASSWORD}
    )
    assert refused.status_code == 401


def test_changing_ones_own_password_needs_the_current_one_and_a_strong_new_one(
    api: Api,
) -> None:
    wrong = api.post(
        "/api/v1/me/password",
        "auditor",
        json={"current_password": "not-it-at-all", "new_password": NEW},
    )
    assert wrong.status_code == 422
    assert "current_password" in wrong.text
    weak = api.post(
        "/api/v1/me/password",
        "auditor",
        json={"current_password": PASSWORD, "new_password": "password1234"},
    )
    assert weak.status_code == 422
    assert "new_password" in weak.text


def test_only_an_admin_resets_or_changes_another_account(api: Api) -> None:
    assert (
        api.post("/api/v1/accounts/officer/password", "auditor", json={"password": NEW}).status_code
        == 403
    )
    refused = api.client.patch(
        "/api/v1/accounts/officer", json={"active": False}, headers=api.as_("auditor")
    )
    assert refused.status_code == 403


def test_a_reactivated_account_signs_in_again_with_a_new_token(api: Api) -> None:
    deactivate(api)
    assert (
        api.client.post(
            "/api/v1/auth/token", data={"username": "auditor", "password": PASSWORD}
        ).status_code
        == 401
    )
    ok(
        api.client.patch(
            "/api/v1/accounts/auditor", json={"active": True}, headers=api.as_("admin")
        )
    )
    assert me(api, token_of(api, "auditor")) == 200
