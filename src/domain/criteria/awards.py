"""What a rule set says of its awards from schema v4 on (docs/spec.md §5, §12): who each
form is for, which forms one achievement may earn together, the prize each award carries,
and the movement's plan. Every section is optional, so rule sets v1–v3 read as before.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from domain.criteria.rules import Explanation
from domain.errors import AlreadyExists, InvalidInput

AWARDEE_KINDS = ("collective", "household", "individual")


def awardee_kind(nominee_kind: str) -> str:
    """How the law counts a nominee for prizes: a household, a person, or a collective (tập
    thể) for every unit."""
    return nominee_kind if nominee_kind in ("household", "individual") else "collective"


def _text(raw: dict[str, Any]) -> Explanation:
    return Explanation(str(raw["vi"]), str(raw["en"]))


@dataclass(frozen=True)
class AppliesTo:
    """The nominees a form is for (unit kinds, ``household``, ``individual``) and the cycle
    kinds it is given in; an empty cycle list means every cycle."""

    kinds: frozenset[str]
    cycle_kinds: frozenset[str]
    basis: Explanation

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> AppliesTo:
        kinds = frozenset(str(k) for k in raw["kinds"])
        if not kinds:
            raise ValueError("applies_to.kinds must name at least one kind of nominee")
        return cls(kinds, frozenset(str(c) for c in raw.get("cycles", ())), _text(raw["basis"]))

    def require(self, form_id: str, nominee_kind: str, cycle_kind: str) -> None:
        """Refuses a nominee or a cycle the form is not for, naming ``award_form``."""
        if nominee_kind not in self.kinds:
            raise InvalidInput(
                "award_form",
                f"{form_id} is not for a {nominee_kind}: it is for"
                f" {', '.join(sorted(self.kinds))} ({self.basis.en})",
            )
        if self.cycle_kinds and cycle_kind not in self.cycle_kinds:
            raise InvalidInput(
                "award_form",
                f"{form_id} is not given in a {cycle_kind} cycle: only in"
                f" {', '.join(sorted(self.cycle_kinds))} ({self.basis.en})",
            )


@dataclass(frozen=True)
class Achievement:
    """One dossier of a nominee as the one-achievement rule sees it."""

    nomination_id: str
    award_form: str
    cycle_year: int
    years: tuple[int, int]
    awarded_by: str | None  # the decision's number once awarded; None while in progress


@dataclass(frozen=True)
class Combinations:
    """One achievement, one award: which forms may be given for the same cycle, and whether
    a year may count towards two awards."""

    may_combine: frozenset[frozenset[str]]
    years_count_once: bool
    basis: Explanation

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Combinations:
        pairs = frozenset(frozenset(str(f) for f in pair) for pair in raw.get("may_combine", ()))
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError("combinations.may_combine lists pairs of two different forms")
        return cls(pairs, bool(raw["years_count_once"]), _text(raw["basis"]))

    def require_free(
        self, award_form: str, cycle_year: int, years: tuple[int, int], others: list[Achievement]
    ) -> None:
        """Refuses a dossier whose achievement another dossier of the nominee, in progress
        or awarded, already claims (409 naming it)."""
        wanted = set(range(years[0], years[1] + 1))
        for other in others:
            if other.award_form == award_form and other.cycle_year == cycle_year:
                continue  # the same dossier: opening it twice is refused by its id
            if frozenset((award_form, other.award_form)) in self.may_combine:
                continue
            same_cycle = other.cycle_year == cycle_year
            shared = wanted & set(range(other.years[0], other.years[1] + 1))
            if not same_cycle and not (self.years_count_once and shared):
                continue
            what = (
                f"awarded {other.award_form} by decision {other.awarded_by}"
                if other.awarded_by
                else f"dossier {other.nomination_id} for {other.award_form}"
            )
            why = (
                f"cycle {cycle_year}"
                if same_cycle
                else f"year {min(shared)} (counted once: {self.basis.en})"
            )
            raise AlreadyExists(
                f"the achievement of {why} is claimed already: {what}",
                nomination_id=other.nomination_id,
                award_form=other.award_form,
                decision_number=other.awarded_by,
            )


@dataclass(frozen=True)
class Prize:
    """An award's prize: coefficient × the base salary in force on the decision date,
    rounded as the law says; the bases are recorded with it."""

    amount_vnd: int
    coefficient: str
    base_salary_vnd: int
    basis: str
    salary_basis: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Dated:
    valid_from: date
    value: Decimal
    basis: str


@dataclass(frozen=True)
class PrizeTable:
    base_salaries: tuple[_Dated, ...]
    coefficients: dict[tuple[str, str], tuple[_Dated, ...]]
    round_to_vnd: int
    round_up: bool

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PrizeTable:
        salaries = tuple(
            sorted(
                (
                    _Dated(
                        date.fromisoformat(s["valid_from"]),
                        Decimal(int(s["amount_vnd"])),
                        str(s["basis"]),
                    )
                    for s in raw["base_salary"]
                ),
                key=lambda d: d.valid_from,
            )
        )
        coefficients: dict[tuple[str, str], list[_Dated]] = {}
        for c in raw["coefficients"]:
            kind = str(c["awardee_kind"])
            if kind not in AWARDEE_KINDS:
                raise ValueError(f"prizes: awardee_kind must be one of {', '.join(AWARDEE_KINDS)}")
            value = Decimal(str(c["coefficient"]))
            if value <= 0:
                raise ValueError("prizes: a coefficient must be positive")
            coefficients.setdefault((str(c["form"]), kind), []).append(
                _Dated(date.fromisoformat(c["valid_from"]), value, str(c["basis"]))
            )
        rounding = raw["rounding"]
        if rounding["direction"] not in ("up", "half_up"):
            raise ValueError("prizes.rounding.direction must be 'up' or 'half_up'")
        return cls(
            salaries,
            {k: tuple(sorted(v, key=lambda d: d.valid_from)) for k, v in coefficients.items()},
            int(rounding["to_vnd"]),
            rounding["direction"] == "up",
        )

    def prize(self, form_id: str, kind: str, on: date) -> Prize:
        """The prize of ``form_id`` for an awardee of ``kind`` decided on ``on``."""
        coefficient = _in_force(self.coefficients.get((form_id, kind), ()), on)
        if coefficient is None:
            raise InvalidInput(
                "signed_on",
                f"the rule set states no prize for {form_id} to a {kind} on {on.isoformat()}",
            )
        salary = _in_force(self.base_salaries, on)
        if salary is None:
            raise InvalidInput("signed_on", f"the rule set states no base salary on {on}")
        steps = (coefficient.value * salary.value) / self.round_to_vnd
        rounded = steps.to_integral_value(ROUND_CEILING if self.round_up else ROUND_HALF_UP)
        return Prize(
            int(rounded) * self.round_to_vnd,
            f"{coefficient.value:f}",
            int(salary.value),
            coefficient.basis,
            salary.basis,
        )


def _in_force(entries: tuple[_Dated, ...], on: date) -> _Dated | None:
    found = None
    for entry in entries:
        if entry.valid_from <= on:
            found = entry
    return found


@dataclass(frozen=True)
class Plan:
    """A document the movement rests on: its kind, number, date, issuer and subject."""

    kind: Explanation
    number: str
    issued_on: date
    issuer: Explanation
    subject: Explanation

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Plan:
        return cls(
            _text(raw["kind"]),
            str(raw["number"]),
            date.fromisoformat(raw["date"]),
            _text(raw["issuer"]),
            _text(raw["subject"]),
        )

    @property
    def citation(self) -> str:
        """As a decision's bases cite it ("Quyết định số 666/QĐ-TTg ngày 02/6/2022 của …")."""
        day = self.issued_on
        return (
            f"{self.kind.vi} số {self.number} ngày {day.day:02d}/{day.month}/{day.year}"
            f" của {self.issuer.vi} {self.subject.vi}"
        )
