"""Working days: weekends, Vietnamese holidays (Tết included), days off and make-up days."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import WorkingCalendar
from domain.errors import InvalidInput

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


def test_tet_2023_days_are_not_working_days(calendar: WorkingCalendar) -> None:
    for day in range(20, 27):
        assert not calendar.is_working_day(date(2023, 1, day))


def test_one_working_day_after_the_eve_of_tet_2023_is_the_friday_after_it(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.add_working_days(date(2023, 1, 19), 1) == date(2023, 1, 27)


def test_ten_working_days_across_tet_2024_skip_its_seven_days(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2024, 2, 1), 10) == date(2024, 2, 22)


def test_a_window_of_working_days_spanning_tet_2024_counts_only_working_days(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.working_days_between(date(2024, 2, 7), date(2024, 2, 15)) == 1


def test_weekends_are_not_working_days(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2024, 3, 8), 1) == date(2024, 3, 11)


def test_national_day_is_not_a_working_day(calendar: WorkingCalendar) -> None:
    assert not calendar.is_working_day(date(2024, 9, 2))


def test_extra_days_off_and_make_up_working_days_are_configurable() -> None:
    calendar = WorkingCalendar(
        extra_days_off=[date(2024, 3, 11)], make_up_working_days=[date(2024, 5, 4)]
    )
    assert not calendar.is_working_day(date(2024, 3, 11))
    assert calendar.is_working_day(date(2024, 5, 4))  # a Saturday worked in exchange
    assert calendar.add_working_days(date(2024, 3, 8), 1) == date(2024, 3, 12)


def test_a_day_cannot_be_both_off_and_a_make_up_working_day() -> None:
    with pytest.raises(InvalidInput) as refused:
        WorkingCalendar(extra_days_off=[date(2024, 5, 4)], make_up_working_days=[date(2024, 5, 4)])
    assert refused.value.field == "make_up_working_days"


def test_zero_working_days_is_the_same_day_and_negative_counts_go_back(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.add_working_days(date(2024, 2, 15), 0) == date(2024, 2, 15)
    assert calendar.add_working_days(date(2024, 2, 15), -1) == date(2024, 2, 7)
    assert calendar.working_days_between(date(2024, 2, 15), date(2024, 2, 7)) == -1
