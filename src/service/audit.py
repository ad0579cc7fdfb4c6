"""What auditors ask of the store: every chain and snapshot verified from the stored
events, raw history with digests, and re-evaluation under another rule set."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Snapshot

from domain.chain import GENESIS, digest_of
from domain.criteria.rules import Basis
from domain.criteria.ruleset import RuleSet
from domain.merkle import StreamingRoot, log_entry
from domain.store import (
    ChainMapper,
    CheckedRepository,
    ForgedSnapshot,
    check_snapshot,
    log_pages,
    unproved_state,
)
from domain.summaries import RecordedEvent, WhatIf
from domain.writers import Keyring, KeyringError
from service.application import NOMINATION
from service.lookups import Lookups
from service.usecases.writers import Certified, read_keyring


class BreakKind(StrEnum):
    """What broke, as a stable code a reader can translate; ``reason`` says it in prose."""

    UNREADABLE = "unreadable"
    VERSION_MISSING = "version_missing"
    SUCCESSOR_DISAGREES = "successor_disagrees"
    CHANGED_SINCE_RECORDED = "changed_since_recorded"
    DELETED_SINCE_RECORDED = "deleted_since_recorded"
    FORGED_FIELD = "forged_field"
    FORGED_SNAPSHOT = "forged_snapshot"
    OUTSIDE_LOG = "outside_log"
    WRITER_KEY = "writer_key"
    WRITER_SIGNATURE = "writer_signature"
    BEFORE_SIGNING_CHANGED = "before_signing_changed"


@dataclass(frozen=True)
class BrokenLink:
    aggregate_id: str
    version: int
    kind: BreakKind
    reason: str


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked_events: int
    aggregates: int
    first_broken: BrokenLink | None = None


RecordedDigest = tuple[int, str, int, str]
"""An event's log position, aggregate id, version and digest, as an independent copy saw it."""


def verify_store(
    app: Application[Any],
    recorded_digests: Iterable[RecordedDigest] | None = None,
    *,
    page_size: int = 500,
    progress: Callable[[int, int], None] | None = None,
    certified: Certified | None = None,
) -> VerifyReport:
    """Reads the whole log once and names the first broken link, in log order.

    A changed event no longer hashes to what its successor recorded; a deleted one leaves
    a gap in its aggregate's versions. ``recorded_digests`` — each event's digest as an
    independent copy (the audit trail's) saw it, in log order — also catches a change to an
    aggregate's last event, and an event deleted. Both are read as streams, side by side,
    so memory stays flat however long the log: it holds one digest per aggregate.

    With ``certified`` (whether a signature is the audit key's), every event must also
    carry a valid writer signature from a key the keyring certified for its position, or
    lie at or below the statement made when signing began, whose root must still hold.
    """
    copy = iter(recorded_digests if recorded_digests is not None else ())
    try:
        return _verify(app, copy, page_size, progress, certified)
    finally:
        close = getattr(copy, "close", None)
        if close is not None:
            close()  # a stream that ended early gives back its connection now


