"""Passwords (argon2), bearer tokens (signed JWT with an expiry), and login throttling."""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from zxcvbn import zxcvbn

from domain.errors import InvalidInput
from storage.views import Database

_hasher = PasswordHash.recommended()  # argon2id
ALGORITHM = "HS256"


def use_test_hashing() -> None:
    """Cheap argon2 parameters, for the test environment only: a hash made with them
    carries them, so checking it is cheap too. Never called in production."""
    global _hasher
    _hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))
    _dummy_hash.cache_clear()


@functools.cache
def _dummy_hash() -> str:
    """Unknown and inactive accounts are checked against this, so every wrong answer costs
    the same. Made on first use, not at import: a restarted API answers sooner."""
    return _hasher.hash("a password no account has: " + secrets.token_hex(16))


MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    """Whether the password matches; with no hash, a dummy one is checked for the same time."""
    try:
        return bool(_hasher.verify(password, hashed or _dummy_hash())) and hashed is not None
    except Exception:  # an unreadable hash never matches
        return False


def new_password_hash(field: str, password: str) -> str:
    """The hash of a new password that meets the policy; a 422 naming the field otherwise."""
    problem = password_problem(password)
    if problem is not None:
        raise InvalidInput(field, problem)
    return hash_password(password)


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


@dataclass(frozen=True)
class TokenClaims:
    username: str
    issued_at: datetime
    """To the microsecond (``iat`` has whole seconds): a revocation in the same second counts."""


def issue_token(
    username: str, secret: str, minutes: int, issued_at: datetime | None = None
) -> tuple[str, int]:
    """A signed access token; ``issued_at`` (default now) is what revocations compare with,
    so a sign-in dates its token from before it read the account."""
    now = issued_at or datetime.now(UTC)
    claims = {
        "sub": username,
        "iat": now,
        "iat_us": int(now.timestamp() * 1_000_000),
        "exp": now + timedelta(minutes=minutes),
        "typ": "access",
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM), minutes * 60


def read_token(token: str, secret: str) -> TokenClaims | None:
    """What a valid, unexpired access token says; None for anything else."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "iat"]}
        )
    except jwt.PyJWTError:
        return None
    subject, micros = claims.get("sub"), claims.get("iat_us")
    if not isinstance(subject, str) or claims.get("typ") != "access":
        return None
    if not isinstance(micros, int):
        micros = int(claims["iat"]) * 1_000_000
    return TokenClaims(subject, datetime.fromtimestamp(micros / 1_000_000, UTC))


THROTTLE_DDL = (
    "CREATE TABLE IF NOT EXISTS login_attempts ("
    " key TEXT PRIMARY KEY, window_start DOUBLE PRECISION NOT NULL, failures INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS login_attempts_window ON login_attempts (window_start)",
)
_RESERVE = (
    "INSERT INTO login_attempts (key, window_start, failures) VALUES (?, ?, 1)"
    " ON CONFLICT (key) DO UPDATE SET"
    " failures = CASE WHEN login_attempts.window_start < ? THEN 1"
    " ELSE login_attempts.failures + 1 END,"
    " window_start = CASE WHEN login_attempts.window_start < ? THEN excluded.window_start"
    " ELSE login_attempts.window_start END"
    " RETURNING failures, window_start"
)


@dataclass
class LoginThrottle:
    """Sign-in attempts, counted in the store's database so every API process shares them
    and a restart keeps them.

    Each attempt is reserved before its password is checked, against two counts in a fixed
    window: this account from this address (``attempts``), and this address for any account
    (``client_attempts``, which slows password spraying). A flood from one address never
    locks the account for another. A success clears its account-and-address count and gives
    the address its attempt back; counts whose window has passed are deleted, so made-up
    usernames leave nothing behind.
    """

    database: Database
    attempts: int = 5
    window: float = 15 * 60
    client_attempts: int = 30
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        with self.database.transaction() as cursor:
            self.database.take_turns_changing_tables(cursor)
            for statement in THROTTLE_DDL:
                cursor.execute(statement)

    def reserve(self, username: str, client: str) -> int:
        """Counts this attempt; the seconds to wait when it is one too many, else 0."""
        now = self.clock()
        expired = now - self.window
        waits = []
        with self.database.transaction() as cursor:
            cursor.execute("DELETE FROM login_attempts WHERE window_start < ?", (expired,))
            for key, limit in (
                (_account_key(username, client), self.attempts),
                (_client_key(client), self.client_attempts),
            ):
                cursor.execute(_RESERVE, (key, now, expired, expired))
                failures, started = cursor.fetchone()
                if failures > limit:
                    waits.append(max(int(started + self.window - now) + 1, 1))
        return max(waits, default=0)

    def succeeded(self, username: str, client: str) -> None:
        with self.database.transaction() as cursor:
            cursor.execute(
                "DELETE FROM login_attempts WHERE key = ?", (_account_key(username, client),)
            )
            cursor.execute(
                "UPDATE login_attempts SET failures = failures - 1 WHERE key = ? AND failures > 0",
                (_client_key(client),),
            )

    def tracked(self) -> int:
        """How many counts are kept now."""
        with self.database.reading() as cursor:
            cursor.execute("SELECT COUNT(*) FROM login_attempts")
            return int(cursor.fetchone()[0])


def client_address(request: Any) -> str:
    """Who a request came from, as limits count it: the client's address (the one a trusted
    proxy forwarded, THIDUA_FORWARDED_ALLOW_IPS), and for IPv6 its /64 network, since one
    subscriber holds a whole /64 and could otherwise step round every limit."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _account_key(username: str, client: str) -> str:
    return "account:" + hashlib.sha256(f"{username}\x00{client}".encode()).hexdigest()


def _client_key(client: str) -> str:
    return f"client:{client}"


@dataclass
class RateLimit:
    """At most ``limit`` actions per ``window`` seconds from one address, counted in the
    sign-in throttle's shared table (its own keys), so every API process counts together."""

    database: Database
    name: str
    limit: int
    window: float
    clock: Callable[[], float] = time.time

    def reserve(self, client: str) -> int:
        """Counts this action; the seconds to wait when it is one too many, else 0."""
        now = self.clock()
        expired = now - self.window
        key = f"{self.name}:" + hashlib.sha256(client.encode()).hexdigest()
        with self.database.transaction() as cursor:
            cursor.execute(_RESERVE, (key, now, expired, expired))
            count, started = cursor.fetchone()
        return max(int(started + self.window - now) + 1, 1) if count > self.limit else 0
