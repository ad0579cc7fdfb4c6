"""The application's base: the store, the mapper, snapshots, rule sets and the one place that
touches the library's internals (load, cache, commit, retry on conflict)."""

from __future__ import annotations

import contextlib
import copy
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, cast
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    Repository,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    JSONTranscoder,
    Mapper,
    RecordConflictError,
)
from eventsourcing.utils import Environment, EnvType

from domain.accounts import (
    Account,
)
from domain.calendar import WorkingCalendar
from domain.chain import ChainedAggregate
from domain.context import CommandContext, acting
from domain.council import CouncilSession
from domain.criteria.checks import RuleSetRef
from domain.criteria.loader import load_rule_set
from domain.criteria.ruleset import RuleSet
from domain.cycles import Cycle
from domain.errors import (
    AlreadyExists,
    ConcurrentWriteError,
    DomainError,
    InvalidInput,
    NominationNotFound,
    NotFound,
    SessionNotFound,
    VisitNotFound,
)
from domain.holds import CommendationHolds
from domain.inspection import InspectionVisit
from domain.nomination import Nomination
from domain.store import ChainMapper, CheckedRepository, signed_snapshot
from domain.summaries import (
    CommandResult,
)
from domain.transcodings import TRANSCODINGS
from domain.units import UnitCatalogue, UnitRegistry
from domain.writers import WriterKey

A = TypeVar("A", bound=ChainedAggregate)

BULK_SAVE_BYTES = 1_000_000
"""The most a bulk save writes at once: one very large save stalls the PostgreSQL driver."""