def _verify(
    app: Application[Any],
    copy: Iterator[RecordedDigest],
    page_size: int,
    progress: Callable[[int, int], None] | None,
    certified: Certified | None,
) -> VerifyReport:
    heads: dict[str, tuple[int, str]] = {}
    checked = 0
    seen: RecordedDigest | None = next(copy, None)
    mapper = app.mapper
    if not isinstance(mapper, ChainMapper):
        raise TypeError("verification needs the chain mapper of domain.store")
    head = app.recorder.max_notification_id() or 0
    # Every row of the events table, not only the log's: a row with an id of 0 or below
    # would be loaded into its aggregate though no reader of the log ever sees it.
    count_outside = getattr(app.recorder, "rows_outside_log", None)
    outside = count_outside() if count_outside is not None else 0
    if outside:
        return VerifyReport(
            ok=False,
            checked_events=0,
            aggregates=0,
            first_broken=BrokenLink(
                "",
                0,
                BreakKind.OUTSIDE_LOG,
                f"{outside} row(s) of the events table have no place in the notification log",
            ),
        )
    keyring: Keyring | None = None
    before_signing = StreamingRoot()
    if certified is not None:
        try:
            keyring = read_keyring(app, head, certified)
        except KeyringError as error:
            return VerifyReport(
                False, 0, 0, BrokenLink("", error.position, BreakKind.WRITER_KEY, error.reason)
            )
    for notifications in log_pages(app.recorder, upto=head, page_size=page_size):
        for notification in notifications:
            try:
                digest = _checked_digest(mapper, notification, heads, seen, keyring)
            except _Broken as broken:
                return _broken(checked, heads, *broken.problem)
            aggregate_id = str(notification.originator_id)
            version = notification.originator_version
            if seen is not None and seen[0] == notification.id:
                seen = next(copy, None)
            if keyring is not None and notification.id <= keyring.began_upto:
                before_signing.add(log_entry(notification.id, aggregate_id, version, digest))
            heads[aggregate_id] = (version, digest)
            checked += 1
        if progress is not None:
            progress(notifications[-1].id, head)
    if seen is not None and seen[0] <= head:
        return _broken(checked, heads, *_deleted(seen))
    if (
        keyring is not None
        and keyring.began_at is not None
        and before_signing.root() != keyring.began_root
    ):
        return _broken(
            checked,
            heads,
            "",
            keyring.began_upto,
            BreakKind.BEFORE_SIGNING_CHANGED,
            f"the log up to position {keyring.began_upto}, written before signing began,"
            " no longer has the root its signed statement names",
        )
    forged = _first_forged_snapshot(app, heads)
    if forged is not None:
        return _broken(checked, heads, *forged)
    return VerifyReport(True, checked, len(heads))


Problem = tuple[str, int, BreakKind, str]
"""The aggregate, the version, what kind of break, and why."""


class _Broken(Exception):
    def __init__(self, aggregate_id: str, version: int, kind: BreakKind, reason: str) -> None:
        super().__init__(reason)
        self.problem: Problem = (aggregate_id, version, kind, reason)


def _deleted(seen: RecordedDigest) -> Problem:
    missing = "missing: the audit trail recorded it, the store no longer has it"
    return seen[1], seen[2], BreakKind.DELETED_SINCE_RECORDED, missing


def _checked_digest(
    mapper: ChainMapper,
    notification: Any,
    heads: Mapping[str, tuple[int, str]],
    seen: RecordedDigest | None,
    keyring: Keyring | None,
) -> str:
    """The event's digest once it is proved in its place, or ``_Broken`` naming the first
    problem: a copy's event missing before it, unreadable, a forged field, a gap in its
    aggregate's versions, a predecessor changed, a change since the copy saw it, and last
    (a changed event is better named by what changed) its writer's signature."""
    aggregate_id = str(notification.originator_id)
    version = notification.originator_version
    if seen is not None and seen[0] < notification.id:
        raise _Broken(*_deleted(seen))
    try:
        content = mapper.stored_content(notification)
        mapper.event_from(content)  # it must also load, upcasts included
    except Exception as error:  # any row that cannot be read is a broken link
        reason = f"cannot be read: {error}"
        raise _Broken(aggregate_id, version, BreakKind.UNREADABLE, reason) from None
    if content.reserved_keys:
        which = ", ".join(content.reserved_keys)
        raise _Broken(
            aggregate_id, version, BreakKind.FORGED_FIELD, f"holds {which}, which no event records"
        )
    digest = content.digest
    last_version, last_digest = heads.get(aggregate_id, (0, GENESIS))
    if version != last_version + 1:
        missing = last_version + 1
        raise _Broken(
            aggregate_id, missing, BreakKind.VERSION_MISSING, f"version {missing} is missing"
        )
    if content.state.get("prev_hash") != last_digest:
        raise _Broken(
            aggregate_id,
            last_version,
            BreakKind.SUCCESSOR_DISAGREES,
            f"changed: version {version} recorded another hash of it",
        )
    if (
        seen is not None
        and seen[0] == notification.id
        and seen[1:]
        != (
            aggregate_id,
            version,
            digest,
        )
    ):
        raise _Broken(
            aggregate_id,
            version,
            BreakKind.CHANGED_SINCE_RECORDED,
            "changed since the audit trail recorded it",
        )
    unproved = keyring.problem(notification.id, digest, content.writer) if keyring else None
    if unproved is not None:
        raise _Broken(
            aggregate_id,
            version,
            BreakKind.WRITER_SIGNATURE,
            f"position {notification.id} {unproved}",
        )
    return digest


