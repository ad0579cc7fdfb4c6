"""The application service: one method per use case, each load → decide → save.

Every command takes a ``CommandContext``; repeating a command id changes nothing. Reads
return frozen DTOs, never aggregates.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, Generic, TypeVar, cast
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    Repository,
)
from eventsourcing.domain import Aggregate, Snapshot
from eventsourcing.persistence import (
    JSONTranscoder,
    Mapper,
    Notification,
    RecordConflictError,
    Transcoding,
)
from eventsourcing.utils import Environment, EnvType

from domain.accounts import Account, Roster, account_id, normalise_username, parse_grants, roster_id
from domain.calendar import WorkingCalendar
from domain.chain import digest_of
from domain.context import CommandContext, Role, acting
from domain.council import Choice, CouncilSession, ItemOutcome
from domain.criteria.checks import RuleSetRef
from domain.criteria.rules import Basis, Outcome
from domain.criteria.ruleset import RuleSet, load_rule_set
from domain.cycles import Cycle, CycleTerms, cycle_id
from domain.deadlines import DueDates
from domain.errors import (
    AlreadyExists,
    ConcurrentWriteError,
    DomainError,
    InvalidNomination,
    NominationNotFound,
    NotFound,
    SessionNotFound,
    VisitNotFound,
)
from domain.inspection import InspectionVisit, visit_id
from domain.nomination import Nomination, nomination_id
from domain.stages import Stage
from domain.statistics import YearStatistics
from domain.store import ChainMapper, CheckedRepository
from domain.summaries import (
    AccountSummary,
    CommandResult,
    NominationSummary,
    RecordedEvent,
    SessionSummary,
    VisitSummary,
    WhatIf,
    nomination_summary,
)
from domain.units import Nominee, Unit, UnitCatalogue, UnitRegistry, catalogue_id

A = TypeVar("A", bound=Aggregate)


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


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class NominationService(Application[UUID]):
    """The use cases of the product, on an event store chosen by ``env``."""

    name = "thidua"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Nomination: 200, CouncilSession: 200}

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        units: UnitRegistry,
        calendar: WorkingCalendar | None = None,
        default_rule_set: tuple[str, int] = ("ben-tre-vi-nguoi-ngheo-2021-2025", 2),
    ) -> None:
        self.units = UnitRegistry(units)  # its own copy: registered units are added to it
        self.calendar = calendar or WorkingCalendar()
        self._rule_sets: dict[tuple[str, int], RuleSet] = {}
        self.default_rule_set = self.rule_set(*default_rule_set)
        self._locks: dict[UUID, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        super().__init__(env)
        # Reads and secondary loads never touch the command cache's objects.
        self._store_reader: Repository[UUID] = CheckedRepository(
            self.events, snapshot_store=self.snapshots
        )
        # Every request reads its caller's account: keep accounts, catching up on each read.
        self._account_reader: Repository[UUID] = CheckedRepository(
            self.events, snapshot_store=self.snapshots, cache_maxsize=10_000, fastforward=True
        )

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
        # The aggregate just saved is exactly the stored state at its version: snapshot it
        # as it is, rather than reloading it from the store.
        for event in processing_event.events:
            interval = None
            aggregate = processing_event.aggregates.get(event.originator_id)
            if aggregate is not None:
                interval = self.snapshotting_intervals.get(type(aggregate))
            if (
                interval
                and self.snapshots is not None
                and event.originator_version % interval == 0
                and aggregate is not None
                and aggregate.version == event.originator_version
            ):
                self.snapshots.put([Snapshot.take(aggregate)])

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
        transcoder.register(DateAsISO())

    # --- rule sets -----------------------------------------------------------------------

    def rule_set(self, rule_set_id: str, version: int) -> RuleSet:
        key = (rule_set_id, version)
        if key not in self._rule_sets:
            self._rule_sets[key] = load_rule_set(rule_set_id, version)
        return self._rule_sets[key]

    def _rule_set_of(self, ref: RuleSetRef) -> RuleSet:
        rules = self.rule_set(ref.id, ref.version)
        if rules.ref.digest != ref.digest:
            raise InvalidNomination(
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
        try:
            aggregate: Aggregate = self._store_reader.get(aggregate_id, version=version)
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
        """Saves the aggregates' new events atomically; returns the last log position."""
        # Application.save() does the same after checking each argument against runtime
        # protocols, which costs more than the rest of a one-event save in Python.
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        for aggregate in aggregates:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        try:
            recordings = self._record(processing)
        except RecordConflictError:
            raise ConcurrentWriteError(
                "another change was saved first; reload and retry",
                ids=[str(a.id) for a in aggregates],
            ) from None
        self._take_snapshots(processing)
        self._notify(recordings)
        return recordings[-1].notification.id if recordings else None

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
                if aggregate.has_handled(ctx.command_id):  # type: ignore[attr-defined]
                    return CommandResult(aggregate.id, aggregate.version, None, replayed=True)
                try:
                    others = decide(aggregate) or ()
                    position = self._commit(aggregate, *others)
                except ConcurrentWriteError:
                    self._evict(aggregate_id)
                    if from_cache or retries > 0:
                        retries -= 0 if from_cache else 1
                        continue
                    raise
                except DomainError:
                    self._evict(aggregate_id)
                    if from_cache:
                        continue
                    raise
                except BaseException:
                    self._evict(aggregate_id)
                    raise
                return CommandResult(aggregate.id, aggregate.version, position)

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
                existing: Aggregate = self._store_reader.get(aggregate_id)
            except AggregateNotFoundError:
                aggregate = build()
                try:
                    position = self._commit(aggregate)
                except ConcurrentWriteError:
                    existing = self._store_reader.get(aggregate_id)
                else:
                    return CommandResult(aggregate.id, aggregate.version, position)
            if existing.has_handled(ctx.command_id):  # type: ignore[attr-defined]
                return CommandResult(existing.id, existing.version, None, replayed=True)
            raise AlreadyExists(f"{describe} exists already", id=str(aggregate_id))

    def _due(self, nomination: Nomination, today: date, rules: RuleSet) -> DueDates:
        cycle = self.cycle_terms(nomination.cycle_year, rules)
        form = rules.award_form(nomination.award_form)
        return DueDates(
            self.calendar,
            rules.deadlines,
            cycle,
            today,
            cycle.notice_days(form.public_notice_working_days) if form.public_notice else 0,
        )

    # --- cycles --------------------------------------------------------------------------

    def cycle_terms(self, year: int, rules: RuleSet | None = None) -> CycleTerms:
        """An admin's settings for the year, or the rule set's defaults."""
        try:
            cycle = self._load(CYCLE, cycle_id(year))
        except NotFound:
            return CycleTerms.default(rules or self.default_rule_set, year)
        return cycle.terms

    def configure_cycle(self, ctx: CommandContext, terms: CycleTerms) -> CommandResult:
        rules = self.default_rule_set
        try:
            self._load(CYCLE, cycle_id(terms.year))
        except NotFound:
            return self._create(
                ctx, cycle_id(terms.year), lambda: Cycle.configure(terms, rules), "cycle"
            )
        return self._execute(
            ctx, CYCLE, cycle_id(terms.year), lambda c: c.reconfigure(terms, rules)
        )

    # --- nominations: collecting -----------------------------------------------------------

    def open_nomination(
        self, ctx: CommandContext, unit_code: str, award_form: str, cycle_year: int
    ) -> CommandResult:
        unit = self.unit(unit_code)
        nominee = Nominee.of(unit, self.units)
        rules = self.default_rule_set
        rules.award_form(award_form)
        cycle = self.cycle_terms(cycle_year, rules)
        nid = nomination_id(unit.code, award_form, cycle_year)
        due = DueDates(self.calendar, rules.deadlines, cycle, ctx.today, 0)
        return self._create(
            ctx,
            nid,
            lambda: Nomination.open(
                nominee,
                award_form,
                cycle_year,
                cycle.evaluation_years,
                rules,
                due.for_stage(Stage.COLLECTING) or cycle.closes_on,
            ),
            f"a nomination of {unit.code} for {award_form} in {cycle_year}",
        )

    def record_statistics(
        self, ctx: CommandContext, nid: UUID, year: int, statistics: Mapping[str, Any]
    ) -> CommandResult:
        stats = YearStatistics.from_dict(dict(statistics))

        def decide(n: Nomination) -> None:
            n.record_statistics(year, stats, self._rule_set_of(n.rule_set_ref))

        return self._execute(ctx, NOMINATION, nid, decide)

    def attach_evidence(
        self, ctx: CommandContext, nid: UUID, sha256: str, filename: str, media_type: str, size: int
    ) -> CommandResult:
        return self._execute(
            ctx,
            NOMINATION,
            nid,
            lambda n: n.attach_evidence(sha256, filename, media_type, size),
        )

    def write_achievement_report(self, ctx: CommandContext, nid: UUID, text: str) -> CommandResult:
        return self._execute(ctx, NOMINATION, nid, lambda n: n.write_achievement_report(text))

    def submit_nomination(self, ctx: CommandContext, nid: UUID) -> CommandResult:
        def decide(n: Nomination) -> None:
            rules = self._rule_set_of(n.rule_set_ref)
            n.submit(rules, self._due(n, ctx.today, rules))

        return self._execute(ctx, NOMINATION, nid, decide)

    def preview_checks(self, nid: UUID) -> list[dict[str, Any]]:
        """The automatic checks as they would be on submission; writes nothing."""
        n = self._load(NOMINATION, nid)
        rules = self._rule_set_of(n.rule_set_ref)
        return [
            {
                "criterion_id": r.criterion_id,
                "kind": r.kind,
                "outcome": r.outcome.outcome.value,
                "explanation": {"vi": r.outcome.explanation.vi, "en": r.outcome.explanation.en},
            }
            for r in n.preview_checks(rules)
        ]

    def withdraw_nomination(self, ctx: CommandContext, nid: UUID, reason: str) -> CommandResult:
        return self._execute(ctx, NOMINATION, nid, lambda n: n.withdraw(reason))

    # --- nominations: review -------------------------------------------------------------

    def complete_district_review(
        self, ctx: CommandContext, nid: UUID, decision: str, comment: str
    ) -> CommandResult:
        def decide(n: Nomination) -> None:
            rules = self._rule_set_of(n.rule_set_ref)
            n.complete_district_review(decision, comment, rules, self._due(n, ctx.today, rules))

        return self._execute(ctx, NOMINATION, nid, decide)

    def complete_province_review(
        self, ctx: CommandContext, nid: UUID, decision: str, comment: str
    ) -> CommandResult:
        def decide(n: Nomination) -> None:
            rules = self._rule_set_of(n.rule_set_ref)
            n.complete_province_review(decision, comment, rules, self._due(n, ctx.today, rules))

        return self._execute(ctx, NOMINATION, nid, decide)

    def record_criterion_check(
        self,
        ctx: CommandContext,
        nid: UUID,
        criterion_id: str,
        outcome: str,
        justification: str,
        evidence: Sequence[str] = (),
    ) -> CommandResult:
        try:
            judged = Outcome(outcome)
        except ValueError:
            allowed = ", ".join(o.value for o in Outcome)
            raise InvalidNomination("outcome", f"must be one of {allowed}") from None

        def decide(n: Nomination) -> None:
            rules = self._rule_set_of(n.rule_set_ref)
            n.record_judged_check(criterion_id, judged, justification, tuple(evidence), rules)

        return self._execute(ctx, NOMINATION, nid, decide)

    def override_check(
        self, ctx: CommandContext, nid: UUID, criterion_id: str, reason: str
    ) -> CommandResult:
        return self._execute(ctx, NOMINATION, nid, lambda n: n.override_check(criterion_id, reason))

    # --- inspections ---------------------------------------------------------------------

    def schedule_inspection_visit(
        self, ctx: CommandContext, nid: UUID, team_id: str, due_date: date | None = None
    ) -> CommandResult:
        """Orders a visit: the nomination and the new visit task are saved together."""

        def decide(n: Nomination) -> list[Aggregate]:
            rules = self._rule_set_of(n.rule_set_ref)
            due = self._due(n, ctx.today, rules).inspection_due(due_date)
            ordinal = len(n.visits) + 1
            n.order_inspection(visit_id(n.id, n.round, ordinal), team_id, due)
            return [
                InspectionVisit.order(n.id, n.round, ordinal, n.unit.code, team_id.strip(), due)
            ]

        return self._execute(ctx, NOMINATION, nid, decide)

    def claim_visit(self, ctx: CommandContext, vid: UUID) -> CommandResult:
        return self._execute(ctx, VISIT, vid, lambda v: v.claim())

    def file_visit_report(
        self,
        ctx: CommandContext,
        vid: UUID,
        visited_on: date,
        findings: str,
        recommendation: str,
        verified_statistics: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> CommandResult:
        verified: dict[int, YearStatistics] = {}
        for key, raw in (verified_statistics or {}).items():
            try:
                year = int(key)
            except ValueError:
                raise InvalidNomination(f"verified_statistics.{key}", "must be a year") from None
            verified[year] = YearStatistics.from_dict(dict(raw), f"verified_statistics.{key}.")

        def decide(v: InspectionVisit) -> list[Aggregate]:
            n = self._load(NOMINATION, UUID(v.nomination_id))
            v.file_report(visited_on, findings, recommendation, list(verified))
            n.record_inspection_report(
                v.id,
                visited_on,
                findings,
                recommendation,
                verified,
                self._rule_set_of(n.rule_set_ref),
            )
            return [n]

        return self._execute(ctx, VISIT, vid, decide)

    def mark_visit_overdue(self, ctx: CommandContext, vid: UUID) -> CommandResult:
        return self._execute(ctx, VISIT, vid, lambda v: _ignore(v.mark_overdue()))

    def record_visit_reminder(
        self, ctx: CommandContext, vid: UUID, recipients: list[str], message: str
    ) -> CommandResult:
        return self._execute(
            ctx, VISIT, vid, lambda v: _ignore(v.record_reminder(recipients, message))
        )

    def escalate_visit(self, ctx: CommandContext, vid: UUID, to: str, reason: str) -> CommandResult:
        return self._execute(ctx, VISIT, vid, lambda v: _ignore(v.escalate(to, reason)))

    # --- public notice and complaints ------------------------------------------------------

    def file_complaint(
        self, ctx: CommandContext, nid: UUID, text: str, filed_by: str
    ) -> tuple[UUID, CommandResult]:
        complaint = uuid5(NAMESPACE_URL, f"/complaints/{nid}/{ctx.command_id}")
        result = self._execute(
            ctx,
            NOMINATION,
            nid,
            lambda n: n.file_complaint(complaint, text, filed_by),
        )
        return complaint, result

    def resolve_complaint(
        self, ctx: CommandContext, nid: UUID, complaint_id: UUID, resolution: str, upheld: bool
    ) -> CommandResult:
        return self._execute(
            ctx,
            NOMINATION,
            nid,
            lambda n: n.resolve_complaint(complaint_id, resolution, upheld),
        )

    def end_public_notice(self, ctx: CommandContext, nid: UUID) -> CommandResult:
        return self._execute(ctx, NOMINATION, nid, lambda n: n.end_public_notice())

    # --- council -------------------------------------------------------------------------

    def schedule_council_session(
        self,
        ctx: CommandContext,
        title: str,
        scheduled_for: date,
        members: list[str],
        award_form: str,
        scope: str | None = None,
    ) -> CommandResult:
        rules = self.default_rule_set
        form = rules.award_form(award_form)
        sid = uuid5(NAMESPACE_URL, f"/council-sessions/{ctx.command_id}")
        if form.council_level == "district" and scope is not None:
            self.units.get(scope)
        return self._create(
            ctx,
            sid,
            lambda: CouncilSession.schedule(
                title,
                scheduled_for,
                members,
                award_form,
                form.council_level,
                scope if form.council_level == "district" else None,
                form.voting,
            ),
            "this council session",
        )

    def add_to_agenda(self, ctx: CommandContext, sid: UUID, nid: UUID) -> CommandResult:
        def decide(s: CouncilSession) -> list[Aggregate]:
            n = self._load(NOMINATION, nid)
            if s.scope is not None and n.unit.district_code != s.scope:
                raise InvalidNomination(
                    "nomination_id", f"{nid} is outside the district of this council ({s.scope})"
                )
            s.add_item(n.id, n.award_form)
            for member, grant in self._members_of_unit(s.members, n.unit.code):
                s.recuse_automatically(
                    n.id,
                    member,
                    f"{member} belongs to the nominated unit {n.unit.code} ({grant})",
                )
            n.place_on_agenda(s.id)
            return [n]

        return self._execute(ctx, SESSION, sid, decide)

    def _members_of_unit(self, members: Sequence[str], unit_code: str) -> list[tuple[str, str]]:
        """Members with a role scoped to the unit itself, and that role."""
        found = []
        for member in members:
            account = self.find_account(member)
            if account is None:
                continue
            for grant in account.grants:
                if grant.get("scope") == unit_code:
                    found.append((member, str(grant["role"])))
                    break
        return found

    def open_session(self, ctx: CommandContext, sid: UUID) -> CommandResult:
        return self._execute(ctx, SESSION, sid, lambda s: s.open())

    def cast_vote(self, ctx: CommandContext, sid: UUID, nid: UUID, choice: str) -> CommandResult:
        try:
            ballot = Choice(choice)
        except ValueError:
            allowed = ", ".join(c.value for c in Choice)
            raise InvalidNomination("choice", f"must be one of {allowed}") from None
        return self._execute(
            ctx, SESSION, sid, lambda s: s.cast_vote(nid, ballot), conflicts_retried=5
        )

    def close_session(
        self, ctx: CommandContext, sid: UUID, decision_number: str | None = None
    ) -> CommandResult:
        """Decides every item; the session and all its nominations are saved in one go."""

        def decide(s: CouncilSession) -> list[Aggregate]:
            nominations = [self._load(NOMINATION, UUID(item)) for item in s.agenda]
            blocked = {
                str(n.id): f"complaint {n.open_complaints()[0]} is open"
                for n in nominations
                if n.open_complaints()
            }
            results = s.close(blocked)
            number = decision_number or f"{ctx.today.year}/HĐTĐKT-{s.id.hex[:6].upper()}"
            for n in nominations:
                result = results[str(n.id)]
                outcome = ItemOutcome(result["outcome"])
                if outcome.decides:
                    n.decide(
                        s.id, outcome is ItemOutcome.APPROVED, result["tally"], number, ctx.today
                    )
                else:
                    n.defer(s.id, result["reason"] or outcome.value)
            return list(nominations)

        return self._execute(ctx, SESSION, sid, decide)

    def set_closing_deadline(
        self, ctx: CommandContext, sid: UUID, closes_at: datetime
    ) -> CommandResult:
        return self._execute(ctx, SESSION, sid, lambda s: s.set_closing_deadline(closes_at))

    def record_session_reminder(
        self, ctx: CommandContext, sid: UUID, recipients: list[str], message: str
    ) -> CommandResult:
        return self._execute(
            ctx, SESSION, sid, lambda s: _ignore(s.record_reminder(recipients, message))
        )

    def revoke_award(
        self, ctx: CommandContext, nid: UUID, reason: str, decision_number: str
    ) -> CommandResult:
        return self._execute(ctx, NOMINATION, nid, lambda n: n.revoke(reason, decision_number))

    # --- the clock's records (called by workflow activities) ---------------------------------

    def mark_deadline_missed(
        self, ctx: CommandContext, nid: UUID, stage: str, due_on: date
    ) -> CommandResult:
        return self._execute(
            ctx,
            NOMINATION,
            nid,
            lambda n: _ignore(n.mark_deadline_missed(Stage(stage), due_on)),
        )

    def record_reminder(
        self, ctx: CommandContext, nid: UUID, stage: str, recipients: list[str], message: str
    ) -> CommandResult:
        return self._execute(
            ctx,
            NOMINATION,
            nid,
            lambda n: _ignore(n.record_reminder(Stage(stage), recipients, message)),
        )

    def record_escalation(
        self, ctx: CommandContext, nid: UUID, stage: str, to: str, reason: str
    ) -> CommandResult:
        return self._execute(
            ctx,
            NOMINATION,
            nid,
            lambda n: _ignore(n.escalate(Stage(stage), to, reason)),
        )

    # --- reads ---------------------------------------------------------------------------

    def get_nomination(
        self, nid: UUID, *, version: int | None = None, as_of: datetime | None = None
    ) -> NominationSummary:
        """The nomination now, at a version, or as it stood at a moment."""
        if version is not None and version < 1:
            raise InvalidNomination("version", "must be 1 or more")
        if as_of is not None:
            if as_of.tzinfo is None:
                raise InvalidNomination("as_of", "must include a time zone")
            version = self._version_at(nid, as_of)
        aggregate = self._load(NOMINATION, nid, version)
        if version is not None and aggregate.version < version:
            raise InvalidNomination("version", f"the nomination has {aggregate.version} versions")
        return nomination_summary(aggregate)

    def _version_at(self, nid: UUID, moment: datetime) -> int:
        version = 0
        for stored in self.events.get(nid):
            if stored.timestamp > moment:  # type: ignore[attr-defined]
                break
            version = stored.originator_version
        if version == 0:
            raise NominationNotFound(nid)
        return version

    def get_session(self, sid: UUID) -> SessionSummary:
        s = self._load(SESSION, sid)
        return SessionSummary(
            s.id,
            s.title,
            s.scheduled_for,
            list(s.members),
            s.award_form,
            s.council_level,
            s.scope,
            s.state.value,
            list(s.agenda),
            s.participation(),
            dict(s.results),
            dict(s.voting_rule),
            s.version,
            s.closes_at,
            s.not_voted(),
        )

    def get_visit(self, vid: UUID) -> VisitSummary:
        v = self._load(VISIT, vid)
        return VisitSummary(
            v.id,
            v.nomination_id,
            v.unit_code,
            v.team_id,
            v.due_on,
            v.state.value,
            v.claimed_by,
            v.overdue,
            v.escalated,
            v.reminders,
            v.report,
            v.version,
        )

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

    def has_handled(self, aggregate_id: UUID, command_id: str) -> bool:
        """Whether a command id was already applied to an aggregate (for side effects)."""
        try:
            aggregate: Aggregate = self._store_reader.get(aggregate_id)
        except AggregateNotFoundError:
            return False
        return bool(aggregate.has_handled(command_id))  # type: ignore[attr-defined]

    # --- accounts ------------------------------------------------------------------------

    def register_account(
        self,
        ctx: CommandContext,
        username: str,
        password_hash: str,
        grants: list[dict[str, Any]],
        display_name: str = "",
        email: str | None = None,
    ) -> CommandResult:
        """A new account and its place in the roster, saved together."""
        parsed = parse_grants(grants)
        for grant in parsed:
            if grant.role in (Role.UNIT_OFFICER, Role.DISTRICT_REVIEWER) and grant.scope:
                self.unit(grant.scope)
        aid = account_id(username)

        with self._lock(aid), acting(ctx):
            try:
                existing: Aggregate = self._store_reader.get(aid)
            except AggregateNotFoundError:
                account = Account.register(username, password_hash, parsed, display_name, email)
                try:
                    roster: Roster = self._store_reader.get(roster_id())
                except AggregateNotFoundError:
                    roster = Roster()
                roster.enrol(account.username)
                position = self._commit(account, roster)
                return CommandResult(account.id, account.version, position)
            if existing.has_handled(ctx.command_id):  # type: ignore[attr-defined]
                return CommandResult(existing.id, existing.version, None, replayed=True)
            raise AlreadyExists(f"account {normalise_username(username)} exists already")

    def change_account_grants(
        self, ctx: CommandContext, username: str, grants: list[dict[str, Any]]
    ) -> CommandResult:
        parsed = parse_grants(grants)
        return self._execute(ctx, ACCOUNT, account_id(username), lambda a: a.change_grants(parsed))

    def change_password(
        self, ctx: CommandContext, username: str, password_hash: str
    ) -> CommandResult:
        return self._execute(
            ctx, ACCOUNT, account_id(username), lambda a: a.change_password(password_hash)
        )

    def deactivate_account(self, ctx: CommandContext, username: str, reason: str) -> CommandResult:
        return self._execute(ctx, ACCOUNT, account_id(username), lambda a: a.deactivate(reason))

    def find_account(self, username: str) -> AccountSummary | None:
        try:
            account: Aggregate = self._account_reader.get(account_id(username))
        except AggregateNotFoundError:
            return None
        if not isinstance(account, Account):
            return None
        return AccountSummary(
            account.username,
            account.display_name,
            account.email,
            list(account.grants),
            account.active,
            account.password_hash,
            account.version,
        )

    def list_accounts(self) -> list[AccountSummary]:
        try:
            roster: Roster = self._store_reader.get(roster_id())
        except AggregateNotFoundError:
            return []
        found = [self.find_account(name) for name in roster.usernames]
        return [a for a in found if a is not None]

    # --- units ---------------------------------------------------------------------------

    def unit(self, code: str) -> Unit:
        """A unit from the shipped data set or registered since, by any process."""
        if code not in self.units:
            self._load_registered_units()
        return self.units.get(code)

    def register_unit(self, ctx: CommandContext, data: Mapping[str, Any]) -> CommandResult:
        unit = Unit.from_dict(dict(data))
        self._load_registered_units()
        if unit.code in self.units:
            raise AlreadyExists(f"unit {unit.code} exists already", unit_code=unit.code)
        if unit.parent_code is not None:
            self.unit(unit.parent_code)

        def decide(catalogue: UnitCatalogue) -> None:
            catalogue.register(unit)

        with self._lock(catalogue_id()), acting(ctx):
            try:
                catalogue: UnitCatalogue = self._store_reader.get(catalogue_id())
            except AggregateNotFoundError:
                catalogue = UnitCatalogue()  # the first registration starts the catalogue
            else:
                if catalogue.has_handled(ctx.command_id):
                    return CommandResult(catalogue.id, catalogue.version, None, replayed=True)
            decide(catalogue)
            position = self._commit(catalogue)
        self.units.add(unit)
        return CommandResult(catalogue.id, catalogue.version, position)

    def _load_registered_units(self) -> None:
        try:
            catalogue: UnitCatalogue = self._store_reader.get(catalogue_id())
        except AggregateNotFoundError:
            return
        for data in catalogue.units:
            unit = Unit.from_dict(data)
            if unit.code not in self.units:
                self.units.add(unit)

    # --- the log, for readers outside the domain (the relay) --------------------------------

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def read_log(
        self, after: int, limit: int, stop: int, topics: Sequence[str] = ()
    ) -> list[Notification]:
        return list(
            self.recorder.select_notifications(
                start=after, limit=limit, stop=stop, topics=topics, inclusive_of_start=False
            )
        )

    def event_of(self, notification: Notification) -> Any:
        return self.mapper.to_domain_event(notification)

    def verify_chain(self, aggregate_id: UUID) -> tuple[int, str | None]:
        """Re-links one aggregate's events; returns the count and the first broken link."""
        expected_prev, expected_version, count = "", 1, 0
        for event in self.history(aggregate_id):
            if event.version != expected_version:
                return count, f"version {expected_version} is missing (found {event.version})"
            if event.prev_hash != expected_prev:
                return count, f"version {event.version} does not link to its predecessor"
            expected_prev, expected_version, count = event.digest, event.version + 1, count + 1
        return count, None


def _ignore(_: object) -> None:
    """Commands from the clock report whether they recorded; the service needs no answer."""
