"""Formal inquiries: receive, answer automatically when a look-up settles it, take,
answer with a signed letter, reject; and what the requester and the staff see.

An inquiry gets a number (``INQ-2026-000123``, gap-free per year, from the same
counters as reports) and a key of 128 random bits that only the requester
receives: the registry keeps its SHA-256, and the status address without the
right key answers exactly like a number that does not exist.

The look-up rule decides, never the inquiry: on receipt, a look-up of the
number with the surname asked that shows a document answers the inquiry at
once with a letter stating it. A registrar's answer states what the look-up
answers at that moment too, after linking or creating the archive record that
settles it, so that a case answered ``confirmed`` makes every later look-up of
that number answer by itself. Every step is an event whose payload names no
person (the requester and the holder stay in the inquiry's row).

Services take the session and never commit; mail is sent by the caller after
the transaction (:mod:`verifier.inquiries.mail`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import case as sql_case
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from verifier.archive import service as archive
from verifier.audit import events, trail
from verifier.audit.events import EventKind
from verifier.db.models import Document, Event, Inquiry, InquiryAttachment, Institution, Report
from verifier.documents.record import Record
from verifier.errors import Conflict, Forbidden, InvalidInput, NotFound
from verifier.inquiries import calendar
from verifier.inquiries.requests import InquiryRequest
from verifier.reports import service as reports
from verifier.reports.numbers import next_number
from verifier.reports.service import Asked, Signatory, StoredReport
from verifier.signing.keys import Signer
from verifier.verification.outcome import Outcome
from verifier.verification.service import NumberQuery, verify_numbers
from verifier.vocabulary import StaffRole

if TYPE_CHECKING:  # checked and built by the caller (verifier.inquiries.attachments)
    from verifier.inquiries.attachments import Attachment

SERIES = "INQ"
DIGITS = 6
RECEIVED, IN_PROGRESS, ANSWERED, REJECTED = "received", "in_progress", "answered", "rejected"
OPEN = (RECEIVED, IN_PROGRESS)
CONFIRMED, NOT_CONFIRMED, UNDETERMINED = "confirmed", "not_confirmed", "undetermined"
OUTCOMES = (CONFIRMED, NOT_CONFIRMED, UNDETERMINED)
# A look-up that shows a document settles an inquiry by itself.
SETTLED = reports.REPORTABLE
MAX_NOTE = 2000
AUTOMATIC = "service"  # who answered automatically, in the event log


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Letters:
    """What signing a letter needs: the token signer, the issuer's name per language,
    the validity, and who signs an automatic answer (name and position per language)."""

    signer: Signer
    issuer: Callable[[str], str]
    days: int
    automatic: Callable[[str], Signatory]


@dataclass(frozen=True)
class Staff:
    """Who handles a case: the account's e-mail (as events name people), role and institution."""

    email: str
    role: StaffRole
    institution_id: int | None

    def may_see(self, inquiry: Inquiry) -> bool:
        if self.role in (StaffRole.ADMIN, StaffRole.AUDITOR):
            return True
        return inquiry.institution_id is not None and inquiry.institution_id == self.institution_id

    def may_handle(self, inquiry: Inquiry) -> bool:
        return self.role is not StaffRole.AUDITOR and self.may_see(inquiry)


@dataclass(frozen=True)
class Received:
    """A new inquiry as its requester learns of it: the key is shown once, here."""

    number: str
    key: str
    status: str
    due: dt.date
    letter: StoredReport | None  # the automatic answer, when a look-up settled it

    def url(self, base_url: str) -> str:
        return status_url(base_url, self.number, self.key)

    def summary(self, base_url: str) -> dict[str, str]:
        """The contract's ``inquiry`` member."""
        return {
            "number": self.number,
            "status": self.status,
            "due": self.due.isoformat(),
            "url": self.url(base_url),
        }


def status_url(base_url: str, number: str, key: str) -> str:
    return f"{base_url}/inquiries/{number}?key={key}"


def _institution_of(session: Session, request: InquiryRequest) -> int | None:
    """Whose queue: the institution holding the number, else the one the requester named."""
    held = session.scalar(
        select(Document.institution_id).where(Document.number == request.document.number)
    )
    if held is not None:
        return held
    named = (request.document.institution or "").strip().casefold()
    if not named:
        return None
    for institution in session.scalars(select(Institution)):
        names = {institution.code, institution.name_uz, institution.name_ru, institution.name_en}
        if named in {name.casefold() for name in names if name}:
            return institution.id
    return None


