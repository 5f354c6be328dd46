"""What a verification reads of the registry: one row per document, without the ORM.

A look-up of one number is one query: the document's content and standing, its
institution's names and, for a supplement, its diploma's standing (an outer
join). The statements are built once, from the fields of
:class:`~verifier.documents.record.Record` and
:class:`~verifier.documents.record.Standing`, and a row maps onto them by
position. The web's look-ups run the one-number statement on the fast path
(:class:`Lookups`, see :mod:`verifier.db.fast_reads`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select
from sqlalchemy.orm import Session, aliased

from verifier.db.fast_reads import FastQuery
from verifier.db.models import CourseLine, Document, Institution, institution_names
from verifier.documents.record import Course, Record, Registered, Standing
from verifier.vocabulary import DocumentType

_diploma = aliased(Document, name="diploma")
# The record's fields but the grade table (read apart, only when disclosed);
# its institution is the institution's code.
_RECORD = [Institution.code if name == "institution" else getattr(Document, name)
           for name in Record._fields[:-1]]  # fmt: skip
# A supplement's diploma's standing comes from the joined diploma row.
_STANDING = [
    getattr(_diploma, name.removeprefix("diploma_")) if name.startswith("diploma_")
    else getattr(Document, name)
    for name in Standing._fields
]  # fmt: skip
_RECORD_END = len(_RECORD)
_STANDING_END = _RECORD_END + len(_STANDING)
_COLUMNS = (
    select(*_RECORD, *_STANDING, Institution.name_uz, Institution.name_ru, Institution.name_en)
    .join(Institution, Institution.id == Document.institution_id)
    .outerjoin(_diploma, _diploma.number == Document.diploma_number)
)
# One number (the usual case) gets a plain equality, which caches better than IN.
_BY_NUMBER = _COLUMNS.where(Document.number == bindparam("number"))
_BY_NUMBERS = _COLUMNS.where(Document.number.in_(bindparam("numbers", expanding=True)))
_TYPES = {kind.value: kind for kind in DocumentType}


def _registered(row: Sequence[Any]) -> Registered:
    record = Record._make((_TYPES[row[0]], *row[1:_RECORD_END], None))
    name_uz, name_ru, name_en = row[_STANDING_END:]
    return Registered(
        record,
        Standing._make(row[_RECORD_END:_STANDING_END]),
        institution_names(name_uz, name_ru, name_en),
    )


class Lookups:
    """The public site's and API's reads, on an engine of their own (autocommit on PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._by_number = FastQuery(engine, _BY_NUMBER, "number")

    def find(self, numbers: Collection[str]) -> dict[str, Registered]:
        if len(numbers) != 1:
            with self.engine.connect() as connection:
                return find(connection, numbers)
        (number,) = numbers
        row = self._by_number.one(number)
        return {} if row is None else {number: _registered(row)}


# A session or connection for callers that already hold one (CLI, tests); the
# web's look-ups, which connect only inside the query's error handling, so a
# database that is down answers `error` like any other failure.
Reader = Session | Connection | Lookups


def find(reader: Reader, numbers: Collection[str]) -> dict[str, Registered]:
    """The documents under these canonical numbers, by number; missing ones are absent."""
    if isinstance(reader, Lookups):
        return reader.find(numbers)
    if len(numbers) == 1:
        (number,) = numbers
        rows = reader.execute(_BY_NUMBER, {"number": number})
    else:
        rows = reader.execute(_BY_NUMBERS, {"numbers": list(numbers)})
    return {row[1]: _registered(row) for row in rows}


def find_one(reader: Reader, number: str) -> Registered | None:
    return find(reader, (number,)).get(number)


_COURSES = (
    select(Document.number, CourseLine.name, CourseLine.hours, CourseLine.grade)
    .join(CourseLine, CourseLine.document_id == Document.id)
    .where(Document.number.in_(bindparam("numbers", expanding=True)))
    .order_by(Document.number, CourseLine.position)
)

Grades = tuple[Course, ...]


def find_grades(reader: Reader, numbers: Collection[str]) -> dict[str, Grades]:
    """The grade tables of these supplements, in printed order, by number.

    A second query, run only for supplements whose answer discloses them (a
    matched holder): the diploma and certificate look-ups stay one query.
    """
    if not numbers:
        return {}
    if isinstance(reader, Lookups):
        with reader.engine.connect() as connection:
            return find_grades(connection, numbers)
    tables: dict[str, list[Course]] = {}
    for number, name, hours, grade in reader.execute(_COURSES, {"numbers": list(numbers)}):
        tables.setdefault(number, []).append(Course(name, hours, grade))
    return {number: tuple(lines) for number, lines in tables.items()}
