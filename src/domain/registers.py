"""Numbered registers: an issuing body's register of the documents it numbers in a year.

Decree 30/2020/NĐ-CP (art. 15 and Annex I) has a body number its documents in one sequence a
year per register; a number is given once. The product gives the next number when a document
is recorded as issued, in the same commit, so that a number it gives has no gap before it and
is never given twice; a number a chancery gave outside the product is recorded and refused a
second time.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.chain import ChainedAggregate
from domain.errors import AlreadyExists, InvalidInput

NUMBER = re.compile(r"^(\d{1,6})/([A-ZĐ0-9][A-ZĐ0-9-]{0,30})$")


def register_id(register: str, year: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"/registers/{register}/{year}")


class NumberRegister(ChainedAggregate):
    """One register for one year: ``register`` names the body and kind (for example
    ``ubnd-tinh-ben-tre/QĐ-UBND``), ``suffix`` is what follows the number."""

    @staticmethod
    def create_id(register: str, year: int, suffix: str) -> UUID:
        return register_id(register, year)

    class Opened(ChainedAggregate.Created):
        register: str
        year: int
        suffix: str

    @event(Opened)
    def __init__(self, register: str, year: int, suffix: str) -> None:
        self.register = register
        self.year = year
        self.suffix = suffix
        self.given = 0
        self.used: dict[str, str] = {}  # number as written -> the document it numbers

    def give(self, document: str) -> str:
        """The next number, for ``document``."""
        number = f"{self.given + 1}/{self.suffix}"
        while number in self.used:  # a chancery's own number took it: skip past, never reuse
            self.give_past(number)
            number = f"{self.given + 1}/{self.suffix}"
        self._number_given(number=number, document=document)
        return number

    def give_past(self, number: str) -> None:
        self._number_given(number="", document=self.used[number])

    def record(self, number: str, document: str) -> str:
        """A number given by a chancery outside the product; refused if it was used."""
        number = number.strip()
        if not NUMBER.match(number):
            raise InvalidInput("decision_number", "must read N/SUFFIX, for example 12/QĐ-UBND")
        if number in self.used:
            raise AlreadyExists(
                f"number {number} of {self.year} is already given to {self.used[number]}",
                number=number,
                document=self.used[number],
            )
        self._number_recorded(number=number, document=document)
        return number

    class NumberGiven(ChainedAggregate.Event):
        number: str  # empty: the sequence moved past a number a chancery had recorded
        document: str

    @event(NumberGiven)
    def _number_given(self, number: str, document: str) -> None:
        self.given += 1
        if number:
            self.used[number] = document

    class NumberRecorded(ChainedAggregate.Event):
        number: str
        document: str

    @event(NumberRecorded)
    def _number_recorded(self, number: str, document: str) -> None:
        self.used[number] = document

    def numbers(self) -> dict[str, Any]:
        return {"register": self.register, "year": self.year, "used": dict(self.used)}
