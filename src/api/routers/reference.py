"""Reference data every signed-in user may read: units, rule sets, cycles."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api.deps import Caller, State
from api.routes import Router
from api.schemas.admin import CyclePublic, LinkedUnit, UnitPublic, cycle_public
from api.schemas.common import Page, Text
from api.schemas.reference import Enumerations, RuleSetPublic
from domain.council_voting import Choice
from domain.criteria.loader import shipped_rule_sets
from domain.criteria.rules import Basis, Outcome
from domain.criteria.ruleset import RuleSet
from domain.dossier import ReviewDecision
from domain.errors import RuleSetNotFound
from domain.stages import Stage
from domain.statistics import FLOW_FIELDS
from domain.units import Unit, UnitRegistry

router = Router(tags=["everyone"])


def unit_public(unit: Unit, registry: UnitRegistry | None = None) -> UnitPublic:
    """A unit; with the registry, its predecessors and successors and their dates."""
    public = UnitPublic(**unit.to_dict())
    if registry is not None:
        public.predecessors = [_linked(u) for u in registry.predecessors(unit.code)]
        public.successors = [_linked(u) for u in registry.successors(unit.code)]
    return public


def _linked(unit: Unit) -> LinkedUnit:
    return LinkedUnit(
        code=unit.code, name=unit.name, valid_from=unit.valid_from, valid_to=unit.valid_to
    )


@router.read(
    "/enumerations", Enumerations, "The values the UI offers: stages, outcomes, ballot choices"
)
def enumerations(app: State, _: Caller) -> Enumerations:
    return Enumerations(
        award_forms=sorted(app.service.default_rule_set.award_forms),
        review_decisions=[d.value for d in ReviewDecision],
        flows=list(FLOW_FIELDS),
        stages=[s.value for s in Stage],
        outcomes=[o.value for o in Outcome],
        judged_outcomes=[o.value for o in Outcome if o is not Outcome.NEEDS_JUDGEMENT],
        bases=[b.value for b in Basis],
        choices=[c.value for c in Choice],
    )


@router.read("/units", Page[UnitPublic], "The unit registry")
def units(
    app: State,
    _: Caller,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    parent_code: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[UnitPublic]:
    app.service._load_registered_units()
    found = [
        unit_public(u)
        for u in app.service.registry()
        if (kind is None or u.kind.value == kind)
        and (parent_code is None or u.parent_code == parent_code)
    ]
    return Page[UnitPublic](data=found, count=len(found))


@router.read("/units/{code}", UnitPublic, "One unit")
def unit(app: State, _: Caller, code: Annotated[str, Path(max_length=64)]) -> UnitPublic:
    return unit_public(app.service.unit(code), app.service.units)


@router.read("/rule-sets", Page[RuleSetPublic], "Rule sets with version and digest")
def rule_sets(_: Caller) -> Page[RuleSetPublic]:
    data = [rule_set_public(r) for r in shipped_rule_sets()]
    return Page[RuleSetPublic](data=data, count=len(data))


@router.read(
    "/rule-sets/{rule_set_id}",
    Page[RuleSetPublic],
    "One rule set's versions, each with its content",
)
def rule_set(_: Caller, rule_set_id: Annotated[str, Path(max_length=100)]) -> Page[RuleSetPublic]:
    versions = [r for r in shipped_rule_sets() if r.ref.id == rule_set_id]
    if not versions:
        raise RuleSetNotFound(rule_set_id)
    data = [rule_set_public(r, content=True) for r in versions]
    return Page[RuleSetPublic](data=data, count=len(data))


def rule_set_public(rules: RuleSet, *, content: bool = False) -> RuleSetPublic:
    return RuleSetPublic(
        id=rules.ref.id,
        version=rules.ref.version,
        digest=rules.ref.digest,
        title=Text(vi=rules.title.vi, en=rules.title.en),
        criteria=sorted(rules.criteria),
        award_forms=sorted(rules.award_forms),
        content=rules.raw if content else None,
    )


@router.read("/cycles/{year}", CyclePublic, "A cycle, or its defaults")
def cycle(app: State, _: Caller, year: Annotated[int, Path(ge=2000, le=2100)]) -> CyclePublic:
    return cycle_public(app.service.cycle_terms(year))
