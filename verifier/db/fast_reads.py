"""What a verification reads from the registry: one row per document, without the ORM.

A public look-up is read-only and touches one row, so it skips the ORM (identity
map, instance state, the joined relationship): on the QR landing page and the
JSON look-up that bookkeeping cost more than the query itself. The web's
single-number look-ups go further (:class:`Lookups`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, aliased

from verifier.db.models import CourseLine, Document, Institution, institution_names


@dataclass(frozen=True, slots=True)
class RegistryRecord:
    """One document's row as verification needs it, with its institution's code and names."""

    number: str
    type: str
    status: str
    surname: str
    given_name: str
    patronymic: str | None
    birth_date: dt.date
    issue_date: dt.date
    program_code: str | None
    program_name: str | None
    qualification: str | None
    diploma_number: str | None
    grades_digest: str | None
    course_name: str | None
    hours: int | None
    kid: str
    recorded_at: dt.datetime
    revoked_at: dt.datetime | None
    revocation_code: str | None
    revocation_reason: str | None
    superseded_by: str | None
    study_form: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    honors: bool
    institution_code: str
    # A supplement's diploma (None for other documents, or a diploma not in the
    # registry): its status decides the supplement's answer.
    diploma_status: str | None
    diploma_revoked_at: dt.datetime | None
    diploma_revocation_code: str | None
    diploma_superseded_by: str | None
    institution_names: Mapping[str, str]


# The document's columns in the record's field order, so a row maps onto it by position.
_ROW_FIELDS = [f.name for f in fields(RegistryRecord)][:-1]
_DOCUMENT_FIELDS = _ROW_FIELDS[: _ROW_FIELDS.index("institution_code")]
# A supplement's status follows its diploma's: joined into the same read (the
# public look-up is a hot path; a second query per answer would double its cost).
_diploma = aliased(Document, name="diploma")
_COLUMNS = (
    select(
        *(getattr(Document, name) for name in _DOCUMENT_FIELDS),
        Institution.code,
        _diploma.status,
        _diploma.revoked_at,
        _diploma.revocation_code,
        _diploma.superseded_by,
        Institution.name_uz,
        Institution.name_ru,
        Institution.name_en,
    )
    .join(Institution, Institution.id == Document.institution_id)
    .outerjoin(_diploma, _diploma.number == Document.diploma_number)
)
# Built once: building a statement per request cost as much as running it. One
# number (the usual case) gets a plain equality, which caches better than IN.
_BY_NUMBER = _COLUMNS.where(Document.number == bindparam("number"))
_BY_NUMBERS = _COLUMNS.where(Document.number.in_(bindparam("numbers", expanding=True)))


def _record(row: Sequence[Any]) -> RegistryRecord:
    """A row of ``_COLUMNS``: the record's fields up to the institution code, then its names."""
    *fields_in_order, name_uz, name_ru, name_en = row
    fields_in_order.append(institution_names(name_uz, name_ru, name_en))
    # By position: a keyword dict of twenty-two fields cost a tenth of the look-up.
    return RegistryRecord(*fields_in_order)


class Lookups:
    """The public site's and API's reads, on an engine of their own.

    One number (every look-up but a batch) runs the prebuilt statement straight
    on a pooled driver connection, converting values with SQLAlchemy's own type
    processors: Core's execution and connection wrapping cost several times the
    query itself. A driver error is raised as SQLAlchemy's ``DBAPIError``, as
    Core would, and the connection is dropped from the pool.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        dialect = engine.dialect
        self._error = dialect.loaded_dbapi.Error
        compiled = _BY_NUMBER.compile(dialect=dialect)
        self._sql = str(compiled)
        self._positional = compiled.positional
        processors = (
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in _BY_NUMBER.selected_columns
        )
        self._processors = [(i, p) for i, p in enumerate(processors) if p is not None]

    def find_records(self, numbers: Collection[str]) -> dict[str, RegistryRecord]:
        if len(numbers) != 1:
            with self.engine.connect() as connection:
                return find_records(connection, numbers)
        (number,) = numbers
        row = self._fetch_one(number)
        return {} if row is None else {number: _record(row)}

    def _fetch_one(self, number: str) -> list[Any] | None:
        parameters: Any = (number,) if self._positional else {"number": number}
        try:
            connection = self.engine.raw_connection()
        except self._error as exc:
            raise DBAPIError.instance(self._sql, parameters, exc, self._error) from exc
        try:
            cursor = connection.cursor()
            cursor.execute(self._sql, parameters)
            row = cursor.fetchone()
            cursor.close()
        except self._error as exc:
            connection.invalidate(exc)
            raise DBAPIError.instance(self._sql, parameters, exc, self._error) from exc
        finally:
            connection.close()
        if row is None:
            return None
        values = list(row)
        for index, process in self._processors:
            values[index] = process(values[index])
        return values


# A session or connection for callers that already hold one (CLI, tests); the
# web's look-ups, which connect only inside the query's error handling, so a
# database that is down answers `error` like any other failure.
Reader = Session | Connection | Lookups


def find_records(reader: Reader, numbers: Collection[str]) -> dict[str, RegistryRecord]:
    """The records under these canonical numbers, by number; missing ones are absent."""
    if isinstance(reader, Lookups):
        return reader.find_records(numbers)
    if len(numbers) == 1:
        (number,) = numbers
        rows = reader.execute(_BY_NUMBER, {"number": number})
    else:
        rows = reader.execute(_BY_NUMBERS, {"numbers": list(numbers)})
    return {row[0]: _record(row) for row in rows}


_COURSES = (
    select(Document.number, CourseLine.name, CourseLine.hours, CourseLine.grade)
    .join(CourseLine, CourseLine.document_id == Document.id)
    .where(Document.number.in_(bindparam("numbers", expanding=True)))
    .order_by(Document.number, CourseLine.position)
)

Grades = tuple[tuple[str, int, str], ...]


def find_grades(reader: Reader, numbers: Collection[str]) -> dict[str, Grades]:
    """The grade tables of these transcripts, in printed order, by number.

    A second query, run only for supplements whose answer discloses them (a
    matched holder): the diploma and certificate look-ups stay one query.
    """
    if not numbers:
        return {}
    if isinstance(reader, Lookups):
        with reader.engine.connect() as connection:
            return find_grades(connection, numbers)
    tables: dict[str, list[tuple[str, int, str]]] = {}
    for number, name, hours, grade in reader.execute(_COURSES, {"numbers": list(numbers)}):
        tables.setdefault(number, []).append((name, hours, grade))
    return {number: tuple(lines) for number, lines in tables.items()}


def find_record(reader: Reader, number: str) -> RegistryRecord | None:
    return find_records(reader, (number,)).get(number)
