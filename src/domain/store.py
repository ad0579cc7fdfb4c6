"""How chained events come out of the store: hashed as stored, and snapshots checked.

The mapper hashes each event's state exactly as read from the store, before any upcast,
and hands that digest to the event; the repository refuses a snapshot whose chain head is
not the digest of the event at its version, or that carries no proof the product wrote it
(an HMAC under a key kept outside the database: anyone who can read the store can compute
a chain head, so the head alone proves nothing), and rebuilds the aggregate from events.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import chain
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import (
    ApplicationRecorder,
    Mapper,
    MapperDeserialisationError,
    Notification,
    StoredEvent,
    find_id_convertor,
)
from eventsourcing.utils import get_topic, resolve_topic

from domain.chain import (
    LOADED_DIGEST,
    RESERVED_PREFIX,
    ChainedAggregate,
    DigestWhenAsked,
    digest_of,
    event_digest,
)
from domain.writers import WRITER_SIGNATURE, WriterKey

log = logging.getLogger(__name__)


def log_pages(
    recorder: ApplicationRecorder,
    *,
    upto: int,
    after: int = 0,
    page_size: int = 1000,
    topics: Sequence[str] = (),
) -> Iterator[Sequence[Notification]]:
    """The notification log after ``after`` up to ``upto``, in log order, a page at a time:
    the one paging loop every reader of the whole log shares."""
    position = after
    while position < upto:
        page = recorder.select_notifications(
            start=position, limit=page_size, stop=upto, topics=topics, inclusive_of_start=False
        )
        if not page:
            return
        yield page
        position = page[-1].id


def stored_digest(mapper: ChainMapper, notification: StoredEvent) -> str:
    """An event's digest as its stored content hashes now; a row that cannot be decoded
    (a changed row may not even be bytes any more) hashes as whatever it holds."""
    try:
        return mapper.stored_content(notification).digest
    except Exception:
        raw = notification.state
        data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "replace")
        return "unreadable:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class StoredContent:
    """An event's state as it is stored (with its id, version and class version), hashed."""

    topic: str
    state: dict[str, Any]
    writer: str | None = None
    """The writer signature stored beside the state, outside what the digest covers."""

    @cached_property
    def digest(self) -> str:
        # Only when asked: a snapshot's state holds values no event may, and is never hashed.
        return event_digest(self.topic, self.state)

    @property
    def reserved_keys(self) -> list[str]:
        return sorted(k for k in self.state if k.startswith(RESERVED_PREFIX))


