"""Who acts, on whose behalf, and under which correlation and command id.

Every event is stamped from the current command context, so command methods need not
thread the actor through every private ``@event`` method.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain.errors import MissingContextError


class Role(StrEnum):
    UNIT_OFFICER = "unit_officer"
    DISTRICT_REVIEWER = "district_reviewer"
    PROVINCE_REVIEWER = "province_reviewer"
    INSPECTOR = "inspector"
    COUNCIL_MEMBER = "council_member"
    COUNCIL_SECRETARY = "council_secretary"
    AWARDING_AUTHORITY = "awarding_authority"
    """The chairman of a People's Committee, or the vice-chairman signing for them, scoped to
    the authority's id (docs/spec.md §12)."""
    AUDITOR = "auditor"
    ADMIN = "admin"
    SYSTEM = "system"
    PUBLIC = "public"
    """Anyone, unsigned: a citizen objecting during a public notice. No account holds it."""


@dataclass(frozen=True)
class Grant:
    """A role held within a scope: a unit code, a team id, or None for province-wide."""

    role: Role
    scope: str | None = None


@dataclass(frozen=True)
class Actor:
    account_id: str
    grants: tuple[Grant, ...] = ()

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)

    def scopes_for(self, role: Role) -> tuple[str | None, ...]:
        return tuple(g.scope for g in self.grants if g.role is role)

    def primary_role(self) -> Role:
        return self.grants[0].role if self.grants else Role.SYSTEM


SYSTEM_ACTOR = Actor("system", (Grant(Role.SYSTEM),))


@dataclass(frozen=True)
class CommandContext:
    """The circumstances of one command.

    ``command_id`` makes the command idempotent; ``today`` is the business date that
    date-dependent rules (routes, deadlines) use, never the wall clock.
    """

    actor: Actor
    command_id: str
    correlation_id: str
    today: date
    role: Role | None = None
    at: datetime | None = field(default=None, compare=False)

    @property
    def acting_role(self) -> Role:
        return self.role or self.actor.primary_role()


_current: ContextVar[CommandContext | None] = ContextVar("thidua_command_context", default=None)


@contextmanager
def acting(ctx: CommandContext) -> Iterator[CommandContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def current_context() -> CommandContext:
    ctx = _current.get()
    if ctx is None:
        raise MissingContextError("no command context: every change needs an actor")
    return ctx
