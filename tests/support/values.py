"""Import values of a valid diploma, supplement and certificate, an archive record, the base URL."""

from __future__ import annotations

from typing import Any

from verifier.documents.parse import parse_record
from verifier.documents.record import Record
from verifier.vocabulary import DocumentType

BASE_URL = "https://verify.example.uz"


def diploma_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": "diploma",
        "number": "KT 2400001",
        "surname": "Gʻulomov",
        "given_name": "Abdulla",
        "patronymic": "Rustam oʻgʻli",
        "birth_date": "2003-04-17",
        "institution": "TATT",
        "program_code": "60610500",
        "program_name": "Kompyuter injiniringi",
        "qualification": "Kompyuter tizimlari texnigi",
        "study_form": "kunduzgi",
        "start_date": "2021-09-01",
        "end_date": "2024-06-28",
        "issue_date": "2024-07-05",
        "honors": "false",
    }
    values.update(overrides)
    return values


def transcript_values(**overrides: Any) -> dict[str, Any]:
    values = diploma_values(type="transcript", number="KTI 2400001", diploma_number="KT 2400001")
    values.pop("honors")
    values["courses"] = [
        {"name": "Oliy matematika", "hours": 216, "grade": "4"},
        {"name": "Dasturlash asoslari", "hours": 288, "grade": "5"},
    ]
    values.update(overrides)
    return values


def certificate_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": "certificate",
        "number": "MO 2500001",
        "surname": "Karimova",
        "given_name": "Zulfiya",
        "patronymic": "Anvar qizi",
        "birth_date": "1985-02-14",
        "institution": "TATT",
        "course_name": "Raqamli pedagogik texnologiyalar",
        "hours": "144",
        "start_date": "2025-02-03",
        "end_date": "2025-02-28",
        "issue_date": "2025-03-03",
    }
    values.update(overrides)
    return values


def record(values: dict[str, Any]) -> Record:
    parsed = parse_record(values, 1)
    assert isinstance(parsed, Record), parsed
    return parsed


def old_diploma(**changes: Any) -> Record:
    """A 2012 diploma as an issue book records it: no birth date, no programme code."""
    record = Record(
        type=DocumentType.DIPLOMA,
        number="KT1200457",
        surname="Ergashev",
        given_name="Bobur",
        patronymic=None,
        birth_date=None,
        institution="TATT",
        program_code=None,
        program_name="Kompyuter tarmoqlari",
        qualification="Texnik",
        study_form=None,
        start_date=None,
        end_date=None,
        issue_date=None,
        honors=False,
        diploma_number=None,
        course_name=None,
        hours=None,
        issue_year=2012,
        source="Issue book 2009-2012, p. 47, entry 12",
        checked_by="Karimova N.",
    )
    return record._replace(**changes)
