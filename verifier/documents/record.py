"""The one shape of a document in Python: :class:`Record`, and what the registry says of it.

A ``Record`` holds a document's content as printed: what an import row, an API
document or a registry row says, clean and normalised
(:mod:`verifier.documents.parse` makes one from untrusted values). Everything
else is derived from it, each in one module: the token's claims
(:mod:`verifier.documents.claims`), the rows it is stored as
(:mod:`verifier.documents.rows`), the JSON answer
(:mod:`verifier.verification.answers`) and the print data
(:mod:`verifier.printing.data`). What the registry says of a document now
(status, revocation, replacement) is its :class:`Standing`; a look-up reads
both, with the institution's names, as one :class:`Registered`.

Named tuples, not dataclasses: a look-up builds one per answer and an import
one per row, pickled between processes; a tuple is built and pickled several
times faster, and its fields are read by name all the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import NamedTuple

from verifier.documents.names import name_key
from verifier.vocabulary import DocumentType


class Course(NamedTuple):
    """One line of a supplement's grade table, as printed."""

    name: str
    hours: int
    grade: str


class Record(NamedTuple):
    """A document's content: the contract's import fields, clean and normalised."""

    type: DocumentType
    number: str
    surname: str
    given_name: str
    patronymic: str | None
    birth_date: dt.date | None  # None only in an archive record that did not note it
    institution: str  # the institution's code
    program_code: str | None
    program_name: str | None
    qualification: str | None
    study_form: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    issue_date: dt.date | None  # None only in an archive record that gives just the year
    honors: bool | None  # None: not known (an offline answer: the token does not sign it)
    diploma_number: str | None
    course_name: str | None
    hours: int | None
    # Archive records only: the year when the issue book gives no day, where the
    # record was transcribed from, and who checked the transcription.
    issue_year: int | None = None
    source: str | None = None
    checked_by: str | None = None
    # The grade table in printed order, () for a document without one. None
    # where it is not at hand: a look-up reads it only for an answer that
    # discloses it, and a token carries only its digest.
    courses: tuple[Course, ...] | None = ()

    @property
    def holder_identity(self) -> str:
        """One person, however their name is spelt: folded names plus birth date.

        Without a birth date (an archive record) two namesakes cannot be told
        apart, so such a holder is known by this document alone.
        """
        born = self.birth_date.isoformat() if self.birth_date else f"archive:{self.number}"
        return "|".join(
            (name_key(self.surname), name_key(self.given_name),
             name_key(self.patronymic or ""), born)
        )  # fmt: skip

    @property
    def digest(self) -> str:
        """SHA-256 of the normalised content: equal digests mean the same document.

        Stored with every document and in its ``issued`` event, so the encoding
        is fixed here, field by field, whatever the order of the tuple.
        """
        if self.courses is None:
            raise ValueError(f"{self.number}: the digest needs the grade table")
        # Unit and record separators cannot occur in values: text with control
        # characters is rejected, so this joining is unambiguous.
        parts = [
            "" if value is None else str(value)
            for value in (
                self.type, self.number, self.surname, self.given_name, self.patronymic,
                self.birth_date, self.institution, self.program_code, self.program_name,
                self.qualification, self.study_form, self.start_date, self.end_date,
                self.issue_date, self.honors, self.diploma_number,
            )
        ]  # fmt: skip
        parts.append("\x1e".join(f"{c.name}\x1d{c.hours}\x1d{c.grade}" for c in self.courses))
        parts.extend(
            "" if value is None else str(value) for value in (self.course_name, self.hours)
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    @property
    def full_name(self) -> str:
        """The holder's name as recorded, in the Uzbek order: surname, name, patronymic."""
        return " ".join(part for part in (self.surname, self.given_name, self.patronymic) if part)

    def renumbered(self, number: str, issue_date: dt.date) -> Record:
        """The same content under another number and issue date (a duplicate)."""
        return self._replace(number=number, issue_date=issue_date)


class Standing(NamedTuple):
    """What the registry says of a document now, beside its content."""

    origin: str  # "registry": issued and signed by the service; "archive": transcribed
    status: str  # a DocumentStatus value
    recorded_at: dt.datetime
    kid: str | None  # the key its token was signed with
    grades_digest: str | None  # a supplement's signed digest of its grade table
    revoked_at: dt.datetime | None
    revocation_code: str | None  # the public reason, a RevocationCode value
    superseded_by: str | None
    superseded_at: dt.datetime | None
    # A supplement's diploma (all None for other documents, or a diploma the
    # registry lacks): its status decides the supplement's answer.
    diploma_status: str | None
    diploma_revoked_at: dt.datetime | None
    diploma_revocation_code: str | None
    diploma_superseded_by: str | None
    diploma_superseded_at: dt.datetime | None


class Registered(NamedTuple):
    """A document as a look-up reads it: content, standing, institution's names by language."""

    record: Record
    standing: Standing
    institution_names: Mapping[str, str]
