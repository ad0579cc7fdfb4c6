"""Sign-in that cannot be turned against users: counted per account and address, and per
address across accounts, in the store's database; the same time for every wrong answer."""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.context import SYSTEM_ACTOR, CommandContext
from projections.runner import ProjectionRunner
from storage.views import SQLiteDatabase
from tests.security.conftest import PASSWORD, Api, from_address
from thidua.bootstrap import build_app


def sign_in(api: Api, username: str, password: str) -> int:
    answer = api.client.post(
        "/api/v1/auth/token", data={"username": username, "password": password}
    )
    return int(answer.status_code)


def test_a_flood_from_one_address_does_not_lock_the_user_out_elsewhere(api: Api) -> None:
    attacker = from_address(api, "203.0.113.9")
    answers = [sign_in(attacker, "officer", "wrong-password") for _ in range(6)]
    assert answers[:5] == [401] * 5
    assert answers[5] == 429
    assert sign_in(attacker, "officer", PASSWORD) == 429  # the attacker's address waits
    user = from_address(api, "198.51.100.7")
    assert sign_in(user, "officer", PASSWORD) == 200


def test_one_address_spraying_many_accounts_is_slowed(api: Api) -> None:
    api.client.app.state.thidua.throttle.client_attempts = 8  # type: ignore[attr-defined]
    sprayer = from_address(api, "203.0.113.10")
    answers = [sign_in(sprayer, f"user-{i}", "Mua-he-2024!") for i in range(9)]
    assert answers[:8] == [401] * 8
    assert answers[8] == 429
    assert sign_in(sprayer, "province", PASSWORD) == 429
    assert sign_in(from_address(api, "198.51.100.8"), "province", PASSWORD) == 200


def test_the_counts_live_in_the_store_shared_by_every_api_process(api: Api, tmp_path: Path) -> None:
    first = from_address(api, "203.0.113.11")
    for _ in range(5):
        assert sign_in(first, "auditor", "wrong-password") == 401
    # Another API process on the same store (or this one restarted) knows of them.
    settings = api.client.app.state.thidua.settings  # type: ignore[attr-defined]
    database = SQLiteDatabase(str(tmp_path / "events.sqlite3"))
    other_app = build_app(
        _settings(tmp_path),
        service=api.service,
        runner=ProjectionRunner(api.service, database),
        follow_projections=False,
    )
    other = Api(TestClient(other_app, client=("203.0.113.11", 1)), api.service)
    assert settings is not other_app.state.thidua.settings
    assert sign_in(other, "auditor", PASSWORD) == 429


def _settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.security.conftest import settings_for

    return settings_for(tmp_path)


def test_made_up_usernames_leave_nothing_behind_once_their_window_passes(api: Api) -> None:
    throttle = api.client.app.state.thidua.throttle  # type: ignore[attr-defined]
    now = [time.time()]
    throttle.clock = lambda: now[0]
    for i in range(40):
        sign_in(from_address(api, f"203.0.113.{i}"), f"nobody-{uuid.uuid4()}", "x" * 12)
    assert throttle.tracked() >= 40
    now[0] += throttle.window + 1
    sign_in(api, "nobody-at-all", "x" * 12)
    assert throttle.tracked() <= 2  # only the last attempt's counts remain


@pytest.mark.slow
def test_an_unknown_account_and_a_wrong_password_take_the_same_time(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What is timed is argon2 at production strength: the suite's cheap parameters would
    # leave only noise to compare.
    from pwdlib import PasswordHash

    from api import security

    monkeypatch.setattr(security, "_hasher", PasswordHash.recommended())
    security._dummy_hash.cache_clear()
    api.service.register_account(
        CommandContext(SYSTEM_ACTOR, "test/timed", "test", date(2024, 1, 1), at=datetime.now(UTC)),
        "timed-officer",
        security.hash_password(PASSWORD),
        [{"role": "unit_officer", "scope": "83"}],
        "timed-officer",
    )
    api.client.app.state.thidua.throttle.attempts = 1000  # type: ignore[attr-defined]
    api.client.app.state.thidua.throttle.client_attempts = 1000  # type: ignore[attr-defined]

    def timed(username: str) -> float:
        started = time.perf_counter()
        assert sign_in(api, username, "not-the-password") == 401
        return time.perf_counter() - started

    try:
        timed("timed-officer"), timed("no-such-user")  # warm up
        known = statistics.median(timed("timed-officer") for _ in range(15))
        unknown = statistics.median(timed(f"ghost-{i}") for i in range(15))
    finally:
        security._dummy_hash.cache_clear()  # made again with the suite's parameters
    assert abs(known - unknown) <= 0.2 * max(known, unknown), (known, unknown)
