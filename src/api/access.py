"""Who may read what (docs/spec.md §9's read column), in one place for every router."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from fastapi import Request

from api.deps import Caller, Principal
from domain.authorities import authority_for
from domain.context import Role
from domain.errors import DomainError, NominationNotFound
from domain.people import is_person_code
from domain.stages import Stage
from domain.summaries import NominationSummary
from domain.units import Nominee, UnitKind
from service.nomination_service import NominationService


class Reads(Protocol):
    """What deciding who may read needs: the service (the API's state, or the CLI's)."""

    @property
    def service(self) -> NominationService: ...

    @property
    def clock(self) -> Callable[[], date]: ...


EVERYONE_READS = (Role.PROVINCE_REVIEWER, Role.COUNCIL_SECRETARY, Role.AUDITOR)
COMPLAINANT_READERS = (Role.PROVINCE_REVIEWER, Role.COUNCIL_SECRETARY, Role.AUDITOR)
"""Who may learn who complained (Law on Denunciation): everyone else sees the complaint alone."""
COMPLAINANT_FIELDS = ("filed_by",)


def sees_complainants(principal: Principal) -> bool:
    return principal.has(*COMPLAINANT_READERS)


def without_complainant(payload: dict[str, Any]) -> dict[str, Any]:
    """An event's payload or a complaint with the complainant's identity and contact removed."""
    return {k: (None if k in COMPLAINANT_FIELDS else v) for k, v in payload.items()}


def may_read(app: Reads, principal: Principal, n: NominationSummary) -> bool:
    """docs/spec.md §9's read column: own units, own district, own tasks, agenda items, all."""
    if principal.has(*EVERYONE_READS):
        return True
    units = app.service.units
    for scope in principal.scopes(Role.UNIT_OFFICER):
        # Another API process may have registered the unit: ask the service, not the registry.
        if scope and app.service.knows_unit(n.unit_code) and units.is_within(n.unit_code, scope):
            return True
        if scope and is_person_code(n.unit_code) and scope in n.scope_codes:
            return True  # a person: within the scopes of their workplace
    if n.district_code and n.district_code in principal.scopes(Role.DISTRICT_REVIEWER):
        return True
    teams = set(principal.scopes(Role.INSPECTOR))
    if teams and any(v.get("team_id") in teams for v in n.visits.values()):
        return True
    if _decides(app, principal, n):
        return True
    if principal.has(Role.COUNCIL_MEMBER):
        sessions = {
            n.agenda_session_id,
            (n.decision or {}).get("session_id"),
            (n.recommendation or {}).get("session_id"),
        } - {None}
        for sid in sessions:
            if principal.username in app.service.get_session(UUID(str(sid))).members:
                return True
    return False


def _decides(app: Reads, principal: Principal, n: NominationSummary) -> bool:
    """An awarding authority reads the dossiers it decided, and those awaiting the decision
    of the authority competent today (docs/spec.md §12)."""
    mine = {s for s in principal.scopes(Role.AWARDING_AUTHORITY) if s}
    if not mine:
        return False
    if n.award_decision is not None:
        return n.award_decision.get("authority") in mine
    if n.stage != Stage.AWAITING_DECISION.value:
        return False
    rules = app.service.default_rule_set
    nominee = Nominee(n.unit_code, n.unit_name, UnitKind(n.unit_kind), frozenset(), n.district_code)
    try:
        return authority_for(rules, n.award_form, nominee, app.clock()).id in mine
    except DomainError:
        return False


def readable(app: Reads, principal: Principal, nid: UUID, **when: Any) -> NominationSummary:
    """The nomination, for a caller who may read it; for anyone else it does not exist: the
    same 404 as an unknown id, so neither its stage nor its existence leaks."""
    n = app.service.get_nomination(nid, **when)
    if not may_read(app, principal, n):
        raise NominationNotFound(nid)
    return n


def nomination_in_scope(request: Request, principal: Caller) -> None:
    """A router's guard for every route on one nomination, writes included: scope before
    stage. A caller who may not read the nomination gets its 404 before anything else."""
    raw = request.path_params.get("nomination_id")
    if raw is None:
        return
    try:
        nid = UUID(str(raw))
    except ValueError:
        return  # the route's own validation names the field
    # The route reads the same nomination now: it finds it here rather than loading again.
    request.state.nomination = readable(request.app.state.thidua, principal, nid)


def in_scope(request: Request, app: Reads, principal: Principal, nid: UUID) -> NominationSummary:
    """The nomination the router's guard read for this request (one read a request), or,
    where no guard ran, read now with the same scope rule."""
    found = getattr(request.state, "nomination", None)
    if isinstance(found, NominationSummary) and found.id == nid:
        return found
    return readable(app, principal, nid)
