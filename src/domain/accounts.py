"""Accounts are event-sourced: registration, role changes, passwords and deactivation."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.access import require_grant
from domain.chain import ChainedAggregate
from domain.context import Grant, Role, current_context
from domain.errors import InvalidInput, StageTransitionError
from domain.text import free_text

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
ROLES_WITH_SCOPE = {Role.UNIT_OFFICER, Role.DISTRICT_REVIEWER, Role.INSPECTOR}
GRANTABLE = frozenset(Role) - {Role.SYSTEM, Role.PUBLIC}


def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFC", (username or "").strip()).lower()


def account_id(username: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/accounts/{normalise_username(username)}")


def parse_grants(raw: list[dict[str, Any]]) -> list[Grant]:
    """Validates ``[{role, scope?}]``; every error names the field."""
    if not raw:
        raise InvalidInput("roles", "an account needs at least one role")
    grants: list[Grant] = []
    for i, item in enumerate(raw):
        try:
            role = Role(str(item.get("role")))
        except ValueError:
            allowed = ", ".join(sorted(r.value for r in GRANTABLE))
            raise InvalidInput(f"roles.{i}.role", f"must be one of {allowed}") from None
        if role not in GRANTABLE:
            raise InvalidInput(f"roles.{i}.role", "cannot be granted")
        scope = item.get("scope") or None
        if role in ROLES_WITH_SCOPE and not scope:
            raise InvalidInput(f"roles.{i}.scope", f"{role.value} needs a scope")
        grants.append(Grant(role, scope))
    if len(set(grants)) != len(grants):
        raise InvalidInput("roles", "each role and scope may be given once")
    return grants


def grants_to_dicts(grants: list[Grant]) -> list[dict[str, Any]]:
    return [{"role": g.role.value, "scope": g.scope} for g in grants]


class Account(ChainedAggregate):
    @staticmethod
    def create_id(username: str) -> UUID:
        return account_id(username)

    @classmethod
    def register(
        cls,
        username: str,
        password_hash: str,
        grants: list[Grant],
        display_name: str,
        email: str | None,
    ) -> Account:
        require_grant("register an account", Role.ADMIN, also=(Role.SYSTEM,))
        name = normalise_username(username)
        if not USERNAME.match(name):
            raise InvalidInput(
                "username",
                "2–64 letters, digits, dots, dashes or underscores, from a letter or digit",
            )
        if email is not None and "@" not in email:
            raise InvalidInput("email", "is not an e-mail address")
        return cls(
            username=name,
            password_hash=password_hash,
            grants=grants_to_dicts(grants),
            display_name=free_text("display_name", display_name).strip() or name,
            email=email,
        )

    class Registered(ChainedAggregate.Created):
        username: str
        password_hash: str
        grants: list[dict[str, Any]]
        display_name: str
        email: str | None

    @event(Registered)
    def __init__(
        self,
        username: str,
        password_hash: str,
        grants: list[dict[str, Any]],
        display_name: str,
        email: str | None,
    ) -> None:
        self.username = username
        self.password_hash = password_hash
        self.grants = list(grants)
        self.display_name = display_name
        self.email = email
        self.active = True
        self.tokens_valid_after: datetime | None = None

    class Revoking(ChainedAggregate.Event):
        """An event after which the tokens issued before it sign nobody in."""

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.tokens_valid_after = self.timestamp

    def change_grants(self, grants: list[Grant]) -> None:
        require_grant("change an account's roles", Role.ADMIN)
        self._require_active()
        if grants_to_dicts(grants) != self.grants:
            self._grants_changed(grants=grants_to_dicts(grants))

    class GrantsChanged(Revoking):
        grants: list[dict[str, Any]]

    @event(GrantsChanged)
    def _grants_changed(self, grants: list[dict[str, Any]]) -> None:
        self.grants = list(grants)

    def change_password(self, password_hash: str) -> None:
        """By an admin (a reset), or by the account's own user."""
        if current_context().actor.account_id != self.username:
            require_grant("change a password", Role.ADMIN, also=(Role.SYSTEM,))
        self._require_active()
        self._password_changed(password_hash=password_hash)

    class PasswordChanged(Revoking):
        password_hash: str

    @event(PasswordChanged)
    def _password_changed(self, password_hash: str) -> None:
        self.password_hash = password_hash

    def deactivate(self, reason: str) -> None:
        require_grant("deactivate an account", Role.ADMIN)
        self._require_active()
        self._deactivated(reason=free_text("reason", reason or "").strip() or "—")

    class Deactivated(Revoking):
        reason: str

    @event(Deactivated)
    def _deactivated(self, reason: str) -> None:
        self.active = False

    def reactivate(self) -> None:
        require_grant("reactivate an account", Role.ADMIN)
        if self.active:
            return
        self._reactivated()

    class Reactivated(ChainedAggregate.Event):
        pass

    @event(Reactivated)
    def _reactivated(self) -> None:
        self.active = True

    def sign_out(self) -> None:
        """Every token issued so far stops working: the account's own user signs out."""
        if current_context().actor.account_id != self.username:
            require_grant("sign another account out", Role.ADMIN)
        self._signed_out()

    class SignedOut(Revoking):
        pass

    @event(SignedOut)
    def _signed_out(self) -> None:
        pass

    def _require_active(self) -> None:
        if not self.active:
            raise StageTransitionError(f"account {self.username} is deactivated")


def roster_id() -> UUID:
    return uuid5(NAMESPACE_URL, "/accounts")


class Roster(ChainedAggregate):
    """The list of usernames, so accounts can be listed without a read model."""

    @staticmethod
    def create_id() -> UUID:
        return roster_id()

    class Started(ChainedAggregate.Created):
        pass

    @event(Started)
    def __init__(self) -> None:
        self.usernames: list[str] = []

    def enrol(self, username: str) -> None:
        if username not in self.usernames:
            self._enrolled(username=username)

    class Enrolled(ChainedAggregate.Event):
        username: str

    @event(Enrolled)
    def _enrolled(self, username: str) -> None:
        self.usernames.append(username)
