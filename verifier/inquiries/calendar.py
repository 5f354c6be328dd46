"""Working days in Uzbekistan: when an inquiry's answer is due.

A week has five working days (Monday to Friday, as the institutes' offices
keep). The fixed public holidays of the Labour Code ship here; the movable
ones (Ramazon hayit and Qurbon hayit follow the lunar calendar, and the
government often adds bridge days) are added per year with
``verifier holidays add DATE NAME`` and kept in the ``holidays`` table, so
every host counts the same days. Days are Tashkent days: an inquiry received
at 20:30 UTC is received on the next day in Tashkent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from verifier.audit import events
from verifier.audit.events import EventKind
from verifier.db.models import Holiday
from verifier.errors import Conflict, InvalidInput
from verifier.printing.report import TASHKENT

# (month, day): name. The Labour Code of the Republic of Uzbekistan, art. 133.
FIXED_HOLIDAYS: dict[tuple[int, int], str] = {
    (1, 1): "Yangi yil (New Year's Day)",
    (3, 8): "Xalqaro xotin-qizlar kuni (International Women's Day)",
    (3, 21): "Navro'z bayrami (Navruz)",
    (5, 9): "Xotira va qadrlash kuni (Day of Remembrance and Honour)",
    (9, 1): "Mustaqillik kuni (Independence Day)",
    (10, 1): "O'qituvchi va murabbiylar kuni (Teachers' and Mentors' Day)",
    (12, 8): "O'zbekiston Respublikasi Konstitutsiyasi kuni (Constitution Day)",
}
MAX_NAME = 200
_SATURDAY = 5


@dataclass(frozen=True, order=True)
class Day:
    """A holiday as listed: the date, its name, and whether it ships with the code."""

    day: dt.date
    name: str
    fixed: bool


def fixed_holidays(year: int) -> list[Day]:
    return [
        Day(dt.date(year, month, day), name, fixed=True)
        for (month, day), name in sorted(FIXED_HOLIDAYS.items())
    ]


def holidays(session: Session, year: int) -> list[Day]:
    """Every holiday of ``year``: the fixed ones and those added, in date order."""
    added = session.scalars(
        select(Holiday).where(
            Holiday.day >= dt.date(year, 1, 1), Holiday.day <= dt.date(year, 12, 31)
        )
    )
    days = {day.day: day for day in fixed_holidays(year)}
    for row in added:
        days.setdefault(row.day, Day(row.day, row.name, fixed=False))
    return sorted(days.values())


def add_holiday(session: Session, day: dt.date, name: str, *, actor: str) -> Day:
    """Add a movable holiday (or a bridge day); adding a day twice is a conflict."""
    text = " ".join(name.split())
    if not text or len(text) > MAX_NAME or not text.isprintable():
        raise InvalidInput("holiday_name", limit=MAX_NAME, field="name")
    if (day.month, day.day) in FIXED_HOLIDAYS or session.get(Holiday, day) is not None:
        raise Conflict("holiday_exists", day=day.isoformat())
    session.add(Holiday(day=day, name=text, added_by=actor))
    session.flush()
    events.record(session, EventKind.HOLIDAY_ADDED, day.isoformat(), {"name": text}, actor=actor)
    return Day(day, text, fixed=False)


def tashkent_day(moment: dt.datetime) -> dt.date:
    """The date in Tashkent at ``moment`` (an aware time)."""
    return moment.astimezone(TASHKENT).date()


def is_working_day(day: dt.date, added: Collection[dt.date]) -> bool:
    return (
        day.weekday() < _SATURDAY
        and (day.month, day.day) not in FIXED_HOLIDAYS
        and (day not in added)
    )


def add_working_days(start: dt.date, count: int, added: Collection[dt.date]) -> dt.date:
    """The ``count``-th working day after ``start`` (the day of receipt does not count)."""
    if count < 1:
        raise ValueError("count working days from one")
    day = start
    left = count
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day, added):
            left -= 1
    return day


def due_date(session: Session, received_at: dt.datetime, working_days: int) -> dt.date:
    """When the answer to an inquiry received at ``received_at`` is due."""
    start = tashkent_day(received_at)
    # Enough calendar days for any count the settings allow (weekends and holidays).
    horizon = start + dt.timedelta(days=working_days * 2 + 60)
    added = set(
        session.scalars(select(Holiday.day).where(Holiday.day > start, Holiday.day <= horizon))
    )
    return add_working_days(start, working_days, added)
