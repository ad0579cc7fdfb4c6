"""What the API needs to know of the product's settings, given by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from documents.signing import SigningKeys


@dataclass
class ApiConfig:
    secret_key: SecretStr
    token_minutes: int
    upload_max_bytes: int
    uploads_dir: Path
    read_wait_seconds: float
    login_attempts: int
    login_window_minutes: int
    login_client_attempts: int = 30
    max_body_bytes: int = 1024 * 1024
    upload_quota_files: int = 50
    upload_quota_bytes: int = 200 * 1024 * 1024
    metrics_token: SecretStr | None = None
    docs: bool = True
    hsts: bool = False
    waiting_imports_dir: Path | None = None
    public_url: str | None = None
    public_complaints_per_hour: int = 5
    public_document_checks_per_hour: int = 120
    signing: SigningKeys | None = None
    """The awarding authorities' keys that sign decisions, and the trust roots."""
    """Where the public reaches the product: the address documents' QR codes open."""
