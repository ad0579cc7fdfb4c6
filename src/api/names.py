"""Names for people where the API keeps codes for machines."""

from __future__ import annotations

from api.schemas.common import Text
from domain.criteria.ruleset import RuleSet


def criterion_title(rules: RuleSet, criterion_id: str) -> Text | None:
    """A criterion's name in a rule set; None for an id the rule set does not hold."""
    spec = rules.criteria.get(criterion_id)
    return Text(vi=spec.title.vi, en=spec.title.en) if spec else None
