"""Reads by id: frozen summaries, never aggregates."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
)

from domain.chain import ChainedAggregate
from domain.errors import (
    InvalidInput,
)
from domain.summaries import (
    NominationSummary,
    SessionSummary,
    VisitSummary,
    nomination_summary,
)
from service.application import (
    NOMINATION,
    SESSION,
    VISIT,
)
from service.lookups import Lookups


class ReadCases(Lookups):
    """Reads by id: frozen summaries, never aggregates."""

    # --- reads ---------------------------------------------------------------------------

    def get_nomination(
        self, nid: UUID, *, version: int | None = None, as_of: datetime | None = None
    ) -> NominationSummary:
        """The nomination now, at a version, or as it stood at a moment."""
        if version is not None and version < 1:
            raise InvalidInput("version", "must be 1 or more")
        if as_of is not None:
            if as_of.tzinfo is None:
                raise InvalidInput("as_of", "must include a time zone")
            version = self._version_at(nid, as_of)
        aggregate = self._load(NOMINATION, nid, version)
        if version is not None and aggregate.version < version:
            raise InvalidInput("version", f"the nomination has {aggregate.version} versions")
        return nomination_summary(aggregate)

    def get_session(self, sid: UUID, version: int | None = None) -> SessionSummary:
        s = self._load(SESSION, sid, version)
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
            dict(s.signed_decisions),
            {item: dict(reasons) for item, reasons in s.recusal_reasons.items()},
            list(s.in_writing),
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

    def has_handled(self, aggregate_id: UUID, command_id: str) -> bool:
        """Whether a command id was already applied to an aggregate (for side effects)."""
        try:
            aggregate: ChainedAggregate = self._store_reader.get(aggregate_id)
        except AggregateNotFoundError:
            return False
        return aggregate.has_handled(command_id)
