"""Making, finding and printing official reports and letters.

A report is made from the :class:`~verifier.verification.outcome.Outcome` a
look-up gave (by number and surname or birth date, or by a document's token),
so it states exactly what the look-up answered, under the same rules: the caller
runs the look-up, with its limits, and refuses what a look-up would not show.
The report stores what was asked and the JSON answer as it was given, signs a
report token over its number, the document's number, the status, the time and
the end of its validity, and records a ``report_made`` event, all in the
caller's transaction (services never commit).

Letters are the same document, signed by a named staff member instead of
"issued automatically": the inquiries' answers make them with
:func:`make_letter`, which also accepts a ``not_found`` answer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from verifier.audit import events
from verifier.audit.events import EventKind
from verifier.db.models import Document, Report
from verifier.documents.record import Course, Record
from verifier.errors import Conflict
from verifier.printing.pades import PdfSigner
from verifier.printing.report import ReportPrint, render_signed, render_unsigned
from verifier.reports.numbers import next_number
from verifier.signing.keys import Signer
from verifier.signing.tokens import ReportClaims, report_url, sign_payloads
from verifier.verification.answers import outcome_json
from verifier.verification.outcome import Outcome, Status
from verifier.verification.service import NumberQuery
from verifier.vocabulary import DocumentType

REPORT = "report"
LETTER = "letter"
SERIES = {REPORT: "VR", LETTER: "VL"}
LANGUAGES = ("uz", "ru", "en")
# What a report may state: an answer that shows a document. A letter may also
# state that nothing was found (an inquiry's answer); a report may not, or a
# signed "no such diploma" could be had for any number and any name.
REPORTABLE = frozenset({Status.VALID, Status.REVOKED, Status.SUPERSEDED})
LETTER_STATUSES = REPORTABLE | {Status.NOT_FOUND}
MAX_TEXT = {"issuer": 300, "name": 200, "position": 200, "reference": 64, "note": 2000}
_CONTROL = re.compile("[\u0000-\u0009\u000b-\u001f\u007f-\u009f]")  # newlines allowed


class NothingToReport(Conflict):
    """An answer a report cannot be made of (``status`` says which)."""

    def __init__(self, status: Status) -> None:
        self.status = status
        super().__init__("nothing_to_report", status=status.value)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.status,))


def _text(value: str | None, what: str, *, required: bool = False) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValueError(f"{what} is required")
        return None
    if len(text) > MAX_TEXT[what] or _CONTROL.search(text):
        raise ValueError(f"{what} must be text of at most {MAX_TEXT[what]} characters")
    return text


@dataclass(frozen=True)
class Asked:
    """What a report answers: a number with the holder's surname or birth date, or a token."""

    number: str  # canonical
    surname: str | None = None
    birth_date: dt.date | None = None
    by_token: bool = False

    def __post_init__(self) -> None:
        if not self.by_token and not self.surname and self.birth_date is None:
            raise ValueError("a report by number needs the surname or the birth date asked")

    @classmethod
    def of(cls, query: NumberQuery) -> Asked:
        """A look-up's query, as a report records it."""
        return cls(query.number, query.surname, query.birth_date)

    @property
    def by(self) -> str:
        if self.by_token:
            return "token"
        return "surname" if self.surname else "birth_date"


@dataclass(frozen=True)
class Signatory:
    """The staff member who signs a letter, as printed: name and position."""

    name: str
    position: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _text(self.name, "name", required=True))
        object.__setattr__(self, "position", _text(self.position, "position", required=True))


@dataclass(frozen=True)
class StoredReport:
    """A report or letter as the registry holds it."""

    number: str
    kind: str  # REPORT or LETTER
    document_number: str
    status: str  # the document's status, as reported
    checked_at: dt.datetime
    expires: dt.datetime
    language: str
    asked: Asked
    answer: Mapping[str, Any]  # the JSON answer as it was given
    issuer: str
    signatory: Signatory | None
    reference: str | None
    note: str | None
    kid: str
    token: str
    created_at: dt.datetime

    @property
    def claims(self) -> ReportClaims:
        """What its token signs."""
        return ReportClaims(
            self.number, self.document_number, self.status, self.checked_at, self.expires
        )

    def url(self, base_url: str) -> str:
        """Its QR content and re-check page: ``{base_url}/r/{token}``."""
        return report_url(base_url, self.token)

    def pdf_url(self, base_url: str) -> str:
        """Its signed PDF; the token in the address is the key to it."""
        return f"{self.url(base_url)}.pdf"

    def summary(self, base_url: str) -> dict[str, Any]:
        """The contract's ``report`` member: number, status, checked_at, expires, url, pdf_url
        (and, added, the report token itself, which url ends with)."""
        return {
            "number": self.number,
            "status": self.status,
            "checked_at": _moment(self.checked_at),
            "expires": _moment(self.expires),
            "url": self.url(base_url),
            "pdf_url": self.pdf_url(base_url),
            "token": self.token,
        }

    @property
    def recheck(self) -> NumberQuery:
        """The question to ask again now: as asked, or (asked by token) by the holder's surname."""
        if self.asked.by_token:
            surname = self.answer["document"]["holder"]["surname"]
            return NumberQuery(self.document_number, surname, None)
        return NumberQuery(self.asked.number, self.asked.surname, self.asked.birth_date)


