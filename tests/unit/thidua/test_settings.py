"""Settings and the composition root."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from thidua.bootstrap import event_store_env, postgres_env
from thidua.settings import Settings

pytestmark = pytest.mark.unit


def test_the_embedded_default_is_a_sqlite_file_under_the_data_directory(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", _env_file=None)  # type: ignore[call-arg]
    env = event_store_env(settings)
    assert env["PERSISTENCE_MODULE"] == "storage.sqlite:ThiduaSQLiteFactory"
    assert env["SQLITE_DBNAME"] == str(tmp_path / "var" / "thidua.sqlite3")
    assert (tmp_path / "var").is_dir()


def test_postgres_settings_come_from_one_url() -> None:
    env = postgres_env("postgresql://thidua:s3cret@db.internal:6543/thidua", "audit")
    assert env["PERSISTENCE_MODULE"] == "storage.postgres:ThiduaPostgresFactory"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == ("db.internal", "6543")
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("thidua", "s3cret")
    assert (env["POSTGRES_DBNAME"], env["POSTGRES_SCHEMA"]) == ("thidua", "audit")


def test_the_postgres_store_needs_a_url() -> None:
    with pytest.raises(ValidationError, match="THIDUA_POSTGRES_URL"):
        Settings(store="postgres", _env_file=None)  # type: ignore[call-arg]


def test_production_refuses_a_placeholder_database_password() -> None:
    with pytest.raises(ValidationError, match="real database password"):
        Settings(  # type: ignore[call-arg]
            environment="production",
            store="postgres",
            postgres_url="postgresql://thidua:changeme@db/thidua",
            secret_key="x" * 40,
            _env_file=None,
        )


def test_production_refuses_a_placeholder_token_secret() -> None:
    with pytest.raises(ValidationError, match="THIDUA_SECRET_KEY"):
        Settings(  # type: ignore[call-arg]
            environment="production",
            store="postgres",
            postgres_url="postgresql://thidua:a-real-password@db/thidua",
            _env_file=None,
        )


def test_settings_are_read_from_thidua_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_DATA_DIR", "/srv/thidua")
    monkeypatch.setenv("THIDUA_EXTRA_DAYS_OFF", '["2024-03-11"]')
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.data_dir == Path("/srv/thidua")
    assert [d.isoformat() for d in settings.extra_days_off] == ["2024-03-11"]
