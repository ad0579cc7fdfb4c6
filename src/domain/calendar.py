"""Working days: Monday to Friday, minus Vietnamese public holidays (Tết included) and
configured days off, plus configured make-up working days (ngày làm bù)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta, timezone

from domain.errors import InvalidInput

VIETNAM = timezone(timedelta(hours=7))
"""The product's one time zone: deadlines and business dates are Vietnamese."""

HolidayLookup = Callable[[int], Iterable[date]]


def vietnamese_public_holidays(year: int) -> Iterable[date]:
    """Public holidays of Vietnam from the ``holidays`` package."""
    import holidays  # the package is data, imported where it is needed

    return holidays.country_holidays("VN", years=year).keys()


class WorkingCalendar:
    def __init__(
        self,
        extra_days_off: Iterable[date] = (),
        make_up_working_days: Iterable[date] = (),
        public_holidays: HolidayLookup = vietnamese_public_holidays,
    ) -> None:
        self.extra_days_off = frozenset(extra_days_off)
        self.make_up_working_days = frozenset(make_up_working_days)
        overlap = self.extra_days_off & self.make_up_working_days
        if overlap:
            first = min(overlap).isoformat()
            raise InvalidInput("make_up_working_days", f"{first} is also a day off")
        self._public_holidays = public_holidays
        self._holidays_by_year: dict[int, frozenset[date]] = {}

    def holidays_in(self, year: int) -> frozenset[date]:
        if year not in self._holidays_by_year:
            self._holidays_by_year[year] = frozenset(self._public_holidays(year))
        return self._holidays_by_year[year]

    def is_working_day(self, day: date) -> bool:
        if day in self.make_up_working_days:
            return True
        if day in self.extra_days_off or day in self.holidays_in(day.year):
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> date:
        """The day ``days`` working days after ``start`` (``start`` itself not counted).

        Zero days gives ``start``. A negative count goes backwards.
        """
        step = timedelta(days=1 if days >= 0 else -1)
        remaining = abs(days)
        day = start
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
