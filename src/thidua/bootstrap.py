"""The composition root: settings in, a wired service out. Nothing here is global."""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from fastapi import FastAPI
from psycopg.conninfo import conninfo_to_dict
from pydantic import SecretStr

from api.config import ApiConfig
from documents.signing import Pkcs11Token, SigningKeys
from domain.calendar import WorkingCalendar
from domain.context import SYSTEM_ACTOR, CommandContext
from domain.units import UnitRegistry
from domain.writers import WriterKey
from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from service.receipts import Receipts, SigningKey, public_key_from_pem
from storage.postgres import (
    postgres_env as postgres_env,  # the tests and bench build stores with it
)
from storage.views import Database, PostgresDatabase, SQLiteDatabase
from thidua.settings import Settings
from workflows.notifier import Directory, LogNotifier, Notifier, SmtpNotifier

SQLITE_FACTORY = "storage.sqlite:ThiduaSQLiteFactory"


def event_store_env(settings: Settings) -> dict[str, str]:
    """The ``eventsourcing`` environment for the configured store."""
    env = {"AGGREGATE_CACHE_MAXSIZE": str(settings.aggregate_cache_size)}
    if settings.store == "sqlite":
        path = settings.event_store_path
        path.parent.mkdir(parents=True, exist_ok=True)
        env.update(
            PERSISTENCE_MODULE=SQLITE_FACTORY,
            SQLITE_DBNAME=str(path),
            SQLITE_LOCK_TIMEOUT=str(settings.sqlite_lock_timeout_seconds),
        )
        return env
    if settings.postgres_url is None:  # pragma: no cover - the settings validator refuses it
        raise ValueError("THIDUA_POSTGRES_URL is required for the postgres store")
    env.update(postgres_env(settings.postgres_url.get_secret_value(), settings.postgres_schema))
    env["POSTGRES_POOL_SIZE"] = str(settings.postgres_pool_size)
    if settings.postgres_owner_url is not None or not settings.postgres_create_schema:
        env["CREATE_TABLE"] = "n"  # the owner role creates and migrates the schema
    return env


def views_database(settings: Settings) -> Database:
    """Read models live in the event store's own database."""
    if settings.store == "sqlite":
        return SQLiteDatabase(str(settings.event_store_path), settings.sqlite_lock_timeout_seconds)
    if settings.postgres_url is None:  # pragma: no cover - the settings validator refuses it
        raise ValueError("THIDUA_POSTGRES_URL is required for the postgres store")
    return PostgresDatabase(
        settings.postgres_url.get_secret_value(),
        settings.postgres_schema,
        max_size=settings.postgres_views_pool_size,
    )


def build_runner(
    settings: Settings, service: NominationService, names: Iterable[str] | None = None
) -> ProjectionRunner:
    return ProjectionRunner(service, views_database(settings), names, timing=settings.lease_timing)


def signing_key(settings: Settings) -> SigningKey:
    """The receipts' key: from settings in production, else made once under the data dir."""
    if settings.audit_signing_key is not None:
        key = SigningKey.from_pem(settings.audit_signing_key.get_secret_value().encode())
    else:
        key = SigningKey.load_or_create(settings.keys_dir)
    folder = settings.keys_dir / TRUSTED_AUDIT_KEYS
    if folder.is_dir():
        key.trusted = tuple(
            public_key_from_pem(path.read_bytes()) for path in sorted(folder.glob("*.pem"))
        )
    return key


TRUSTED_AUDIT_KEYS = "trusted-audit-keys"
"""Under the keys folder: earlier audit public keys whose writer-key certificates count."""


def writer_key(settings: Settings) -> WriterKey:
    """The key that signs every event: THIDUA_WRITER_KEY, else made once under the data
    dir (mode 0600) and shared by every process on it."""
    if settings.writer_key is not None:
        return WriterKey.from_pem(settings.writer_key.get_secret_value().encode())
    pem = _shared_file(
        settings.keys_dir / WRITER_KEY_FILE,
        lambda: WriterKey.generate().pem(),
        lambda content: content.strip().endswith(b"-----"),
    )
    return WriterKey.from_pem(pem)


WRITER_KEY_FILE = "writer-ed25519.pem"


def begin_signing(service: NominationService, audit_key: SigningKey) -> None:
    """Registers the service's writer key in the log's keyring, certified by the audit
    key; on a store that never had one, this also states the root of its log so far."""
    key = service.writer_key
    certificate = audit_key.certify(key.certificate_message)
    service.ensure_writer(system_context(f"writer-key:{key.key_id}"), certificate)


