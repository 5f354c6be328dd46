"""What a verification reads from the registry: one row per document, via SQLAlchemy Core.

A public look-up is read-only and touches one row, so it skips the ORM (identity
map, instance state, the joined relationship): on the QR landing page and the
JSON look-up that bookkeeping cost more than the query itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, select
from sqlalchemy.orm import Session

from verifier.models import Document, Institution, institution_names

# A session or connection for callers that already hold one (CLI, tests); an
# engine for the web look-ups, which then connect only inside the query's error
# handling, so a database that is down answers `error` like any other failure.
Reader = Session | Connection | Engine


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
    revocation_reason: str | None
    superseded_by: str | None
    institution_code: str
    institution_names: Mapping[str, str]


_COLUMNS = select(
    Document.number,
    Document.type,
    Document.status,
    Document.surname,
    Document.given_name,
    Document.patronymic,
    Document.birth_date,
    Document.issue_date,
    Document.program_code,
    Document.program_name,
    Document.qualification,
    Document.diploma_number,
    Document.grades_digest,
    Document.course_name,
    Document.hours,
    Document.kid,
    Document.recorded_at,
    Document.revoked_at,
    Document.revocation_reason,
    Document.superseded_by,
    Institution.code,
    Institution.name_uz,
    Institution.name_ru,
    Institution.name_en,
).join(Institution, Institution.id == Document.institution_id)
# Built once: building a statement per request cost as much as running it. One
# number (the usual case) gets a plain equality, which caches better than IN.
_BY_NUMBER = _COLUMNS.where(Document.number == bindparam("number"))
_BY_NUMBERS = _COLUMNS.where(Document.number.in_(bindparam("numbers", expanding=True)))


def find_records(reader: Reader, numbers: Collection[str]) -> dict[str, RegistryRecord]:
    """The records under these canonical numbers, by number; missing ones are absent."""
    if isinstance(reader, Engine):
        with reader.connect() as connection:
            return find_records(connection, numbers)
    if len(numbers) == 1:
        (number,) = numbers
        rows = reader.execute(_BY_NUMBER, {"number": number})
    else:
        rows = reader.execute(_BY_NUMBERS, {"numbers": list(numbers)})
    records = {}
    for row in rows:
        record = RegistryRecord(
            number=row.number,
            type=row.type,
            status=row.status,
            surname=row.surname,
            given_name=row.given_name,
            patronymic=row.patronymic,
            birth_date=row.birth_date,
            issue_date=row.issue_date,
            program_code=row.program_code,
            program_name=row.program_name,
            qualification=row.qualification,
            diploma_number=row.diploma_number,
            grades_digest=row.grades_digest,
            course_name=row.course_name,
            hours=row.hours,
            kid=row.kid,
            recorded_at=row.recorded_at,
            revoked_at=row.revoked_at,
            revocation_reason=row.revocation_reason,
            superseded_by=row.superseded_by,
            institution_code=row.code,
            institution_names=institution_names(row.name_uz, row.name_ru, row.name_en),
        )
        records[record.number] = record
    return records


def find_record(reader: Reader, number: str) -> RegistryRecord | None:
    return find_records(reader, (number,)).get(number)