def _moment(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_report(
    session: Session,
    outcome: Outcome,
    asked: Asked,
    *,
    signer: Signer,
    language: str,
    issuer: str,
    days: int,
    actor: str,
    now: dt.datetime | None = None,
) -> StoredReport:
    """An official report of ``outcome``, issued automatically by the service.

    Raises :class:`NothingToReport` for an answer that shows no document
    (``not_found``, ``invalid``, ``error``): the caller answers those as the
    look-up does.
    """
    if outcome.status not in REPORTABLE:
        raise NothingToReport(outcome.status)
    return _make(session, REPORT, outcome, asked, signer, language, issuer, days, actor, now)


def make_letter(
    session: Session,
    outcome: Outcome,
    asked: Asked,
    *,
    signatory: Signatory,
    signer: Signer,
    language: str,
    issuer: str,
    days: int,
    actor: str,
    reference: str | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> StoredReport:
    """A letter stating ``outcome``, signed by ``signatory`` (e.g. an answered inquiry's).

    ``reference`` (e.g. the inquiry's number) and ``note`` (the answer's note)
    are printed on it. A ``not_found`` answer may be stated too; ``invalid``
    and ``error`` raise :class:`NothingToReport`. ``actor`` is the staff
    member's account, as the event log names people.
    """
    if outcome.status not in LETTER_STATUSES:
        raise NothingToReport(outcome.status)
    return _make(
        session,
        LETTER,
        outcome,
        asked,
        signer,
        language,
        issuer,
        days,
        actor,
        now,
        signatory=signatory,
        reference=_text(reference, "reference"),
        note=_text(note, "note"),
    )


def _make(
    session: Session,
    kind: str,
    outcome: Outcome,
    asked: Asked,
    signer: Signer,
    language: str,
    issuer: str,
    days: int,
    actor: str,
    now: dt.datetime | None,
    *,
    signatory: Signatory | None = None,
    reference: str | None = None,
    note: str | None = None,
) -> StoredReport:
    if language not in LANGUAGES:
        raise ValueError(f"a report is written in one of {', '.join(LANGUAGES)}, not {language!r}")
    if days < 1:
        raise ValueError("a report is valid for at least one day")
    issuer_text = _text(issuer, "issuer", required=True)
    assert issuer_text is not None
    document_number = outcome.number or asked.number
    if not asked.by_token and asked.number != document_number:
        raise ValueError("the answer is not about the number asked")
    checked_at = outcome.checked_at.astimezone(dt.UTC).replace(microsecond=0)
    expires = checked_at + dt.timedelta(days=days)
    number = next_number(session, SERIES[kind], checked_at.year)
    claims = ReportClaims(number, document_number, outcome.status.value, checked_at, expires)
    (token,) = sign_payloads([claims.to_json()], signer)
    document_id = (
        session.scalar(select(Document.id).where(Document.number == document_number))
        if outcome.document is not None
        else None  # a letter's not_found: the number may be someone else's document
    )
    created_at = now or dt.datetime.now(dt.UTC)
    answer = outcome_json(outcome)
    session.add(
        Report(
            number=number,
            kind=kind,
            document_id=document_id,
            document_number=document_number,
            status=claims.status,
            checked_at=checked_at,
            expires_at=expires,
            language=language,
            asked_by=asked.by,
            asked_surname=None if asked.by_token else asked.surname,
            asked_birth_date=None if asked.by_token else asked.birth_date,
            answer=json.dumps(answer, ensure_ascii=False, separators=(",", ":")),
            issuer=issuer_text,
            signer_name=signatory.name if signatory else None,
            signer_position=signatory.position if signatory else None,
            reference=reference,
            note=note,
            kid=signer.kid,
            token=token,
            created_by=actor,
            created_at=created_at,
        )
    )
    session.flush()
    # Nothing personal in the log: the typed surname and the holder stay in the report.
    payload = {
        "kind": kind,
        "document": document_number,
        "status": claims.status,
        "checked_at": _moment(checked_at),
        "expires": _moment(expires),
        "asked_by": asked.by,
        "language": language,
        "kid": signer.kid,
    }
    events.record(session, EventKind.REPORT_MADE, number, payload, actor=actor)
    return StoredReport(
        number=number,
        kind=kind,
        document_number=document_number,
        status=claims.status,
        checked_at=checked_at,
        expires=expires,
        language=language,
        asked=asked,
        answer=answer,
        issuer=issuer_text,
        signatory=signatory,
        reference=reference,
        note=note,
        kid=signer.kid,
        token=token,
        created_at=created_at,
    )


def find(session: Session, number: str) -> StoredReport | None:
    """The report or letter with this number, or None."""
    row = session.scalars(select(Report).where(Report.number == number)).first()
    return None if row is None else _stored(row)


def _stored(row: Report) -> StoredReport:
    signatory = (
        Signatory(row.signer_name, row.signer_position or "")
        if row.signer_name and row.signer_position
        else None
    )
    return StoredReport(
        number=row.number,
        kind=row.kind,
        document_number=row.document_number,
        status=row.status,
        checked_at=row.checked_at,
        expires=row.expires_at,
        language=row.language,
        # A report by number is about the number asked (checked when it is made).
        asked=Asked(
            row.document_number,
            row.asked_surname,
            row.asked_birth_date,
            by_token=row.asked_by == "token",
        ),
        answer=json.loads(row.answer),
        issuer=row.issuer,
        signatory=signatory,
        reference=row.reference,
        note=row.note,
        kid=row.kid,
        token=row.token,
        created_at=row.created_at,
    )


def print_data(report: StoredReport, base_url: str) -> ReportPrint:
    """What the report's PDF prints, from what was stored (the same page every time)."""
    answer = report.answer
    document = answer.get("document")
    record = reported_record(report)
    names = (document or {}).get("institution", {}).get("name") or {}
    revocation = answer.get("revocation")
    superseded_at = answer.get("superseded_at")
    return ReportPrint(
        kind=report.kind,
        number=report.number,
        language=report.language,
        issuer=report.issuer,
        checked_at=report.checked_at,
        expires=report.expires,
        asked_by=report.asked.by,
        asked_number=report.asked.number,
        asked_surname=report.asked.surname,
        asked_birth_date=report.asked.birth_date,
        status=report.status,
        document=record,
        institution_name=names.get(report.language) or names.get("uz"),
        revoked_at=_time(revocation["date"]) if revocation else None,
        revocation_code=revocation.get("code") if revocation else None,
        revoked_diploma=revocation.get("diploma_number") if revocation else None,
        superseded_by=answer.get("superseded_by"),
        superseded_at=_time(superseded_at) if superseded_at else None,
        checks=tuple((name, bool(check["passed"])) for name, check in answer["checks"].items()),
        signer_name=report.signatory.name if report.signatory else None,
        signer_position=report.signatory.position if report.signatory else None,
        reference=report.reference,
        note=report.note,
        url=report.url(base_url),
        base_url=base_url,
    )


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def reported_record(report: StoredReport) -> Record | None:
    """The document as the report showed it, or None (a letter stating not_found)."""
    document = report.answer.get("document")
    return _record(document) if document else None


def _record(document: Mapping[str, Any]) -> Record:
    """The record a stored JSON answer shows (verification.answers.document_json, inverted)."""
    holder = document["holder"]
    courses = document.get("courses")
    return Record(
        type=DocumentType(document["type"]),
        number=document["number"],
        surname=holder["surname"],
        given_name=holder["given_name"],
        patronymic=holder["patronymic"],
        birth_date=_day(document.get("birth_date")),  # an archive record may lack it
        institution=document["institution"]["code"],
        program_code=document.get("program_code"),
        program_name=document.get("program_name"),
        qualification=document.get("qualification"),
        study_form=document.get("study_form"),
        start_date=_day(document.get("start_date")),
        end_date=_day(document.get("end_date")),
        issue_date=_day(document.get("issue_date")),
        issue_year=document.get("issue_year"),
        honors=document.get("honors"),
        diploma_number=document.get("diploma_number"),
        course_name=document.get("course_name"),
        hours=document.get("hours"),
        courses=(
            tuple(Course(c["name"], c["hours"], c["grade"]) for c in courses)
            if courses is not None
            else None
        ),
    )


def pdf(report: StoredReport, base_url: str, signer: PdfSigner | None = None) -> bytes:
    """The report's PDF: PAdES-signed by ``signer`` (the active key's certificate), or unsigned."""
    data = print_data(report, base_url)
    return render_unsigned(data) if signer is None else render_signed(data, signer)
