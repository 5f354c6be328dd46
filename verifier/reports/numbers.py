"""Report, letter and inquiry numbers: ``{series}-{year}-{sequence:08d}``, never given twice.

One counter row per series and year, advanced by a single upsert
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``): on PostgreSQL the row lock
it takes makes concurrent transactions queue for the next number, on SQLite the
write transaction (``BEGIN IMMEDIATE``) does. A number is taken inside the
caller's transaction, so a report that is rolled back gives its number back
with it: numbers have no gaps.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from verifier.db.models import ReportCounter

SEQUENCE_DIGITS = 8


def next_number(session: Session, series: str, year: int, *, digits: int = SEQUENCE_DIGITS) -> str:
    """The next number of ``series`` in ``year``, e.g. ``VR-2026-00001234``
    (``INQ-2026-000123`` for inquiries, whose numbers have ``digits=6``)."""
    insert: Any = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    statement = (
        insert(ReportCounter)
        .values(series=series, year=year, last=1)
        .on_conflict_do_update(
            index_elements=[ReportCounter.series, ReportCounter.year],
            set_={"last": ReportCounter.last + 1},
        )
        .returning(ReportCounter.last)
    )
    sequence = session.execute(statement).scalar_one()
    return f"{series}-{year:04d}-{sequence:0{digits}d}"
