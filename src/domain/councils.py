"""The register of Emulation and Commendation Councils as constituted (docs/spec.md §12).

A council is constituted by a decision of its People's Committee's chairman (Law 06/2022/QH15
art. 79 for who sits on it), and recomposed by later decisions. The register keeps each
composition with the decision that made it and the day it took effect, so a session's
members, and the base its quorum is counted on, are those in office on the session's date.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.access import require_grant
from domain.chain import ChainedAggregate
from domain.context import Role
from domain.errors import InvalidInput
from domain.text import bounded_text

LEVELS = ("province", "district")


def council_id(level: str, scope: str | None) -> UUID:
    """One register per council: the province's, or a district's (by its code)."""
    return uuid5(NAMESPACE_URL, f"/councils/{level}/{scope or '-'}")


def composition(
    decision_number: str, decision_date: date, chair: str, members: list[str], valid_from: date
) -> dict[str, Any]:
    """A composition as the register keeps it, checked: a decision, a chair among the
    members, each member once."""
    names = [bounded_text("members", m, limit=100) for m in members]
    if not names:
        raise InvalidInput("members", "name at least one member")
    if len(set(names)) != len(names):
        raise InvalidInput("members", "names a member twice")
    if chair not in names:
        raise InvalidInput("chair", "must be one of the members")
    if valid_from < decision_date:
        raise InvalidInput("valid_from", "cannot be before the decision that constitutes it")
    return {
        "decision_number": bounded_text("decision_number", decision_number, limit=100),
        "decision_date": decision_date.isoformat(),
        "chair": chair,
        "members": names,
        "valid_from": valid_from.isoformat(),
    }


class Council(ChainedAggregate):
    @staticmethod
    def create_id(level: str, scope: str | None, **_: Any) -> UUID:
        return council_id(level, scope)

    @classmethod
    def constitute(cls, level: str, scope: str | None, terms: dict[str, Any]) -> Council:
        require_grant("register a council", Role.ADMIN, also=(Role.COUNCIL_SECRETARY,))
        if level not in LEVELS:
            raise InvalidInput("level", f"must be one of {', '.join(LEVELS)}")
        if (level == "district") != bool(scope):
            raise InvalidInput("scope", "a district's council names its district; none else")
        return cls(level=level, scope=scope, terms=terms)

    class Constituted(ChainedAggregate.Created):
        level: str
        scope: str | None
        terms: dict[str, Any]

    @event(Constituted)
    def __init__(self, level: str, scope: str | None, terms: dict[str, Any]) -> None:
        self.level = level
        self.scope = scope
        self.compositions: list[dict[str, Any]] = [dict(terms)]

    def recompose(self, terms: dict[str, Any]) -> None:
        """A later decision changes the chair or the members from its day on."""
        require_grant("change a council", Role.ADMIN, also=(Role.COUNCIL_SECRETARY,))
        last = self.compositions[-1]
        if terms["valid_from"] <= last["valid_from"]:
            raise InvalidInput(
                "valid_from", f"must be after {last['valid_from']}, when the last one took effect"
            )
        self._recomposed(terms=terms)

    class Recomposed(ChainedAggregate.Event):
        terms: dict[str, Any]

    @event(Recomposed)
    def _recomposed(self, terms: dict[str, Any]) -> None:
        self.compositions.append(dict(terms))

    def on(self, day: date) -> dict[str, Any] | None:
        """The composition in office on ``day``; None before the first took effect."""
        found = None
        for terms in self.compositions:
            if date.fromisoformat(terms["valid_from"]) <= day:
                found = terms
        return found
