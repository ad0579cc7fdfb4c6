"""Hash-chained aggregates: every event records the SHA-256 of its predecessor.

The digest covers a canonical JSON encoding of the event's content as it is stored: its
topic, its fields and, from version 2 on, its class version. A new event is hashed from
its fields; a loaded one from the state read from the store, before any upcast, by the
mapper in ``domain.store``. Nothing inside a stored event can change how it is hashed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.context import current_context

GENESIS = ""
"""The ``prev_hash`` of an aggregate's first event."""

LOADED_DIGEST = "_digest_as_stored"
"""Set by the mapper on every loaded event, after decoding: what its stored content hashes
to. Any key of that name read from the store is overwritten, so it cannot vouch for itself.
"""

RESERVED_PREFIX = "_"
"""No event field starts with it: a stored state holding such a key was written by hand."""


def _encode_special(value: Any) -> Any:
    """JSON for the few non-JSON types events may hold; anything else is a programming error."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        raise TypeError("sets have no canonical order: use a sorted list")
    raise TypeError(f"cannot encode {type(value).__name__} canonically")


# Enums are str or int subclasses and encode as their values; tuples encode as lists,
# which is how they come back from the store.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_encode_special
)


def event_digest(topic: str, state: Mapping[str, Any]) -> str:
    """SHA-256 over a topic and a state exactly as stored (with id, version and, when
    above 1, ``class_version``): every key counts, none is skipped."""
    body = _CANONICAL.encode({"topic": topic, "state": state})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class DigestWhenAsked:
    """The digest of an event's state as stored, computed the first time it is read: a
    reader that never asks (a view other than the audit trail) does not pay for it."""

    __slots__ = ("_state", "_topic", "_value")

    def __init__(self, topic: str, state: Mapping[str, Any]) -> None:
        self._topic = topic
        self._state = state
        self._value: str | None = None

    def __str__(self) -> str:
        if self._value is None:
            self._value = event_digest(self._topic, self._state)
        return self._value


def occurred_at(event: object) -> datetime:
    """When a stored event happened: the library's protocol type does not say it has a time."""
    timestamp = getattr(event, "timestamp", None)
    if not isinstance(timestamp, datetime):
        raise TypeError(f"{type(event).__name__} has no timestamp")
    return timestamp


def digest_of(event: object) -> str:
    """The digest of an event: as loaded (set by the mapper), or of a new event's fields."""
    state = vars(event)
    loaded = state.get(LOADED_DIGEST)
    if loaded is not None:
        return str(loaded)
    cls = type(event)
    content = dict(state)
    class_version = getattr(cls, "class_version", 1)
    if class_version > 1:
        content["class_version"] = class_version  # as the mapper stores it
    return event_digest(f"{cls.__module__}:{cls.__qualname__}", content)


class ChainedAggregate(Aggregate):
    """Base aggregate whose events carry who, why and the previous event's hash.

    It also remembers the command ids it has handled, so a repeated command is a no-op.
    """

    # Events recorded before the context fields existed have no way to be re-stamped;
    # every event class below declares them, so a missing one fails at construction.
    class Event(Aggregate.Event):
        prev_hash: str
        actor_id: str
        actor_role: str
        correlation_id: str
        command_id: str

        def _made(self) -> dict[str, str]:
            """Who recorded this event and when, for state that shows them beside it."""
            return {
                "by": self.actor_id,
                "role": self.actor_role,
                "at": self.timestamp.isoformat(),
            }

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.chain_head = digest_of(self)
            aggregate.handled_commands[self.command_id] = self.originator_version

    class Created(Event, Aggregate.Created):
        pass

    chain_head: str
    handled_commands: dict[str, int]
    CONTEXT_FIELDS: ClassVar[tuple[str, ...]] = (
        "prev_hash",
        "actor_id",
        "actor_role",
        "correlation_id",
        "command_id",
    )

    @staticmethod
    def _stamp() -> dict[str, str]:
        ctx = current_context()
        return {
            "actor_id": ctx.actor.account_id,
            "actor_role": ctx.acting_role.value,
            "correlation_id": ctx.correlation_id,
            "command_id": ctx.command_id,
        }

    @classmethod
    def _create(cls, event_class: Any, *, id: Any = None, **kwargs: Any) -> Any:
        # The aggregate's state holders exist before the first event is applied.
        kwargs.update(cls._stamp(), prev_hash=GENESIS)
        return super()._create(event_class, id=id, **kwargs)

    def __base_init__(self, originator_id: Any, originator_version: int, timestamp: Any) -> None:
        super().__base_init__(originator_id, originator_version, timestamp)
        self.chain_head = GENESIS
        self.handled_commands = {}

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        kwargs.update(self._stamp(), prev_hash=self.chain_head)
        super().trigger_event(event_class, **kwargs)

    def has_handled(self, command_id: str) -> bool:
        return command_id in self.handled_commands