def receive(
    session: Session,
    request: InquiryRequest,
    attachments: Sequence[Attachment],
    *,
    working_days: int,
    letters: Letters,
    now: dt.datetime | None = None,
) -> Received:
    """Record a new inquiry; answer it at once when a look-up already settles it."""
    received_at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    number = next_number(session, SERIES, received_at.year, digits=DIGITS)
    key = secrets.token_urlsafe(16)  # 128 bits
    due = calendar.due_date(session, received_at, working_days)
    requester, document = request.requester, request.document
    inquiry = Inquiry(
        number=number,
        key_hash=_digest(key),
        status=RECEIVED,
        language=request.language,
        requester_kind=requester.kind,
        organisation=requester.organisation,
        country=requester.country,
        requester_name=requester.name,
        email=requester.email,
        reference=requester.reference,
        purpose=request.purpose,
        document_number=document.number,
        surname=document.surname,
        given_name=document.given_name,
        birth_date=document.birth_date,
        institution_text=document.institution,
        year=document.year,
        document_type=document.type.value if document.type else None,
        institution_id=_institution_of(session, request),
        received_at=received_at,
        due_on=due,
        attachments=[
            InquiryAttachment(
                filename=a.filename,
                media_type=a.media_type,
                size=len(a.content),
                sha256=hashlib.sha256(a.content).hexdigest(),
                content=a.content,
            )
            for a in attachments
        ],
    )
    session.add(inquiry)
    session.flush()
    payload = {
        "due": due.isoformat(),
        "requester_kind": requester.kind,
        "country": requester.country,
        "language": request.language,
        "attachments": len(attachments),
    }
    events.record(session, EventKind.INQUIRY_RECEIVED, number, payload, actor="public")
    (outcome,) = verify_numbers(session, [NumberQuery(document.number, document.surname, None)])
    letter = None
    if outcome.status in SETTLED:
        signatory = letters.automatic(inquiry.language)
        letter = _close(
            session, inquiry, outcome, CONFIRMED, None, signatory, letters, AUTOMATIC, received_at
        )
    return Received(number, key, inquiry.status, due, letter)


def _close(
    session: Session,
    inquiry: Inquiry,
    outcome: Outcome,
    answer: str,
    note: str | None,
    signatory: Signatory,
    letters: Letters,
    actor: str,
    now: dt.datetime,
) -> StoredReport:
    asked = Asked(outcome.number or inquiry.document_number, inquiry.surname)
    letter = reports.make_letter(
        session,
        outcome,
        asked,
        signatory=signatory,
        signer=letters.signer,
        language=inquiry.language,
        issuer=letters.issuer(inquiry.language),
        days=letters.days,
        actor=actor,
        reference=inquiry.number,
        note=note,
        now=now,
    )
    inquiry.status = ANSWERED
    inquiry.outcome = answer
    inquiry.note = note
    inquiry.closed_at = now
    inquiry.closed_by = actor
    inquiry.letter_id = session.scalar(select(Report.id).where(Report.number == letter.number))
    payload = {
        "outcome": answer,
        "letter": letter.number,
        "status": outcome.status.value,
        "automatic": actor == AUTOMATIC,
    }
    events.record(session, EventKind.INQUIRY_ANSWERED, inquiry.number, payload, actor=actor)
    return letter


# --- the requester ---------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a case's history as the requester sees it (no staff names)."""

    at: dt.datetime
    kind: str  # the event kind


@dataclass(frozen=True)
class CaseView:
    """What a case shows: the requester's own view, or the staff's fuller one."""

    inquiry: Inquiry
    history: tuple[Event, ...]
    letter: StoredReport | None

    @property
    def number(self) -> str:
        return self.inquiry.number

    @property
    def overdue(self) -> bool:
        return self.inquiry.status in OPEN and self.inquiry.due_on < calendar.tashkent_day(
            dt.datetime.now(dt.UTC)
        )

    def steps(self) -> list[Step]:
        return [Step(event.occurred_at, event.kind) for event in self.history]

    def public_json(self, base_url: str) -> dict[str, Any]:
        """The requester's JSON: status, due, history and, once answered, the letter."""
        inquiry = self.inquiry
        body: dict[str, Any] = {
            "number": inquiry.number,
            "status": inquiry.status,
            "received_at": _moment(inquiry.received_at),
            "due": inquiry.due_on.isoformat(),
            "document": {"number": inquiry.document_number, "surname": inquiry.surname},
            "history": [{"at": _moment(s.at), "event": s.kind} for s in self.steps()],
        }
        if inquiry.status == ANSWERED:
            body["outcome"] = inquiry.outcome
            body["note"] = inquiry.note
        if inquiry.status == REJECTED:
            body["reason"] = inquiry.note
        if self.letter is not None:
            body["letter"] = self.letter.summary(base_url)
        return body