class _Bulk:
    """Events of commands run in a ``bulk()`` block, waiting to be saved together."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.pending: ProcessingEvent[UUID] = ProcessingEvent()
        self.bytes = 0
        self.saves = 0


@dataclass(frozen=True)
class Kind(Generic[A]):
    """An aggregate class and the error that says one of its ids is unknown."""

    cls: type[A]
    missing: Callable[[UUID], NotFound]


NOMINATION = Kind(Nomination, NominationNotFound)
SESSION = Kind(CouncilSession, SessionNotFound)
VISIT = Kind(InspectionVisit, VisitNotFound)
CYCLE = Kind(Cycle, lambda year_id: NotFound(f"cycle {year_id} is not configured"))
ACCOUNT = Kind(Account, lambda aid: NotFound(f"account {aid} does not exist"))
HOLDS = Kind(CommendationHolds, lambda hid: NotFound(f"no hold was ever placed ({hid})"))


class ServiceBase(Application[UUID]):
    """Plumbing every use case shares; the use cases live in ``service.usecases``."""

    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        Nomination: 200,
        CouncilSession: 200,
        UnitCatalogue: 500,
    }

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        units: UnitRegistry,
        calendar: WorkingCalendar | None = None,
        default_rule_set: tuple[str, int] = ("ben-tre-vi-nguoi-ngheo-2021-2025", 6),
        snapshot_key: bytes | None = None,
        writer_key: WriterKey | None = None,
        document_key: bytes | None = None,
        ballot_key: bytes | None = None,
    ) -> None:
        # Proves the snapshots this product wrote: kept outside the database (beside the
        # audit key). Without one, this instance's own: its snapshots serve only itself.
        self.snapshot_key = snapshot_key or os.urandom(32)
        # Signs every event this instance records (domain.writers). Without one, this
        # instance's own, which no keyring holds until it is registered.
        self.writer_key = writer_key or WriterKey.generate()
        # Makes documents' ids (domain.documents): kept outside the database, so reading
        # the store is not enough to mint one. Without one, this instance's own.
        self.document_key = document_key or os.urandom(32)
        # Seals secret ballots (service.ballots): kept outside the database, so neither its
        # role nor a backup's reader can join a member to a choice. Without one, this
        # instance's own: its open sessions close only here.
        self.ballot_key = ballot_key or os.urandom(32)
        self.units = UnitRegistry(units)  # its own copy: registered units are added to it
        self.calendar = calendar or WorkingCalendar()
        self._rule_sets: dict[tuple[str, int], RuleSet] = {}
        self.default_rule_set = self.rule_set(*default_rule_set)
        self._locks: dict[UUID, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        super().__init__(env)
        cast(ChainMapper, self.mapper).writer = self.writer_key
        # Reads and secondary loads never touch the command cache's objects.
        self._store_reader: Repository[UUID] = CheckedRepository(
            self.events, snapshot_store=self.snapshots
        )
        # The unit catalogue, kept and caught up on each look (see _load_registered_units).
        self._catalogue_reader: Repository[UUID] = CheckedRepository(
            self.events, snapshot_store=self.snapshots, cache_maxsize=1, fastforward=True
        )
        self._units_guard = threading.Lock()
        self._units_seen = 0
        # Every request reads its caller's account: keep accounts, catching up on each read.
        self._account_reader: Repository[UUID] = CheckedRepository(
            self.events, snapshot_store=self.snapshots, cache_maxsize=10_000, fastforward=True
        )
        self._bulk_of_thread = threading.local()
        for reader in (
            self.repository,
            self._store_reader,
            self._catalogue_reader,
            self._account_reader,
        ):
            if isinstance(reader, CheckedRepository):
                reader.snapshot_key = self.snapshot_key

    # The environment comes from settings alone, never from stray process variables.
    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        values = dict(type(self).env)
        if type(self).is_snapshotting_enabled or type(self).snapshotting_intervals:
            values["IS_SNAPSHOTTING_ENABLED"] = "y"
        values.update(env or {})
        # Commands trust their cached aggregate and let a version conflict reveal that it
        # is behind (see _execute); reads go to the store. No per-command catch-up query.
        values["AGGREGATE_CACHE_FASTFORWARD"] = "n"
        return Environment(name, values)

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        # An aggregate just saved is exactly the stored state at its version: when its new
        # events crossed a multiple of its interval, snapshot it as it is now, rather than
        # reloading it from the store at that multiple.
        if self.snapshots is None:
            return
        crossed: dict[UUID, Any] = {}
        for event in processing_event.events:
            aggregate = processing_event.aggregates.get(event.originator_id)
            if aggregate is None or aggregate.version < event.originator_version:
                continue
            interval = self.snapshotting_intervals.get(type(aggregate))
            if interval and event.originator_version % interval == 0:
                crossed[aggregate.id] = aggregate
        if crossed:
            key = self.snapshot_key
            self.snapshots.put([signed_snapshot(key, a) for a in crossed.values()])

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=ChainMapper)

    def construct_repository(self) -> Repository[UUID]:
        plain = super().construct_repository()
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return CheckedRepository(
            self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(maxsize) if maxsize else None,
            fastforward=plain.fastforward,
            fastforward_skipping=plain.fastforward_skipping,
            deepcopy_from_cache=plain.deepcopy_from_cache,
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for transcoding in TRANSCODINGS:
            transcoder.register(transcoding)

    # --- rule sets -----------------------------------------------------------------------

    def rule_set(self, rule_set_id: str, version: int) -> RuleSet:
        key = (rule_set_id, version)
        if key not in self._rule_sets:
            self._rule_sets[key] = load_rule_set(rule_set_id, version)
        return self._rule_sets[key]

    def _rule_set_of(self, ref: RuleSetRef) -> RuleSet:
        rules = self.rule_set(ref.id, ref.version)
        if rules.ref.digest != ref.digest:
            raise InvalidInput(
                "rule_set",
                f"{ref.id} v{ref.version} on disk (digest {rules.ref.digest[:12]}) is not the file"
                f" this nomination was judged under (digest {ref.digest[:12]})",
            )
        return rules

    # --- plumbing ------------------------------------------------------------------------

    def _lock(self, aggregate_id: UUID) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(aggregate_id, threading.Lock())

    def _load(self, kind: Kind[A], aggregate_id: UUID, version: int | None = None) -> A:
        """A private copy rebuilt from the store (snapshot plus later events)."""
        pending = self._pending(aggregate_id) if version is None else None
        try:
            aggregate: Aggregate = (
                copy.deepcopy(pending)
                if pending is not None
                else self._store_reader.get(aggregate_id, version=version)
            )
        except AggregateNotFoundError:
            raise kind.missing(aggregate_id) from None
        if not isinstance(aggregate, kind.cls):
            raise kind.missing(aggregate_id)
        return aggregate

    def _load_for_command(self, kind: Kind[A], aggregate_id: UUID) -> tuple[A, bool]:
        """The cached aggregate itself (and True), or one just loaded from the store.

        Only used under the aggregate's lock. A cached aggregate may be behind another
        process's writes: saving it then conflicts, and the command runs again fresh.
        """
        pending = self._pending(aggregate_id)
        if pending is not None:  # the latest state there is: nothing to retry against
            if not isinstance(pending, kind.cls):
                raise kind.missing(aggregate_id)
            return pending, False
        cached = self._cached(aggregate_id)
        try:
            aggregate: Aggregate = cached or self.repository.get(
                aggregate_id, deepcopy_from_cache=False
            )
        except AggregateNotFoundError:
            raise kind.missing(aggregate_id) from None
        if not isinstance(aggregate, kind.cls):
            raise kind.missing(aggregate_id)
        return aggregate, cached is not None

    def _cached(self, aggregate_id: UUID) -> Aggregate | None:
        cache = self.repository.cache
        if cache is None:
            return None
        try:
            return cast(Aggregate, cache.get(aggregate_id))
        except KeyError:
            return None

    def _evict(self, aggregate_id: UUID) -> None:
        cache = self.repository.cache
        if cache is not None:
            with contextlib.suppress(KeyError):
                cache.get(aggregate_id, evict=True)

    def _commit(self, *aggregates: Aggregate) -> int | None:
        """Saves the aggregates' new events atomically; returns the last log position
        (None inside a ``bulk()`` block, where they are saved later)."""
        # Application.save() does the same after checking each argument against runtime
        # protocols, which costs more than the rest of a one-event save in Python.
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        for aggregate in aggregates:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        bulk: _Bulk | None = getattr(self._bulk_of_thread, "bulk", None)
        if bulk is None:
            return self._save(processing)
        size = sum(len(self.mapper.to_stored_event(e).state) for e in processing.events)
        if bulk.bytes and bulk.bytes + size > bulk.max_bytes:
            self._save_bulk(bulk)
        bulk.pending.events.extend(processing.events)
        bulk.pending.aggregates.update(processing.aggregates)
        bulk.bytes += size
        return None

    def _save(self, processing: ProcessingEvent[UUID]) -> int | None:
        try:
            recordings = self._record(processing)
        except RecordConflictError:
            raise ConcurrentWriteError(
                "another change was saved first; reload and retry",
                ids=[str(i) for i in processing.aggregates],
            ) from None
        self._take_snapshots(processing)
        self._notify(recordings)
        return recordings[-1].notification.id if recordings else None

    def _save_bulk(self, bulk: _Bulk) -> None:
        processing, bulk.pending, bulk.bytes = bulk.pending, ProcessingEvent(), 0
        if processing.events:
            self._save(processing)
            bulk.saves += 1

    def _pending(self, aggregate_id: UUID) -> ChainedAggregate | None:
        bulk: _Bulk | None = getattr(self._bulk_of_thread, "bulk", None)
        if bulk is None:
            return None
        return cast(ChainedAggregate | None, bulk.pending.aggregates.get(aggregate_id))

    @contextlib.contextmanager
    def bulk(self, max_bytes: int = BULK_SAVE_BYTES) -> Iterator[_Bulk]:
        """Commands this thread runs in the block save together, in saves of at most
        ``max_bytes`` of stored state (a larger command alone), in order, rather than one
        save each: for generating and importing large data sets. Commands and reads in the
        block see what it has not saved yet. An error leaves saved what was saved, and
        drops the rest; no other thread sees an unsaved command."""
        if getattr(self._bulk_of_thread, "bulk", None) is not None:
            raise RuntimeError("bulk() blocks do not nest")
        bulk = _Bulk(max_bytes)
        self._bulk_of_thread.bulk = bulk
        try:
            yield bulk
            self._save_bulk(bulk)
        except BaseException:
            for aggregate_id in bulk.pending.aggregates:
                self._evict(aggregate_id)
            raise
        finally:
            self._bulk_of_thread.bulk = None

    def _execute(
        self,
        ctx: CommandContext,
        kind: Kind[A],
        aggregate_id: UUID,
        decide: Callable[[A], Sequence[Aggregate] | None],
        *,
        conflicts_retried: int = 0,
    ) -> CommandResult:
        """Loads, skips a command already handled, lets the aggregate decide, saves all.

        ``conflicts_retried`` re-runs a command that lost a race that many times, for
        commands that do not depend on each other (ballots of different members).

        Commands on one aggregate take turns within this process; across processes the
        store's version check decides. A command that fails on a cached aggregate is tried
        once more on the stored one, since the cache may be behind; a failed command
        leaves nothing in the cache.
        """
        with self._lock(aggregate_id), acting(ctx):
            retries = conflicts_retried
            while True:
                aggregate, from_cache = self._load_for_command(kind, aggregate_id)
                if aggregate.has_handled(ctx.command_id):
                    return _answer(aggregate, None, replayed=True)
                try:
                    others = decide(aggregate) or ()
                    position = self._commit(aggregate, *others)
                except ConcurrentWriteError:
                    self._evict(aggregate_id)
                    if from_cache or retries > 0:
                        retries -= 0 if from_cache else 1
                        continue
                    # A client that got no answer sends the command again, perhaps to another
                    # process while the first attempt still runs: if the write that won was
                    # this same command, the retry is answered as it was.
                    stored = self._load(kind, aggregate_id)
                    if stored.has_handled(ctx.command_id):
                        return _answer(stored, None, replayed=True)
                    raise
                except DomainError:
                    self._evict(aggregate_id)
                    if from_cache:
                        continue
                    raise
                except BaseException:
                    self._evict(aggregate_id)
                    raise
                return _answer(aggregate, position)

    def _create(
        self,
        ctx: CommandContext,
        aggregate_id: UUID,
        build: Callable[[], Aggregate],
        describe: str,
    ) -> CommandResult:
        """Creates an aggregate with a deterministic id; a retry finds the first one."""
        with self._lock(aggregate_id), acting(ctx):
            try:
                existing: ChainedAggregate = self._pending(aggregate_id) or self._store_reader.get(
                    aggregate_id
                )
            except AggregateNotFoundError:
                aggregate = build()
                try:
                    position = self._commit(aggregate)
                except ConcurrentWriteError:
                    existing = self._store_reader.get(aggregate_id)
                else:
                    return _answer(aggregate, position)
            if existing.has_handled(ctx.command_id):
                return _answer(existing, None, replayed=True)
            raise AlreadyExists(f"{describe} exists already", id=str(aggregate_id))


def _ignore(_: object) -> None:
    """Commands from the clock report whether they recorded; the service needs no answer."""


def _answer(aggregate: Aggregate, position: int | None, replayed: bool = False) -> CommandResult:
    """What a command did, with the dossier's stage where the aggregate is one."""
    stage = getattr(aggregate, "stage_name", None)
    return CommandResult(
        aggregate.id,
        aggregate.version,
        position,
        replayed,
        stage if isinstance(stage, str) else None,
    )
