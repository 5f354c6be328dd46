"""What a printed document shows: a record and what printing adds to it.

Layouts draw from :class:`PrintData` (a :class:`~verifier.documents.record.Record`,
the institution's names, the token and the service's address), never from ORM
objects or the service, so rendering runs in worker processes and in
benchmarks without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from verifier.documents.record import Course, Record
from verifier.signing.proof import Proof
from verifier.signing.tokens import qr_url
from verifier.vocabulary import DocumentType


@dataclass(frozen=True)
class PrintData:
    record: Record
    institution_uz: str
    institution_ru: str
    institution_en: str
    token: str
    base_url: str

    @property
    def qr_url(self) -> str:
        return qr_url(self.base_url, self.token)

    @property
    def courses(self) -> tuple[Course, ...]:
        """The grade table as printed (empty for a diploma or certificate)."""
        return self.record.courses or ()

    @property
    def full_name(self) -> str:
        """The holder's name exactly as recorded, in the Uzbek order: surname, name, patronymic."""
        return self.record.full_name

    @property
    def proof(self) -> Proof:
        record = self.record
        if record.type is not DocumentType.TRANSCRIPT:
            return Proof(self.token, None)
        return Proof(self.token, self.courses)


def display_date(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"
