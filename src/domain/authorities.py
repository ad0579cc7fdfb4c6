"""Who decides an award, on which date (docs/spec.md §12).

The Law on Emulation and Commendation 06/2022/QH15 gives the decision to the chairman of
the People's Committee whose form it is (art. 80: the provincial chairman for the province's
Bằng khen and Cờ thi đua, a district's chairman for its Giấy khen, a commune's for its own),
on the council's advice (art. 79). An authority exists for a period: the district level ended
on 1/7/2025 (Law 72/2025/QH15), and the province the rule set names after a reorganisation
takes over from the one before it (Resolution 202/2025/QH15). Rule sets up to v3 name the
province's chairman before and after by text only; the ids below are the product's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.criteria.rules import Explanation
from domain.criteria.ruleset import RuleSet
from domain.errors import DomainError, InvalidInput
from domain.units import Nominee

PROVINCE_IDS = ("ubnd-tinh-ben-tre", "ubnd-tinh-vinh-long")  # before, after the reorganisation


class WrongAuthority(DomainError):
    """The authority named may not decide this: not its form, or it did not exist then."""

    code = "wrong_authority"


@dataclass(frozen=True)
class Authority:
    id: str
    name: Explanation
    level: str  # "province", "district" or "commune"
    valid_from: date | None  # None: before any date the rule set knows
    valid_until: date | None  # the last day it decides; None: still in office

    def exists_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until
        )

    def to_dict(self) -> dict[str, str | None]:
        return {
            "id": self.id,
            "name_vi": self.name.vi,
            "name_en": self.name.en,
            "level": self.level,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }


def provincial_authorities(rules: RuleSet) -> tuple[Authority, ...]:
    """The provincial chairman in office before and after the rule set's reorganisation."""
    change = next((r for r in rules.reorganisations if r.authority_after is not None), None)
    before = Explanation(
        "Chủ tịch Ủy ban nhân dân tỉnh Bến Tre",
        "Chairman of the People's Committee of Bến Tre province",
    )
    if change is None:
        return (Authority(PROVINCE_IDS[0], before, "province", None, None),)
    return (
        Authority(
            PROVINCE_IDS[0],
            change.authority_before or before,
            "province",
            None,
            change.on - timedelta(days=1),
        ),
        Authority(PROVINCE_IDS[1], change.authority_after or before, "province", change.on, None),
    )


def district_authority(rules: RuleSet, district_code: str) -> Authority:
    name = Explanation(
        f"Chủ tịch Ủy ban nhân dân huyện (mã {district_code})",
        f"Chairman of the district People's Committee (code {district_code})",
    )
    last_day = rules.district_level_ends_on - timedelta(days=1)
    return Authority(f"ubnd-huyen-{district_code}", name, "district", None, last_day)


def authority_for(rules: RuleSet, award_form: str, nominee: Nominee, on: date) -> Authority:
    """The authority whose form this is and which exists on ``on``, or a refusal saying why."""
    form = rules.award_form(award_form)
    if form.council_level == "district":
        if nominee.district_code is None:
            raise InvalidInput("award_form", f"{award_form} needs a nominee inside a district")
        found = district_authority(rules, nominee.district_code)
        if not found.exists_on(on):
            raise WrongAuthority(
                f"{found.id} did not exist on {on.isoformat()}: the district level ended on"
                f" {rules.district_level_ends_on.isoformat()}",
                authority=found.id,
                on=on.isoformat(),
            )
        return found
    return next(a for a in provincial_authorities(rules) if a.exists_on(on))


def require_competent(
    rules: RuleSet, authority_id: str, award_form: str, nominee: Nominee, on: date
) -> Authority:
    """The named authority, when it is the one that decides ``award_form`` on ``on``."""
    competent = authority_for(rules, award_form, nominee, on)
    if competent.id != authority_id:
        raise WrongAuthority(
            f"{authority_id} may not decide {award_form} for {nominee.code} on {on.isoformat()}:"
            f" the competent authority on that date is {competent.id}",
            authority=authority_id,
            on=on.isoformat(),
        )
    return competent


def known_authorities(rules: RuleSet, district_codes: list[str]) -> list[Authority]:
    return [*provincial_authorities(rules), *(district_authority(rules, c) for c in district_codes)]