def _first_forged_snapshot(
    app: Application[Any], heads: Mapping[str, tuple[int, str]]
) -> Problem | None:
    """Every snapshot must be the state its events give at its version, head included."""
    if app.snapshots is None:
        return None
    key = getattr(app, "snapshot_key", None)
    checker = CheckedRepository(app.events)
    # Every aggregate of every type, whatever its version: a snapshot planted below the
    # snapshotting interval, or for a type never snapshotted (accounts), is found too.
    for aggregate_id in sorted(heads):
        for snapshot in app.snapshots.get(UUID(aggregate_id)):
            at = snapshot.originator_version
            try:
                check_snapshot(snapshot, checker.event_at(UUID(aggregate_id), at), key)
            except ForgedSnapshot as refused:
                return aggregate_id, at, BreakKind.FORGED_SNAPSHOT, refused.reason
            replayed = Snapshot.take(checker.get(UUID(aggregate_id), version=at))
            if _canonical(replayed.state) != _canonical(unproved_state(snapshot)):
                return (
                    aggregate_id,
                    at,
                    BreakKind.FORGED_SNAPSHOT,
                    "its state is not what the events give at its version",
                )
    return None


def _canonical(state: Mapping[str, Any]) -> str:
    return json.dumps(state, sort_keys=True, default=str, ensure_ascii=False)


def _broken(
    checked: int,
    heads: dict[str, tuple[int, str]],
    aggregate_id: str,
    version: int,
    kind: BreakKind,
    reason: str,
) -> VerifyReport:
    link = BrokenLink(aggregate_id, version, kind, reason)
    return VerifyReport(False, checked, len(heads), link)


class AuditQueries(Lookups):
    """What auditors ask of the log: raw history with digests, and re-evaluation under
    another rule set, which writes nothing."""

    def history(self, aggregate_id: UUID) -> Iterator[RecordedEvent]:
        """The raw history of any aggregate, with each event's digest."""
        for stored in self.events.get(aggregate_id):
            state = dict(vars(stored))
            yield RecordedEvent(
                aggregate_id=stored.originator_id,
                version=stored.originator_version,
                topic=f"{type(stored).__module__}:{type(stored).__qualname__}",
                timestamp=state.pop("timestamp"),
                actor_id=state.pop("actor_id"),
                actor_role=state.pop("actor_role"),
                correlation_id=state.pop("correlation_id"),
                command_id=state.pop("command_id"),
                prev_hash=state.pop("prev_hash"),
                digest=digest_of(stored),
                payload={
                    k: v
                    for k, v in state.items()
                    if k not in ("originator_id", "originator_version") and not k.startswith("_")
                },
            )

    def what_if(self, nids: Sequence[UUID], rule_set: RuleSet) -> list[WhatIf]:
        """Each nomination's automatic checks re-run under ``rule_set``; writes nothing.

        Both the declared and any inspection-verified figures are re-evaluated; rows pair
        the check in force with its counterpart under the other rule set.
        """
        rows: list[WhatIf] = []
        for nid in nids:
            n = self._load(NOMINATION, nid)
            years = (n.evaluation_years[0], n.evaluation_years[1])
            current = {(c["criterion_id"], c["basis"]): c for c in n.checks}
            bases = [(Basis.DECLARED, n.declared())]
            if n.official_statistics:
                bases.append((Basis.OFFICIAL, n.figures_with(n.official())[0]))
            if n.verified_statistics:
                bases.append((Basis.INSPECTION_VERIFIED, n.verified()))
            for basis, figures in bases:
                for result in rule_set.evaluate(n.unit, years, figures, basis):
                    if result.kind != "automatic":
                        continue
                    now = current.get((result.criterion_id, basis.value))
                    rows.append(
                        WhatIf(
                            nomination_id=n.id,
                            unit_code=n.unit.code,
                            criterion_id=result.criterion_id,
                            basis=basis.value,
                            current_outcome=now["outcome"] if now else None,
                            current_rule_set=now["rule_set"] if now else None,
                            what_if_outcome=result.outcome.outcome.value,
                            what_if_rule_set=rule_set.ref.to_dict(),
                            explanation=result.outcome.explanation.en,
                        )
                    )
        return rows
