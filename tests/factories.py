"""Builders for tests: actors, command contexts, statistics and unique ids."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any
from uuid import uuid4

from domain.calendar import VIETNAM
from domain.context import Actor, CommandContext, Grant, Role, acting

TODAY = date(2024, 1, 10)


def actor(role: Role, scope: str | None = None, account: str | None = None) -> Actor:
    return Actor(account or f"{role.value}-{uuid4().hex[:6]}", (Grant(role, scope),))


def chairman(authority: str = "ubnd-tinh-ben-tre") -> Actor:
    return actor(Role.AWARDING_AUTHORITY, authority, f"chairman-{authority}")


def officer(scope: str = "83") -> Actor:
    return actor(Role.UNIT_OFFICER, scope, f"officer-{scope}")


def district_reviewer(district: str) -> Actor:
    return actor(Role.DISTRICT_REVIEWER, district, f"district-{district}")


PROVINCE = Actor("province-reviewer", (Grant(Role.PROVINCE_REVIEWER),))
SECRETARY = Actor("secretary", (Grant(Role.COUNCIL_SECRETARY),))
SYSTEM = Actor("system", (Grant(Role.SYSTEM),))
ADMIN = Actor("admin", (Grant(Role.ADMIN),))


def inspector(team: str = "team-1", account: str = "inspector-1") -> Actor:
    return actor(Role.INSPECTOR, team, account)


def member(account: str) -> Actor:
    return Actor(account, (Grant(Role.COUNCIL_MEMBER),))


def ctx(
    who: Actor, today: date = TODAY, command_id: str | None = None, correlation: str = "test"
) -> CommandContext:
    return CommandContext(
        actor=who,
        command_id=command_id or uuid4().hex,
        correlation_id=correlation,
        today=today,
        at=datetime.combine(today, time(9), VIETNAM),
    )


@contextmanager
def as_(who: Actor, today: date = TODAY) -> Iterator[CommandContext]:
    with acting(ctx(who, today)) as c:
        yield c


def stats(total: int, poor: int, near: int | None = None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"total_households": total, "poor_households": poor}
    if near is not None:
        data["near_poor_households"] = near
    data.update(extra)
    return data