def build_receipts(settings: Settings, service: NominationService) -> Receipts:
    return Receipts(service, views_database(settings), signing_key(settings))


_TEST_TOKEN_KEY = SecretStr(secrets.token_hex(32))


def token_key(settings: Settings) -> SecretStr:
    """The key that signs bearer tokens: from settings, else made once under the data dir
    (mode 0600) and shared by every process on it; under test, this process's own."""
    if settings.secret_key is not None:
        return settings.secret_key
    if settings.environment == "test":
        return _TEST_TOKEN_KEY
    return SecretStr(_shared_key(settings.keys_dir / "token.key"))


def snapshot_key(settings: Settings) -> bytes:
    """The key that proves the product wrote a snapshot: kept outside the database, beside
    the audit key, made once under the data dir (mode 0600) and shared by every process on
    it, or given as THIDUA_SNAPSHOT_KEY."""
    if settings.snapshot_key is not None:
        return settings.snapshot_key.get_secret_value().encode()
    return bytes.fromhex(_shared_key(settings.keys_dir / "snapshot.key"))


def document_key(settings: Settings) -> bytes:
    """The key that makes documents' ids: THIDUA_DOCUMENT_KEY, else made once under the
    data dir (mode 0600) and shared by every process on it. Replacing it invalidates the
    ids of documents already issued."""
    if settings.document_key is not None:
        return settings.document_key.get_secret_value().encode()
    return bytes.fromhex(_shared_key(settings.keys_dir / "document.key"))


def ballot_key(settings: Settings) -> bytes:
    """The key that seals secret ballots: THIDUA_BALLOT_KEY, else made once under the data
    dir (mode 0600) and shared by every process on it. Losing it leaves the open sessions'
    sealed ballots unopenable; closed sessions keep their counted results."""
    if settings.ballot_key is not None:
        return hashlib.sha256(settings.ballot_key.get_secret_value().encode()).digest()
    return bytes.fromhex(_shared_key(settings.keys_dir / "ballot.key"))


def _shared_key(path: Path) -> str:
    """32 random bytes in hex, made once at ``path`` (0600) by whichever process is first."""
    made = _shared_file(path, lambda: (secrets.token_hex(32) + "\n").encode(), bytes.strip)
    return made.decode("ascii").strip()


