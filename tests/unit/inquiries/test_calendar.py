"""An inquiry's answer is due in working days: weekends and Uzbekistan's holidays skipped."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from verifier.errors import Conflict, InvalidInput
from verifier.inquiries import calendar
from verifier.runtime import Runtime

NO_HOLIDAYS: frozenset[dt.date] = frozenset()


def test_the_day_of_receipt_does_not_count() -> None:
    monday = dt.date(2026, 11, 2)
    assert calendar.add_working_days(monday, 1, NO_HOLIDAYS) == dt.date(2026, 11, 3)


def test_weekends_are_skipped() -> None:
    friday = dt.date(2026, 11, 6)
    assert calendar.add_working_days(friday, 1, NO_HOLIDAYS) == dt.date(2026, 11, 9)


def test_ten_working_days_are_two_weeks_without_holidays() -> None:
    monday = dt.date(2026, 11, 2)
    assert calendar.add_working_days(monday, 10, NO_HOLIDAYS) == dt.date(2026, 11, 16)


def test_fixed_holidays_are_skipped() -> None:
    # 8 December (Constitution Day) is a Tuesday in 2026.
    monday = dt.date(2026, 12, 7)
    assert calendar.add_working_days(monday, 1, NO_HOLIDAYS) == dt.date(2026, 12, 9)


def test_added_holidays_are_skipped() -> None:
    thursday = dt.date(2026, 3, 19)
    ramazon_hayit = dt.date(2026, 3, 20)
    # Friday the 20th added, the weekend, and the 21st (Navruz) on the Saturday.
    assert calendar.add_working_days(thursday, 1, {ramazon_hayit}) == dt.date(2026, 3, 23)


def test_a_day_is_a_tashkent_day() -> None:
    late_utc = dt.datetime(2026, 11, 2, 20, 30, tzinfo=dt.UTC)
    assert calendar.tashkent_day(late_utc) == dt.date(2026, 11, 3)


def test_due_date_counts_from_the_tashkent_day_of_receipt(session: Session) -> None:
    friday_evening_utc = dt.datetime(2026, 11, 6, 20, 0, tzinfo=dt.UTC)  # Saturday in Tashkent
    assert calendar.due_date(session, friday_evening_utc, 1) == dt.date(2026, 11, 9)


def test_due_date_skips_holidays_added_in_the_registry(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        calendar.add_holiday(session, dt.date(2026, 11, 3), "Bridge day", actor="test")
    with runtime.database.session() as session:
        monday = dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC)
        assert calendar.due_date(session, monday, 1) == dt.date(2026, 11, 4)


def test_holidays_of_a_year_list_fixed_and_added_in_order(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        calendar.add_holiday(session, dt.date(2026, 5, 27), "Qurbon hayit", actor="test")
    with runtime.database.session() as session:
        days = calendar.holidays(session, 2026)
    assert [d.day for d in days] == sorted(d.day for d in days)
    assert calendar.Day(dt.date(2026, 5, 27), "Qurbon hayit", fixed=False) in days
    assert sum(d.fixed for d in days) == len(calendar.FIXED_HOLIDAYS)


def test_a_holiday_cannot_be_added_twice(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        calendar.add_holiday(session, dt.date(2026, 5, 27), "Qurbon hayit", actor="test")
    with pytest.raises(Conflict), runtime.database.transaction() as session:
        calendar.add_holiday(session, dt.date(2026, 5, 27), "Again", actor="test")


def test_a_fixed_holiday_cannot_be_added(session: Session) -> None:
    with pytest.raises(Conflict):
        calendar.add_holiday(session, dt.date(2027, 3, 21), "Navruz", actor="test")


def test_a_holiday_needs_a_name(session: Session) -> None:
    with pytest.raises(InvalidInput):
        calendar.add_holiday(session, dt.date(2027, 4, 1), "  ", actor="test")
