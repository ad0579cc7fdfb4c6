"""Passwords (argon2), bearer tokens (signed JWT with an expiry), and login throttling."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import jwt
from pwdlib import PasswordHash
from zxcvbn import zxcvbn

_hasher = PasswordHash.recommended()  # argon2id
ALGORITHM = "HS256"


# Unknown and inactive accounts are checked against this, so every wrong answer costs the same.
_DUMMY_HASH = _hasher.hash("a password no account has: " + secrets.token_hex(16))
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    """Whether the password matches; with no hash, a dummy one is checked for the same time."""
    try:
        return bool(_hasher.verify(password, hashed or _DUMMY_HASH)) and hashed is not None
    except Exception:  # an unreadable hash never matches
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is refused: too short, or easy to guess (zxcvbn's estimate, which
    knows the common passwords, keyboard walks and sequences); None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > 200:
        return "must be at most 200 characters"
    if zxcvbn(password[:100])["score"] < 3:
        return "is too common or too easy to guess"
    return None


def issue_token(username: str, secret: str, minutes: int) -> tuple[str, int]:
    now = datetime.now(UTC)
    claims = {"sub": username, "iat": now, "exp": now + timedelta(minutes=minutes), "typ": "access"}
    return jwt.encode(claims, secret, algorithm=ALGORITHM), minutes * 60


def read_token(token: str, secret: str) -> str | None:
    """The username a valid, unexpired token names; None for anything else."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError:
        return None
    subject = claims.get("sub")
    return subject if isinstance(subject, str) and claims.get("typ") == "access" else None


@dataclass
class LoginThrottle:
    """After ``attempts`` failures for one account within ``window``, refuse for a while."""

    attempts: int = 5
    window: float = 15 * 60
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(self, username: str, now: float | None = None) -> int:
        """Seconds until this account may try again; 0 when it may now."""
        now = time.monotonic() if now is None else now
        with self._lock:
            failures = self._failures.get(username)
            if not failures:
                return 0
            while failures and now - failures[0] > self.window:
                failures.popleft()
            if len(failures) < self.attempts:
                return 0
            return max(int(failures[0] + self.window - now) + 1, 1)

    def failed(self, username: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._failures.setdefault(username, deque()).append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)