class ChainMapper(Mapper[UUID]):
    """The library's mapper, hashing every chained event from its stored state, and
    signing every chained event it stores with the writer key when it has one."""

    writer: WriterKey | None = None

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        writer = self.writer
        if writer is None or not isinstance(domain_event, ChainedAggregate.Event):
            return super().to_stored_event(domain_event)
        # The library's own steps, with the signature added to what is encoded: the digest
        # is of the state without it (as stored_content reads it back).
        event_state = dict(vars(domain_event))
        signature = writer.sign(digest_of(domain_event))
        originator_id = event_state.pop("originator_id")
        originator_version = event_state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            event_state["class_version"] = class_version
        event_state[WRITER_SIGNATURE] = signature
        stored_state = self.transcoder.encode(event_state)
        if self.compressor:
            stored_state = self.compressor.compress(stored_state)
        if self.cipher:
            stored_state = self.cipher.encrypt(stored_state)
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(type(domain_event)),
            state=stored_state,
        )

    def stored_content(self, stored_event: StoredEvent) -> StoredContent:
        data = stored_event.state
        try:
            if self.cipher:
                data = self.cipher.decrypt(data)
            if self.compressor:
                data = self.compressor.decompress(data)
            state: dict[str, Any] = self.transcoder.decode(data)
            if not isinstance(state, dict):
                raise TypeError(f"the state is a {type(state).__name__}, not an object")
        except Exception as error:
            raise MapperDeserialisationError(
                f"cannot decode {stored_event.topic} {stored_event.originator_id}"
                f" v{stored_event.originator_version}: {error}"
            ) from error
        cls = resolve_topic(stored_event.topic)
        convert = find_id_convertor(cls, cast(Hashable, type(stored_event.originator_id)))
        state["originator_id"] = convert(stored_event.originator_id)
        state["originator_version"] = stored_event.originator_version
        writer = state.pop(WRITER_SIGNATURE, None)
        return StoredContent(
            stored_event.topic, state, writer if isinstance(writer, str) or writer is None else ""
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        return self.event_from(self.stored_content(stored_event))

    def to_read_only_event(self, stored_event: StoredEvent) -> Any:
        """The domain event for a reader that never changes it (a projection): its digest
        is computed only if asked for, from its state as stored."""
        return self.event_from(self.stored_content(stored_event), digest_when_asked=True)

    def event_from(self, content: StoredContent, *, digest_when_asked: bool = False) -> Any:
        """The domain event of content already decoded and hashed, upcasts applied."""
        cls = resolve_topic(content.topic)
        state = dict(content.state)
        target = getattr(cls, "class_version", 1)
        version = state.pop("class_version", 1)
        upcast = version < target
        while version < target:
            getattr(cls, f"upcast_v{version}_v{version + 1}")(state)
            version += 1
        if issubclass(cls, ChainedAggregate.Event):
            # After decoding: the store cannot set it. Hashed later only when nothing can
            # have touched the stored state meanwhile: no upcast ran and nothing changes it.
            state[LOADED_DIGEST] = (
                DigestWhenAsked(content.topic, content.state)
                if digest_when_asked and not upcast
                else content.digest
            )
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event


SNAPSHOT_PROOF = "snapshot_proof"
"""The key, in a snapshot's state, of the HMAC that proves the product wrote it."""


def unproved_state(snapshot: Any) -> dict[str, Any]:
    """A snapshot's state without its proof: the aggregate's state, and what the proof signs."""
    return {k: v for k, v in cast(Snapshot, snapshot).state.items() if k != SNAPSHOT_PROOF}


def _snapshot_message(snapshot: Any) -> bytes:
    state = unproved_state(snapshot)
    whole = [snapshot.topic, str(snapshot.originator_id), snapshot.originator_version, state]
    return json.dumps(whole, sort_keys=True, default=str, ensure_ascii=False).encode()


def snapshot_proof(key: bytes, snapshot: Any) -> str:
    """HMAC-SHA256 over the snapshot's topic, aggregate, version and state."""
    return hmac.new(key, _snapshot_message(snapshot), hashlib.sha256).hexdigest()


def signed_snapshot(key: bytes, aggregate: Any) -> Snapshot:
    """A snapshot of ``aggregate`` carrying the proof that this product took it."""
    snapshot = Snapshot.take(aggregate)
    snapshot.state[SNAPSHOT_PROOF] = snapshot_proof(key, snapshot)
    return snapshot


class ForgedSnapshot(Exception):
    def __init__(self, aggregate_id: UUID, version: int, reason: str) -> None:
        super().__init__(f"snapshot of {aggregate_id} at version {version}: {reason}")
        self.aggregate_id = aggregate_id
        self.version = version
        self.reason = reason


def check_snapshot(snapshot: Any, event_at_version: Any | None, key: bytes | None) -> None:
    """Raises ForgedSnapshot unless the snapshot carries a valid proof under ``key`` (no key:
    no snapshot is trusted) and its chain head is the digest of the event at its version
    (``None`` when the store has no such event)."""
    version = snapshot.originator_version
    proof = cast(Snapshot, snapshot).state.get(SNAPSHOT_PROOF)
    if key is None or not isinstance(proof, str):
        raise ForgedSnapshot(
            snapshot.originator_id, version, "it carries no proof that the product wrote it"
        )
    if not hmac.compare_digest(proof, snapshot_proof(key, snapshot)):
        raise ForgedSnapshot(
            snapshot.originator_id,
            version,
            "its proof does not match: the product did not write it",
        )
    if event_at_version is None or event_at_version.originator_version != version:
        raise ForgedSnapshot(snapshot.originator_id, version, "no event at its version")
    if cast(Snapshot, snapshot).state.get("chain_head") != digest_of(event_at_version):
        raise ForgedSnapshot(
            snapshot.originator_id,
            version,
            "its chain head is not the digest of the event at its version",
        )


class CheckedRepository(Repository[UUID]):
    """Uses a snapshot only when the product's key proves it wrote it and its chain head is
    the digest of the event at its version."""

    snapshot_key: bytes | None = None

    def event_at(self, aggregate_id: UUID, version: int) -> Any | None:
        found = list(self.event_store.get(aggregate_id, gt=version - 1, lte=version, limit=1))
        return found[0] if found else None

    def _reconstruct_aggregate(
        self, aggregate_id: UUID, version: int | None, projector_func: Any
    ) -> Any:
        snapshots: list[Any] = []
        if self.snapshot_store is not None and self.snapshot_key is not None:
            snapshots = list(self.snapshot_store.get(aggregate_id, desc=True, limit=1, lte=version))
        if not snapshots:
            events = list(self.event_store.get(aggregate_id, lte=version))
        else:
            # One read serves both: the event at the snapshot's version checks it, the rest
            # replay on top of it.
            at = snapshots[0].originator_version
            events = list(self.event_store.get(aggregate_id, gt=at - 1, lte=version))
            try:
                check_snapshot(snapshots[0], events[0] if events else None, self.snapshot_key)
                events = events[1:]
                # The proof is no part of the aggregate.
                snapshots = [replace(snapshots[0], state=unproved_state(snapshots[0]))]
            except ForgedSnapshot as refused:
                log.error("snapshot.refused: %s; rebuilt from events", refused)
                snapshots = []
                events = list(self.event_store.get(aggregate_id, lte=version))
        aggregate = projector_func(None, chain(snapshots, events))
        if aggregate is None:
            raise AggregateNotFoundError(f"aggregate {aggregate_id} version {version} not found")
        return aggregate
