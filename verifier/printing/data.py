"""What a printed document shows: a plain snapshot of the registry row.

Layouts draw from :class:`PrintData`, never from ORM objects, so rendering can
run in worker processes and in benchmarks without a database.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from verifier.db.models import Document
from verifier.documents import registry
from verifier.errors import Conflict
from verifier.printing.proof import Grade, Proof
from verifier.signing.tokens import qr_url
from verifier.vocabulary import DocumentStatus, DocumentType

_NUMBER = re.compile(r"([A-Z]+)(\d+)")


class PrintRefused(Conflict):
    """The registry holds the document, but it must not be printed (revoked, superseded)."""


@dataclass(frozen=True)
class PrintData:
    type: DocumentType
    number: str
    surname: str
    given_name: str
    patronymic: str | None
    birth_date: dt.date
    institution_code: str
    institution_uz: str
    institution_en: str
    institution_ru: str
    issue_date: dt.date
    token: str
    qr_url: str
    base_url: str
    program_code: str | None = None
    program_name: str | None = None
    qualification: str | None = None
    study_form: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    honors: bool = False
    diploma_number: str | None = None
    course_name: str | None = None
    hours: int | None = None
    courses: tuple[Grade, ...] = ()

    @classmethod
    def from_document(cls, document: Document, base_url: str) -> PrintData:
        institution = document.institution
        kind = DocumentType(document.type)
        return cls(
            type=kind,
            number=document.number,
            surname=document.surname,
            given_name=document.given_name,
            patronymic=document.patronymic,
            birth_date=document.birth_date,
            institution_code=institution.code,
            institution_uz=institution.name("uz"),
            institution_en=institution.name("en"),
            institution_ru=institution.name("ru"),
            issue_date=document.issue_date,
            token=document.token,
            qr_url=qr_url(base_url, document.token),
            base_url=base_url.rstrip("/"),
            program_code=document.program_code,
            program_name=document.program_name,
            qualification=document.qualification,
            study_form=document.study_form,
            start_date=document.start_date,
            end_date=document.end_date,
            honors=document.honors,
            diploma_number=document.diploma_number,
            course_name=document.course_name,
            hours=document.hours,
            courses=tuple((c.name, c.hours, c.grade) for c in document.courses),
        )

    @property
    def full_name(self) -> str:
        """The holder's name exactly as recorded, in the Uzbek order: surname, name, patronymic."""
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)

    @property
    def proof(self) -> Proof:
        grades = self.courses if self.type is DocumentType.TRANSCRIPT else None
        return Proof(self.token, grades)


def printable(document: Document) -> None:
    """Raise :class:`PrintRefused` unless the document may be printed."""
    if document.status == DocumentStatus.REVOKED:
        when = document.revoked_at.date().isoformat() if document.revoked_at else "?"
        raise PrintRefused(
            "print_revoked",
            number=document.number,
            date=when,
            reason=str(document.revocation_reason),
        )
    if document.status == DocumentStatus.SUPERSEDED:
        raise PrintRefused(
            "print_superseded", number=document.number, successor=str(document.superseded_by)
        )


def print_data(session: Session, number: str, base_url: str) -> PrintData:
    """Look a document up for printing: unknown numbers and revoked documents raise."""
    document = registry.get_document(session, number)
    printable(document)
    return PrintData.from_document(document, base_url)


def display_number(number: str) -> str:
    """``KT2400101`` -> ``KT 2400101``, as numbers are printed on paper."""
    match = _NUMBER.fullmatch(number)
    return f"{match[1]} {match[2]}" if match else number


def display_date(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"