def _moment(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _view(session: Session, inquiry: Inquiry) -> CaseView:
    letter = None
    if inquiry.letter_id is not None:
        letter_number = session.scalar(select(Report.number).where(Report.id == inquiry.letter_id))
        letter = reports.find(session, letter_number) if letter_number else None
    return CaseView(inquiry, tuple(trail.history(session, inquiry.number)), letter)


def _find(session: Session, number: str) -> Inquiry | None:
    return session.scalars(select(Inquiry).where(Inquiry.number == number)).first()


def for_requester(session: Session, number: str, key: str | None) -> CaseView:
    """The case behind a status address; a wrong or missing key is a missing case."""
    inquiry = _find(session, number)
    # Compared even when the case is missing, so both cost the same.
    stored = inquiry.key_hash if inquiry is not None else _digest("")
    matches = hmac.compare_digest(stored, _digest(key or "\u2063"))
    if inquiry is None or not key or not matches:
        raise NotFound("no_such_inquiry")
    return _view(session, inquiry)


# --- the staff ------------------------------------------------------------------


def _case(session: Session, number: str, staff: Staff, *, handle: bool) -> Inquiry:
    inquiry = _find(session, number)
    if inquiry is None or not staff.may_see(inquiry):
        raise NotFound("no_such_inquiry")  # another institution's case is not shown at all
    if handle and not staff.may_handle(inquiry):
        raise Forbidden("inquiry_not_yours", number=number)
    return inquiry


def case(session: Session, number: str, staff: Staff) -> CaseView:
    """A case as the staff see it, with its whole history."""
    return _view(session, _case(session, number, staff, handle=False))


def attachment(session: Session, number: str, index: int, staff: Staff) -> InquiryAttachment:
    """The ``index``-th (from 1) attachment of a case the staff member may see."""
    inquiry = _case(session, number, staff, handle=False)
    if not 1 <= index <= len(inquiry.attachments):
        raise NotFound("no_such_inquiry")
    return inquiry.attachments[index - 1]


@dataclass(frozen=True)
class QueueRow:
    number: str
    status: str
    institution: str | None
    document_number: str
    received_at: dt.datetime
    due: dt.date
    overdue: bool
    taken_by: str | None


def queue(
    session: Session, staff: Staff, *, status: str | None = None, limit: int = 200
) -> list[QueueRow]:
    """Cases the staff member may see: open ones first, overdue first, then by due date."""
    today = calendar.tashkent_day(dt.datetime.now(dt.UTC))
    query = select(Inquiry, Institution.code).outerjoin(
        Institution, Institution.id == Inquiry.institution_id
    )
    if staff.role is StaffRole.REGISTRAR:
        query = query.where(Inquiry.institution_id == staff.institution_id)
    if status == "open":
        query = query.where(Inquiry.status.in_(OPEN))
    elif status is not None:
        query = query.where(Inquiry.status == status)
    is_open = sql_case((Inquiry.status.in_(OPEN), 0), else_=1)
    query = query.order_by(is_open, Inquiry.due_on, Inquiry.id).limit(limit)
    return [
        QueueRow(
            number=inquiry.number,
            status=inquiry.status,
            institution=code,
            document_number=inquiry.document_number,
            received_at=inquiry.received_at,
            due=inquiry.due_on,
            overdue=inquiry.status in OPEN and inquiry.due_on < today,
            taken_by=inquiry.taken_by,
        )
        for inquiry, code in session.execute(query)
    ]


def open_count(session: Session, staff: Staff) -> int:
    query = select(func.count()).select_from(Inquiry).where(Inquiry.status.in_(OPEN))
    if staff.role is StaffRole.REGISTRAR:
        query = query.where(Inquiry.institution_id == staff.institution_id)
    return session.scalar(query) or 0


def _open(inquiry: Inquiry) -> None:
    if inquiry.status not in OPEN:
        raise Conflict("inquiry_closed", number=inquiry.number, status=inquiry.status)


def take(session: Session, number: str, staff: Staff, *, now: dt.datetime | None = None) -> None:
    """The staff member takes the case (from whoever had it)."""
    inquiry = _case(session, number, staff, handle=True)
    _open(inquiry)
    previous = inquiry.taken_by
    inquiry.status = IN_PROGRESS
    inquiry.taken_by = staff.email
    inquiry.taken_at = now or dt.datetime.now(dt.UTC)
    payload = {"from": previous} if previous and previous != staff.email else {}
    events.record(session, EventKind.INQUIRY_TAKEN, number, payload, actor=staff.email)


def _note(note: str | None, *, required: bool = False) -> str | None:
    text = (note or "").strip()
    if not text:
        if required:
            raise InvalidInput("rejection_reason_required", field="reason")
        return None
    if len(text) > MAX_NOTE or any(not (c.isprintable() or c in "\r\n") for c in text):
        raise InvalidInput("answer_note_too_long", limit=MAX_NOTE, field="note")
    return text


def answer(
    session: Session,
    number: str,
    staff: Staff,
    *,
    outcome: str,
    note: str | None,
    signatory: Signatory,
    letters: Letters,
    link: str | None = None,
    create: Record | None = None,
    scan: archive.Scan | None = None,
    now: dt.datetime | None = None,
) -> StoredReport:
    """Answer a case with a letter signed by ``signatory``.

    ``link`` (a number the registry holds) or ``create`` (an archive record,
    with the scan of its issue-book page) settles the case; the letter then
    states what the look-up of that record answers. ``confirmed`` needs a
    look-up that shows the document: a confirmation the registry cannot repeat
    is refused.
    """
    if outcome not in OUTCOMES:
        raise InvalidInput("unknown_outcome", choices=", ".join(OUTCOMES), field="outcome")
    inquiry = _case(session, number, staff, handle=True)
    _open(inquiry)
    text = _note(note)
    if create is not None:
        if staff.role is StaffRole.REGISTRAR:
            _own_institution(session, create.institution, staff, inquiry)
        link = archive.record(session, create, actor=staff.email, scan=scan)
    query = NumberQuery(inquiry.document_number, inquiry.surname, None)
    if link:
        document = session.scalars(select(Document).where(Document.number == link)).first()
        if document is None:
            raise NotFound("no_such_document", number=link, field="link")
        if staff.role is StaffRole.REGISTRAR and document.institution_id != staff.institution_id:
            raise Forbidden("inquiry_not_yours", number=number)
        inquiry.document_id = document.id
        query = NumberQuery(document.number, document.surname, None)
    (found,) = verify_numbers(session, [query])
    if outcome == CONFIRMED and found.status not in SETTLED:
        raise Conflict("confirm_needs_record", number=query.number, field="link")
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return _close(session, inquiry, found, outcome, text, signatory, letters, staff.email, moment)


def _own_institution(session: Session, code: str, staff: Staff, inquiry: Inquiry) -> None:
    institution_id = session.scalar(select(Institution.id).where(Institution.code == code))
    if institution_id != staff.institution_id:
        raise Forbidden("inquiry_not_yours", number=inquiry.number)


def reject(
    session: Session, number: str, staff: Staff, *, reason: str, now: dt.datetime | None = None
) -> None:
    """Close a case without a letter (e.g. no consent shown, not a document we can speak for)."""
    inquiry = _case(session, number, staff, handle=True)
    _open(inquiry)
    inquiry.status = REJECTED
    inquiry.note = _note(reason, required=True)
    inquiry.closed_at = now or dt.datetime.now(dt.UTC)
    inquiry.closed_by = staff.email
    events.record(session, EventKind.INQUIRY_REJECTED, number, {}, actor=staff.email)


def mailed(session: Session, number: str, what: str) -> None:
    """Record that a mail (``received`` or ``answered``) went to the requester."""
    events.record(session, EventKind.INQUIRY_MAILED, number, {"mail": what}, actor=AUTOMATIC)


def find_for_mail(session: Session, number: str) -> Inquiry:
    inquiry = _find(session, number)
    if inquiry is None:
        raise NotFound("no_such_inquiry")
    return inquiry
