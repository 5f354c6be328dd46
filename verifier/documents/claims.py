"""A record's token claims, and what a token alone says of a record.

The claim layout per type is docs/token-format.md §3.3: a supplement's token
carries its diploma's number and the digest of its grade table instead of the
programme and qualification (those are on the diploma, and leaving them out
keeps the token inside the QR budget).
"""

from __future__ import annotations

from verifier.documents.record import Record
from verifier.signing.tokens import Claims, grades_digest
from verifier.vocabulary import DocumentType


def claims_of(record: Record, *, signed_grades: str | None = None) -> Claims:
    """The claims ``record``'s token carries.

    ``signed_grades``: a supplement's stored grade digest, for a record read
    without its grade table (a look-up compares a token with one row).
    """
    if record.birth_date is None or record.issue_date is None:
        raise ValueError(f"{record.number}: an archive record has no token")
    diploma = record.type is DocumentType.DIPLOMA
    digest = None
    if record.type is DocumentType.TRANSCRIPT:
        if signed_grades is not None:
            digest = signed_grades
        elif record.courses is not None:
            digest = grades_digest(record.courses)
        else:
            raise ValueError(f"{record.number}: a supplement's claims need its grade table")
    return Claims(
        type=record.type,
        number=record.number,
        surname=record.surname,
        given_name=record.given_name,
        patronymic=record.patronymic,
        birth_date=record.birth_date,
        institution=record.institution,
        issue_date=record.issue_date,
        program_code=record.program_code if diploma else None,
        qualification=record.qualification if diploma else None,
        diploma_number=record.diploma_number,
        grades_digest=digest,
        course_name=record.course_name,
        hours=record.hours,
    )


def record_of_claims(claims: Claims) -> Record:
    """What a verified token says of its document (offline, with no registry):
    the fields it signs; the rest (programme name, study period, grade table) is unknown."""
    return Record(
        type=claims.type,
        number=claims.number,
        surname=claims.surname,
        given_name=claims.given_name,
        patronymic=claims.patronymic,
        birth_date=claims.birth_date,
        institution=claims.institution,
        program_code=claims.program_code,
        program_name=None,
        qualification=claims.qualification,
        study_form=None,
        start_date=None,
        end_date=None,
        issue_date=claims.issue_date,
        honors=None,
        diploma_number=claims.diploma_number,
        course_name=claims.course_name,
        hours=claims.hours,
        courses=None,
    )
