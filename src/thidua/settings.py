"""Settings from ``THIDUA_*`` environment variables and ``.env``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from projections.lease import LeaseTiming
from thidua.passwords import password_problem

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "password", "admin"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THIDUA_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")

    store: Literal["sqlite", "postgres"] = "sqlite"
    sqlite_path: Path | None = Field(
        default=None, description="The event store file; default: <data_dir>/thidua.sqlite3"
    )
    sqlite_lock_timeout_seconds: int = Field(default=30, ge=1)
    postgres_url: SecretStr | None = Field(
        default=None, description="postgresql://user:password@host:port/dbname"
    )
    postgres_owner_url: SecretStr | None = Field(
        default=None,
        description="the role that owns and migrates the schema; the product then connects"
        " as THIDUA_POSTGRES_URL's role, which may only SELECT and INSERT recorded events",
    )
    postgres_create_schema: bool = Field(
        default=True,
        description="false: this process never creates or changes the event store's schema;"
        " `thidua db migrate` does, as THIDUA_POSTGRES_OWNER_URL's role",
    )
    postgres_schema: str = ""
    postgres_pool_size: int = Field(default=5, ge=1)
    lease_seconds: float = Field(
        default=3.0,
        gt=0.5,
        le=60,
        description="how long an active relay or projection runner holds its lease unrenewed",
    )
    lease_renew_seconds: float = Field(
        default=1.0,
        gt=0,
        le=20,
        description="how often a working lease holder renews its lease between steps;"
        " less than lease_seconds",
    )
    step_seconds: float = Field(
        default=1.0,
        gt=0,
        le=20,
        description="how long one step of the relay or a projection runner may work before"
        " it commits its progress; less than lease_seconds",
    )
    postgres_views_pool_size: int = Field(
        default=10, ge=1, description="connections for views, idempotency keys and positions"
    )

    aggregate_cache_size: int = Field(default=1000, ge=0)
    units_file: Path = PROJECT_ROOT / "data" / "units" / "ben-tre.json"
    rule_set_id: str = "ben-tre-vi-nguoi-ngheo-2021-2025"
    rule_set_version: int = 6
    extra_days_off: list[date] = Field(default_factory=list)
    make_up_working_days: list[date] = Field(default_factory=list)

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "thidua"
    temporal_ui_port: int = 8233
    start_temporal: bool = Field(
        default=True, description="`thidua run` starts a local Temporal dev server"
    )
    demo: bool = Field(default=False, description="seed the sample data on start")

    smtp_host: str | None = Field(
        default=None, description="reminders go out by e-mail when set; else to the log"
    )
    smtp_port: int = 25
    smtp_sender: str = "thidua@localhost"
    notify_domain: str = "thidua.local"
    notify_addresses: dict[str, list[str]] = Field(default_factory=dict)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secret_key: SecretStr | None = Field(
        default=None,
        description="signs bearer tokens; unset outside production: a random key is made once"
        " under <data_dir>/keys/ with mode 0600",
    )
    token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    admin_username: str = "admin"
    admin_password: SecretStr | None = None
    upload_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    upload_quota_files: int = Field(default=50, ge=1, description="evidence files a nomination")
    upload_quota_bytes: int = Field(
        default=200 * 1024 * 1024, ge=1, description="evidence bytes a nomination"
    )
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="any request body but an upload's"
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="the bearer token /metrics asks for; unset, /metrics is off"
    )
    docs: bool | None = Field(
        default=None, description="serve /docs and /redoc (default: everywhere but production)"
    )
    hsts: bool = Field(default=False, description="send Strict-Transport-Security")
    public_complaints_per_hour: int = Field(
        default=5, ge=1, le=10_000, description="objections one address may file an hour"
    )
    public_document_checks_per_hour: int = Field(
        default=120,
        ge=1,
        le=100_000,
        description="public document checks one address may make an hour",
    )
    snapshot_key: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="proves the product wrote a snapshot (HMAC); default: made once under"
        " <data_dir>/keys/snapshot.key and shared by every process on it",
    )
    document_key: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="makes the ids printed on documents (an HMAC tag nobody without it can"
        " compute); default: made once under <data_dir>/keys/document.key and shared by"
        " every process on it",
    )
    ballot_key: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="seals secret ballots, so the store keeps who voted apart from what they"
        " chose; default: made once under <data_dir>/keys/ballot.key and shared by every"
        " process on it",
    )
    public_url: str | None = Field(
        default=None,
        max_length=300,
        pattern=r"^https?://[^\s]+$",
        description="where the public reaches the product, printed in documents' links and"
        " QR codes; required in production (default elsewhere: http://<host>:<port>). Never"
        " taken from a request's Host header",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        max_length=2000,
        description="comma-separated addresses or networks of the reverse proxies whose"
        " X-Forwarded-For is believed ('*' for any: only where nothing else can reach the"
        " API); limits then count each real client, not the proxy",
    )
    read_wait_seconds: float = Field(default=5.0, ge=0, le=60)
    login_attempts: int = Field(default=5, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    login_client_attempts: int = Field(
        default=30, ge=1, description="failed sign-ins from one address, any account, a window"
    )

    audit_signing_key: SecretStr | None = Field(
        default=None,
        description="Ed25519 private key (PEM) that signs audit receipts; default: made once"
        " under <data_dir>/keys/ with mode 0600",
    )
    writer_key: SecretStr | None = Field(
        default=None,
        description="Ed25519 private key (PEM) that signs every event the product records;"
        " default: made once under <data_dir>/keys/writer-ed25519.pem (mode 0600) and shared"
        " by every process on it. One per deployment",
    )
    audit_seal_hours: int = Field(default=24, ge=1, description="how often the worker seals")
    signing_dir: Path | None = Field(
        default=None,
        description="the awarding authorities' signing keys, <authority id>.p12 each (PKCS#12),"
        " and trust-roots/*.pem, the certificates a signature on a decision must chain to;"
        " default: <data_dir>/signing. An authority without a key gets unsigned decisions",
    )
    signing_passphrase: SecretStr | None = Field(
        default=None, description="opens the .p12 files of the signing folder"
    )
    signing_pkcs11_module: Path | None = Field(
        default=None,
        description="a PKCS#11 module (an HSM's or a token's library): when set, each"
        " authority's key is the private key labelled with its id on the token, and its"
        " certificate and chain are <authority id>.pem in the signing folder",
    )
    signing_pkcs11_token: str = Field(
        default="thidua", description="the label of the token the signing keys are on"
    )
    signing_pkcs11_pin: SecretStr | None = Field(default=None, description="the token's user PIN")

    log_format: Literal["console", "json"] = "console"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @property
    def event_store_path(self) -> Path:
        return self.sqlite_path or self.data_dir / "thidua.sqlite3"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def signing_folder(self) -> Path:
        return self.signing_dir or self.data_dir / "signing"

    @property
    def waiting_imports_dir(self) -> Path:
        """Spreadsheets received for the province to preview, before anyone imports them."""
        return self.data_dir / "imports" / "waiting"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "evidence"

    @model_validator(mode="after")
    def _lease_outlasts_its_steps(self) -> Settings:
        for name in ("lease_renew_seconds", "step_seconds"):
            if getattr(self, name) >= self.lease_seconds:
                raise ValueError(f"{name} must be less than lease_seconds ({self.lease_seconds})")
        return self

    @property
    def public_base_url(self) -> str:
        """The address documents link to: the setting, or this process's own address."""
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def lease_timing(self) -> LeaseTiming:
        return LeaseTiming(self.lease_seconds, self.lease_renew_seconds, self.step_seconds)

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> Settings:
        if self.environment == "production":
            key = self.secret_key.get_secret_value() if self.secret_key else ""
            if len(key) < 32 or "change-me" in key or key.lower() in PLACEHOLDER_SECRETS:
                raise ValueError(
                    "THIDUA_SECRET_KEY: production needs a random key of 32+ characters"
                )
            if self.demo:
                raise ValueError("THIDUA_DEMO: production does not run the demo's sample data")
        if self.admin_password is not None:
            problem = password_problem(self.admin_password.get_secret_value())
            if problem is not None:
                raise ValueError(f"THIDUA_ADMIN_PASSWORD: {problem}")
        if self.environment == "production" and self.store == "postgres":
            url = self.postgres_url.get_secret_value() if self.postgres_url else ""
            password = _password_of(url)
            if password.lower() in PLACEHOLDER_SECRETS:
                raise ValueError("THIDUA_POSTGRES_URL: production needs a real database password")
        if self.store == "postgres" and self.postgres_url is None:
            raise ValueError("THIDUA_POSTGRES_URL is required when THIDUA_STORE=postgres")
        if self.environment == "production" and not self.public_url:
            raise ValueError(
                "THIDUA_PUBLIC_URL: production prints it in every document's links and QR"
                " code; set it to the address the public reaches the product at"
            )
        return self


def _password_of(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    try:
        return str(conninfo_to_dict(url).get("password") or "")
    except Exception:
        return ""