def _shared_file(path: Path, make: Callable[[], bytes], whole: Callable[[bytes], object]) -> bytes:
    """A secret made once at ``path`` (mode 0600, in a 0700 folder) by whichever process is
    first; the others read it, once ``whole`` says it is all written."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(100):  # another process may be writing it this instant
            content = path.read_bytes()
            if whole(content):
                return content
            time.sleep(0.01)
        raise RuntimeError(f"{path} is incomplete: delete it to make a new key") from None
    content = make()
    with os.fdopen(descriptor, "wb") as out:
        out.write(content)
    return content


def api_config(settings: Settings) -> ApiConfig:
    return ApiConfig(
        secret_key=token_key(settings),
        token_minutes=settings.token_minutes,
        upload_max_bytes=settings.upload_max_bytes,
        uploads_dir=settings.uploads_dir,
        waiting_imports_dir=settings.waiting_imports_dir,
        read_wait_seconds=settings.read_wait_seconds,
        login_attempts=settings.login_attempts,
        login_window_minutes=settings.login_window_minutes,
        login_client_attempts=settings.login_client_attempts,
        max_body_bytes=settings.max_body_bytes,
        upload_quota_files=settings.upload_quota_files,
        upload_quota_bytes=settings.upload_quota_bytes,
        metrics_token=settings.metrics_token,
        docs=settings.docs if settings.docs is not None else settings.environment != "production",
        hsts=settings.hsts,
        public_url=settings.public_base_url,
        public_complaints_per_hour=settings.public_complaints_per_hour,
        public_document_checks_per_hour=settings.public_document_checks_per_hour,
        signing=signing_keys(settings),
    )


DEMO_SIGNING_PASSPHRASE = "thidua-demo-signing"  # noqa: S105 - the demo's test keys only


def signing_keys(settings: Settings) -> SigningKeys:
    """The awarding authorities' keys in the signing folder (the demo's test ones: see
    ``thidua.demo.make_demo_signing_keys``)."""
    secret = settings.signing_passphrase
    passphrase = (
        secret.get_secret_value() if secret else DEMO_SIGNING_PASSPHRASE if settings.demo else None
    )
    token = None
    if settings.signing_pkcs11_module is not None:
        pin = settings.signing_pkcs11_pin
        if pin is None:
            raise ValueError("THIDUA_SIGNING_PKCS11_PIN: the token's user PIN is required")
        token = Pkcs11Token(
            settings.signing_pkcs11_module, settings.signing_pkcs11_token, pin.get_secret_value()
        )
    return SigningKeys(settings.signing_folder, passphrase.encode() if passphrase else None, token)


def build_app(
    settings: Settings,
    *,
    service: NominationService | None = None,
    runner: ProjectionRunner | None = None,
    temporal_probe: Callable[[], Awaitable[bool]] | None = None,
    follow_projections: bool = True,
) -> FastAPI:
    """The web app on built parts; a service it builds itself is closed with the app."""
    from api.main import create_app

    if settings.environment == "test":
        from api.security import use_test_hashing

        use_test_hashing()
    own = service is None
    service = service or build_service(settings)
    runner = runner or build_runner(settings, service)
    audit_key = signing_key(settings)
    if not own:  # build_service registered the one it made
        begin_signing(service, audit_key)
    ensure_admin(settings, service)
    return create_app(
        api_config(settings),
        service=service,
        runner=runner,
        receipts=Receipts(service, runner.database, audit_key),
        temporal_probe=temporal_probe,
        follow_projections=follow_projections,
        on_shutdown=service.close if own else None,
    )


def load_units(path: Path) -> UnitRegistry:
    return UnitRegistry.from_json(path.read_bytes())


def build_calendar(settings: Settings) -> WorkingCalendar:
    return WorkingCalendar(settings.extra_days_off, settings.make_up_working_days)


def migrate_store(settings: Settings) -> bool:
    """With an owner role configured, it creates or updates the schema and the guards."""
    if settings.store != "postgres" or settings.postgres_owner_url is None:
        return False
    from storage.postgres import migrate

    url = settings.postgres_url.get_secret_value() if settings.postgres_url else ""
    app_role = str(conninfo_to_dict(url).get("user") or "")
    migrate(settings.postgres_owner_url.get_secret_value(), settings.postgres_schema, app_role)
    return True


def build_service(settings: Settings) -> NominationService:
    migrate_store(settings)
    service = NominationService(
        event_store_env(settings),
        units=load_units(settings.units_file),
        calendar=build_calendar(settings),
        default_rule_set=(settings.rule_set_id, settings.rule_set_version),
        snapshot_key=snapshot_key(settings),
        writer_key=writer_key(settings),
        document_key=document_key(settings),
        ballot_key=ballot_key(settings),
    )
    begin_signing(service, signing_key(settings))
    return service


def build_notifier(settings: Settings) -> Notifier:
    if settings.smtp_host:
        return SmtpNotifier(settings.smtp_host, settings.smtp_port, settings.smtp_sender)
    return LogNotifier()


def build_directory(settings: Settings) -> Directory:
    return Directory(settings.notify_addresses, settings.notify_domain)


DEMO_ADMIN_PASSWORD = "thidua-demo-admin"  # noqa: S105 - demo mode only; listed in README


def ensure_admin(settings: Settings, service: NominationService) -> None:
    """The first admin, from THIDUA_ADMIN_PASSWORD; no default password outside demo mode."""
    import structlog

    from thidua.passwords import hash_password

    if service.find_account(settings.admin_username) is not None:
        return
    secret = settings.admin_password.get_secret_value() if settings.admin_password else None
    if secret is None and settings.demo:
        secret = DEMO_ADMIN_PASSWORD
    if secret is None:
        structlog.get_logger().warning(
            "admin.missing", hint="set THIDUA_ADMIN_PASSWORD to create the first admin"
        )
        return
    service.register_account(
        system_context("bootstrap:admin"),
        settings.admin_username,
        hash_password(secret),
        [{"role": "admin"}],
        "Quản trị hệ thống",
    )


def system_context(command_id: str) -> CommandContext:
    from datetime import UTC, datetime

    return CommandContext(
        SYSTEM_ACTOR, command_id, "bootstrap", datetime.now(UTC).date(), at=datetime.now(UTC)
    )
