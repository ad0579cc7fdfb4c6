"""Accounts and the unit register."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from eventsourcing.application import (
    AggregateNotFoundError,
)

from domain.accounts import Account, Roster, account_id, normalise_username, parse_grants, roster_id
from domain.chain import ChainedAggregate
from domain.context import CommandContext, Role, acting
from domain.errors import (
    AlreadyExists,
    ConcurrentWriteError,
    InvalidInput,
)
from domain.summaries import (
    AccountSummary,
    CommandResult,
)
from domain.units import Unit, UnitCatalogue, catalogue_id
from service.application import (
    ACCOUNT,
)
from service.lookups import Lookups

CATALOGUE_ATTEMPTS = 10
BULK_SAVE_BYTES = 1_000_000  # one save stays near 1 MB (docs/spec.md §2)


class AccountCases(Lookups):
    """Accounts and the unit register."""

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
                existing: ChainedAggregate = self._store_reader.get(aid)
            except AggregateNotFoundError:
                account = Account.register(username, password_hash, parsed, display_name, email)
                try:
                    roster: Roster = self._store_reader.get(roster_id())
                except AggregateNotFoundError:
                    roster = Roster()
                roster.enrol(account.username)
                position = self._commit(account, roster)
                return CommandResult(account.id, account.version, position)
            if existing.has_handled(ctx.command_id):
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

    def update_account(
        self,
        ctx: CommandContext,
        username: str,
        grants: list[dict[str, Any]] | None = None,
        active: bool | None = None,
        reason: str = "",
    ) -> CommandResult:
        """New roles, activation or both as one command: every change is recorded together
        (reactivated first, so new roles apply to an active account; deactivated last)."""
        parsed = parse_grants(grants) if grants is not None else None

        def change(account: Account) -> None:
            if active is True:
                account.reactivate()
            if parsed is not None:
                account.change_grants(parsed)
            if active is False:
                account.deactivate(reason)

        return self._execute(ctx, ACCOUNT, account_id(username), change)

    def deactivate_account(self, ctx: CommandContext, username: str, reason: str) -> CommandResult:
        return self._execute(ctx, ACCOUNT, account_id(username), lambda a: a.deactivate(reason))

    def reactivate_account(self, ctx: CommandContext, username: str) -> CommandResult:
        return self._execute(ctx, ACCOUNT, account_id(username), lambda a: a.reactivate())

    def sign_out(self, ctx: CommandContext, username: str) -> CommandResult:
        """Revokes every token the account holds now."""
        return self._execute(ctx, ACCOUNT, account_id(username), lambda a: a.sign_out())

    def list_accounts(self) -> list[AccountSummary]:
        try:
            roster: Roster = self._store_reader.get(roster_id())
        except AggregateNotFoundError:
            return []
        found = [self.find_account(name) for name in roster.usernames]
        return [a for a in found if a is not None]

    # --- units ---------------------------------------------------------------------------

    def register_units(
        self, ctx: CommandContext, rows: Sequence[Mapping[str, Any]]
    ) -> list[CommandResult]:
        """Registers many units at once: all of them or, when any is wrong, none (the
        error names the row and field). They are saved in chunks of at most about 1 MB,
        each its own command (``<command id>/<chunk>``), so importing the same list again
        changes nothing and a crash between chunks is finished by running it again."""
        units: list[Unit] = []
        codes: set[str] = set()
        resumed = self._load_registered_units() > 0 and self._catalogue_has_handled(
            f"{ctx.command_id}/0"
        )
        for index, row in enumerate(rows):
            try:
                unit = Unit.from_dict(dict(row))
            except InvalidInput as wrong:
                raise InvalidInput(f"units[{index}].{wrong.field}", wrong.reason) from None
            if unit.code in codes:
                raise InvalidInput(f"units[{index}].code", f"{unit.code} is listed twice")
            if not resumed and self.knows_unit(unit.code):
                raise AlreadyExists(
                    f"units[{index}].code: unit {unit.code} exists already", unit_code=unit.code
                )
            parent = unit.parent_code
            if parent is not None and parent not in codes and not self.knows_unit(parent):
                raise InvalidInput(
                    f"units[{index}].parent_code", f"unit {parent!r} is not registered"
                )
            if parent is not None:
                listed = next((u for u in units if u.code == parent), None)
                unit.require_within(listed or self.unit(parent), f"units[{index}].")
            unknown = [
                c for c in unit.predecessor_codes if c not in codes and not self.knows_unit(c)
            ]
            if unknown:
                raise InvalidInput(
                    f"units[{index}].predecessors", f"{', '.join(unknown)} are not registered"
                )
            codes.add(unit.code)
            units.append(unit)
        chunks: list[list[Unit]] = [[]]
        size = 0
        for unit in units:
            encoded = len(json.dumps(unit.to_dict(), ensure_ascii=False).encode())
            if chunks[-1] and size + encoded > BULK_SAVE_BYTES:
                chunks.append([])
                size = 0
            chunks[-1].append(unit)
            size += encoded
        results = []
        for number, chunk in enumerate(chunks):
            part = replace(ctx, command_id=f"{ctx.command_id}/{number}")
            results.append(self._register_chunk(part, chunk))
        return results

    def _catalogue_has_handled(self, command_id: str) -> bool:
        catalogue: UnitCatalogue = self._catalogue_reader.get(
            catalogue_id(), deepcopy_from_cache=False
        )
        return catalogue.has_handled(command_id)

    def _register_chunk(self, ctx: CommandContext, chunk: list[Unit]) -> CommandResult:
        """Registers units in one save. Registrations of different units commute, so one
        that lost a race with another process's is run again on the catalogue as it now
        stands. The catalogue stays in this process's command cache between saves: each
        costs the same, however many came before."""
        with self._lock(catalogue_id()), acting(ctx):
            for attempt in range(CATALOGUE_ATTEMPTS):
                stored_version = self._load_registered_units()
                try:
                    catalogue: UnitCatalogue = self.repository.get(
                        catalogue_id(), deepcopy_from_cache=False
                    )
                    if catalogue.version < stored_version:  # another process wrote since
                        self._evict(catalogue_id())
                        catalogue = self.repository.get(catalogue_id(), deepcopy_from_cache=False)
                except AggregateNotFoundError:
                    catalogue = UnitCatalogue()  # the first registration starts the catalogue
                else:
                    # A retry whose first attempt committed, here or in another process, is
                    # answered as that attempt was, before anything else is checked.
                    if catalogue.has_handled(ctx.command_id):
                        return CommandResult(catalogue.id, catalogue.version, None, replayed=True)
                for unit in chunk:
                    if unit.code in self.units:
                        raise AlreadyExists(f"unit {unit.code} exists already", unit_code=unit.code)
                try:
                    for unit in chunk:
                        catalogue.register(unit)
                    position = self._commit(catalogue)
                except ConcurrentWriteError:
                    self._evict(catalogue_id())
                    if attempt + 1 == CATALOGUE_ATTEMPTS:
                        raise
                    continue
                except BaseException:
                    self._evict(catalogue_id())
                    raise
                break
        for unit in chunk:
            self.units.add(unit)
        return CommandResult(catalogue.id, catalogue.version, position)

    def register_unit(self, ctx: CommandContext, data: Mapping[str, Any]) -> CommandResult:
        """Adds a unit to the one catalogue every process writes to (``_register_chunk``).
        Its parent must exist; units are never removed, so a retry finds it too."""
        unit = Unit.from_dict(dict(data))
        if unit.parent_code is not None:
            unit.require_within(self.unit(unit.parent_code))
        return self._register_chunk(ctx, [unit])
