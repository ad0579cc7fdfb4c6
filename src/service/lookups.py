"""What every use case looks up: cycles and their terms, units and the register, official
figures, accounts, due dates, a dossier's version at a moment, and the log for readers
outside the service (the relay)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from itertools import product
from typing import Any
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    Notification,
)

from domain.accounts import (
    Account,
    account_id,
)
from domain.chain import occurred_at
from domain.criteria.awards import Achievement
from domain.criteria.ruleset import RuleSet
from domain.cycles import CycleTerms, cycle_id
from domain.deadlines import DueDates
from domain.errors import (
    NominationNotFound,
    NotFound,
    UnitNotFound,
)
from domain.figures import OfficialFigures, figures_id
from domain.holds import holds_id
from domain.lineage import OfficialWindow, official_window
from domain.nomination import Nomination, nomination_id
from domain.stages import OPEN_STAGES, Stage
from domain.statistics import YearStatistics
from domain.summaries import (
    AccountSummary,
)
from domain.units import Unit, UnitCatalogue, UnitKind, UnitRegistry, catalogue_id
from service.application import CYCLE, HOLDS, NOMINATION, ServiceBase

LIVE_STAGES = OPEN_STAGES | {Stage.AWAITING_DECISION}


class Lookups(ServiceBase):
    """The look-ups every use case shares, over the service's plumbing."""

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

    # --- lookups every use case shares -------------------------------------------------

    def cycle_terms(self, year: int, rules: RuleSet | None = None) -> CycleTerms:
        """An admin's settings for the year, or the rule set's defaults."""
        try:
            cycle = self._load(CYCLE, cycle_id(year))
        except NotFound:
            return CycleTerms.default(rules or self.default_rule_set, year)
        return cycle.terms

    def unit(self, code: str) -> Unit:
        """A unit from the shipped data set or registered since, by any process."""
        if code not in self.units:
            self._load_registered_units()
        return self.units.get(code)

    def knows_unit(self, code: str) -> bool:
        """Whether the unit exists, registered by this process or by any other."""
        try:
            self.unit(code)
        except UnitNotFound:
            return False
        return True

    def registry(self) -> UnitRegistry:
        """Every unit, with those other processes registered since this one last looked."""
        self._load_registered_units()
        return self.units

    def official_figures_of(self, unit_code: str, year: int) -> YearStatistics | None:
        """The register's own figures of one unit for one year, if it has them."""
        try:
            figures: Aggregate = self._store_reader.get(figures_id(unit_code, year))
        except AggregateNotFoundError:
            return None
        return figures.statistics if isinstance(figures, OfficialFigures) else None

    def official_for(self, nomination: Nomination) -> OfficialWindow:
        """The register's figures for a nomination's window (the baseline to its last year),
        summed from its predecessors for the years before it existed."""
        if nomination.unit.kind is UnitKind.INDIVIDUAL:
            return OfficialWindow()  # a person has no poverty figures of their own
        first, last = nomination.evaluation_years
        unit = self.unit(nomination.unit.code)
        rules = self._rule_set_of(nomination.rule_set_ref)
        baseline = rules.baseline_year
        window = range(min(baseline, first - 1), last + 1)
        return official_window(unit, window, self.units, self.official_figures_of, rules)

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
            account.tokens_valid_after,
        )

    def _load_registered_units(self) -> int:
        """Adds the units registered since this process last looked, by any process, and
        returns the catalogue's version (0 before the first registration). The catalogue
        is kept and caught up with its new events, and only its new units are read, so
        looking costs what was registered since, not everything registered."""
        with self._units_guard:
            try:
                catalogue: UnitCatalogue = self._catalogue_reader.get(
                    catalogue_id(), deepcopy_from_cache=False
                )
            except AggregateNotFoundError:
                return 0
            for data in catalogue.units[self._units_seen :]:
                if data["code"] not in self.units:
                    self.units.add(Unit.from_dict(data))
            self._units_seen = len(catalogue.units)
            return int(catalogue.version)

    def _version_at(self, nid: UUID, moment: datetime) -> int:
        version = 0
        for stored in self.events.get(nid):
            if occurred_at(stored) > moment:
                break
            version = stored.originator_version
        if version == 0:
            raise NominationNotFound(nid)
        return version

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

    def require_no_hold(self, unit_code: str) -> None:
        """Refuses an award while the nominee is under an open hold (docs/spec.md §5)."""
        try:
            holds = self._load(HOLDS, holds_id(unit_code))
        except NotFound:
            return
        holds.require_none_open()

    def require_one_award(self, n: Nomination) -> None:
        """Refuses to put before a council, or to award, a dossier whose achievement an
        award already made claims (rule set v4's ``combinations``; docs/spec.md §5)."""
        rules = self.default_rule_set
        if rules.combinations is None:
            return
        awarded = [
            a
            for a in self.achievements_of(n.unit.code)
            if a.awarded_by and a.nomination_id != str(n.id)
        ]
        rules.combinations.require_free(n.award_form, n.cycle_year, _years(n), awarded)

    def achievements_of(self, unit_code: str) -> list[Achievement]:
        """The nominee's dossiers in progress or awarded, under any form and cycle of the rule
        set, and those of the units it continues one to one across a reorganisation (the same
        commune under a new code); their ids are derived, so each is one lookup and no view is
        needed."""
        rules = self.default_rule_set
        found = []
        for code, form, year in product(
            self._continued(unit_code), rules.award_forms, rules.cycles
        ):
            try:
                n = self._load(NOMINATION, nomination_id(code, form, year))
            except NotFound:
                continue
            awarded = n.stage == Stage.DECIDED and n.outcome == "approved"
            if awarded or n.stage in LIVE_STAGES:
                number = n.decision.decision_number if awarded and n.decision else None
                found.append(Achievement(str(n.id), form, year, _years(n), number or None))
        return found

    def _continued(self, code: str) -> list[str]:
        """The unit, and every unit it continues or that continues it one to one: a unit
        with a sole predecessor whose sole successor it is (a merger or a split makes new
        collectives, judged on their own)."""
        if not self.knows_unit(code):
            return [code]  # a person, whose id no reorganisation changes
        units = self.registry()
        chain, todo = [code], [code]
        while todo:
            here = todo.pop()
            for step, back in (
                (units.predecessors, units.successors),
                (units.successors, units.predecessors),
            ):
                linked = step(here)
                if len(linked) == 1 and len(back(linked[0].code)) == 1:
                    other = linked[0].code
                    if other not in chain:
                        chain.append(other)
                        todo.append(other)
        return chain


def _years(n: Nomination) -> tuple[int, int]:
    first, last = n.evaluation_years
    return first, last
