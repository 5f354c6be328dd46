"""The one shape of a document in Python: :class:`Record`, clean and normalised.

A ``Record`` is what a row of an import file, an API document or a registry row
says about a document; :mod:`verifier.documents.parse` makes one from untrusted
values, so a record cannot be built half-valid by the importer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
from dataclasses import dataclass, fields, replace
from functools import cached_property

from verifier.documents.names import name_key
from verifier.signing.tokens import Claims, grades_digest
from verifier.vocabulary import DocumentType


@dataclass(frozen=True)
class Course:
    name: str
    hours: int
    grade: str


@dataclass(frozen=True)
class Record:
    type: DocumentType
    number: str
    surname: str
    given_name: str
    patronymic: str | None
    birth_date: dt.date
    institution: str
    program_code: str | None
    program_name: str | None
    qualification: str | None
    study_form: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    issue_date: dt.date
    honors: bool
    diploma_number: str | None
    courses: tuple[Course, ...]
    course_name: str | None
    hours: int | None

    @cached_property
    def holder_identity(self) -> str:
        """One person, however their name is spelt: folded names plus birth date."""
        return "|".join(
            (name_key(self.surname), name_key(self.given_name),
             name_key(self.patronymic or ""), self.birth_date.isoformat())
        )  # fmt: skip

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the normalised record: equal digests mean the same document."""
        # Unit and record separators cannot occur in values: text with control
        # characters is rejected, so this joining is unambiguous.
        parts = ["" if value is None else str(value) for value in _record_values(self)]
        parts[_COURSES_AT] = "\x1e".join(
            f"{c.name}\x1d{c.hours}\x1d{c.grade}" for c in self.courses
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    @cached_property
    def claims(self) -> Claims:
        """What the document's token signs."""
        diploma = self.type is DocumentType.DIPLOMA
        return Claims(
            type=self.type,
            number=self.number,
            surname=self.surname,
            given_name=self.given_name,
            patronymic=self.patronymic,
            birth_date=self.birth_date,
            institution=self.institution,
            issue_date=self.issue_date,
            # A transcript names its diploma (dn), whose token carries the programme
            # and qualification; leaving them out keeps it inside the QR budget.
            program_code=self.program_code if diploma else None,
            qualification=self.qualification if diploma else None,
            diploma_number=self.diploma_number,
            grades_digest=(
                grades_digest([(c.name, c.hours, c.grade) for c in self.courses])
                if self.type is DocumentType.TRANSCRIPT
                else None
            ),
            course_name=self.course_name,
            hours=self.hours,
        )

    @property
    def payload_size(self) -> int:
        """Bytes of the token's claim set, on which the QR budget is measured."""
        return len(self.claims.to_json())

    def renumbered(self, number: str, issue_date: dt.date) -> Record:
        return replace(self, number=number, issue_date=issue_date)


_RECORD_FIELDS = tuple(f.name for f in fields(Record))
_record_values = operator.attrgetter(*_RECORD_FIELDS)
_COURSES_AT = _RECORD_FIELDS.index("courses")
