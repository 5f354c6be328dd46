"""Service layer: institutions, issuing, revoking, reissuing, looking up.

Functions take the session and never commit: the caller owns the transaction,
so a document, its course lines, its token and its ``issued`` event are
committed together or not at all.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from verifier.audit import events
from verifier.audit.events import EventKind
from verifier.db.models import Document, Holder, Institution
from verifier.documents import rows
from verifier.documents.numbers import normalise_number
from verifier.documents.record import Course, Record
from verifier.documents.rows import Rows
from verifier.errors import Conflict, InvalidInput, NotFound
from verifier.printing.data import PrintData
from verifier.signing.keys import Signer
from verifier.signing.tokens import qr_url
from verifier.vocabulary import DocumentStatus, DocumentType, RevocationCode

MAX_REASON_LENGTH = 500


def add_institution(
    session: Session,
    code: str,
    *,
    name_uz: str,
    name_ru: str | None = None,
    name_en: str | None = None,
    actor: str,
) -> Institution:
    code = code.strip().upper()
    if not code or not code.replace("-", "").replace("_", "").isalnum() or not code.isascii():
        raise InvalidInput("institution_code_malformed", code=repr(code), field="code")
    if len(code) > 16:
        raise InvalidInput("institution_code_too_long", field="code")
    if not name_uz.strip():
        raise InvalidInput("institution_name_required", field="name_uz")
    if session.scalars(select(Institution).where(Institution.code == code)).first():
        raise Conflict("institution_exists", code=code, field="code")
    now = dt.datetime.now(dt.UTC)
    institution = Institution(
        code=code,
        name_uz=name_uz.strip(),
        name_ru=(name_ru or "").strip() or None,
        name_en=(name_en or "").strip() or None,
        created_at=now,
    )
    session.add(institution)
    session.flush()
    events.record(
        session,
        EventKind.INSTITUTION_ADDED,
        code,
        {"code": code, "name_uz": institution.name_uz},
        actor=actor,
        at=now,
    )
    return institution


def institution_ids(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Institution.code, Institution.id)).all())


def record_of(document: Document) -> Record:
    """The record a document was issued from (to reissue it, audit it, answer the registrar)."""
    return Record(
        type=DocumentType(document.type),
        number=document.number,
        surname=document.surname,
        given_name=document.given_name,
        patronymic=document.patronymic,
        birth_date=document.birth_date,
        institution=document.institution_code,
        program_code=document.program_code,
        program_name=document.program_name,
        qualification=document.qualification,
        study_form=document.study_form,
        start_date=document.start_date,
        end_date=document.end_date,
        issue_date=document.issue_date,
        honors=document.honors,
        diploma_number=document.diploma_number,
        course_name=document.course_name,
        hours=document.hours,
        issue_year=document.issue_year,
        source=document.source,
        checked_by=document.checked_by,
        courses=tuple(Course(c.name, c.hours, c.grade) for c in document.courses),
    )


@dataclass(frozen=True)
class Existing:
    """What the registry already holds under a number an import wants to issue."""

    number: str
    record_digest: str
    holder_identity: str


def existing_documents(session: Session, numbers: Iterable[str]) -> dict[str, Existing]:
    rows = session.execute(
        select(Document.number, Document.record_digest, Holder.identity_key)
        .join(Holder, Holder.id == Document.holder_id)
        .where(Document.number.in_(list(numbers)))
    )
    return {row.number: Existing(row.number, row.record_digest, row.identity_key) for row in rows}


class Identified(Protocol):
    """What tells one document's content and holder from another's."""

    @property
    def number(self) -> str: ...
    @property
    def digest(self) -> str: ...
    @property
    def holder_identity(self) -> str: ...


def conflict(record: Identified, existing: Existing) -> Conflict | None:
    """Why ``record`` cannot be issued over ``existing``; None if it is the same document."""
    if existing.record_digest == record.digest:
        return None
    if existing.holder_identity != record.holder_identity:
        return Conflict("issued_to_another_person", number=record.number, field="number")
    return Conflict("issued_with_other_details", number=record.number, field="number")


ItemT = TypeVar("ItemT", bound=Identified)


def _not_yet_issued(session: Session, items: Sequence[ItemT]) -> list[ItemT]:
    """The items whose numbers the registry lacks; identical ones already issued are
    skipped (re-running an import is safe), any other clash raises :class:`Conflict`."""
    existing = existing_documents(session, [item.number for item in items])
    fresh = []
    for item in items:
        if item.number not in existing:
            fresh.append(item)
        elif problem := conflict(item, existing[item.number]):
            raise problem
    return fresh


def issue(
    session: Session,
    records: Sequence[Record],
    signer: Signer,
    *,
    actor: str,
    institutions: Mapping[str, int] | None = None,
) -> list[str]:
    """Issue records not yet in the registry; return the numbers issued.

    A record whose number is already issued with identical content is skipped
    (re-running an import is safe); any other clash raises :class:`Conflict`.
    """
    if not records:
        return []
    institutions = institutions if institutions is not None else institution_ids(session)
    fresh = _not_yet_issued(session, records)
    return _write(
        session, rows.sign([rows.lay_out(r) for r in fresh], signer, institutions), actor=actor
    )


def issue_rows(session: Session, signed: Sequence[Rows], *, actor: str) -> list[str]:
    """:func:`issue` for documents laid out and signed beforehand (see ``documents/rows.py``)."""
    return _write(session, _not_yet_issued(session, signed), actor=actor)


def _holder_ids(session: Session, prepared: Sequence[Rows]) -> dict[str, int]:
    wanted = {p.holder_identity: p.holder for p in prepared}
    found = dict(
        session.execute(
            select(Holder.identity_key, Holder.id).where(Holder.identity_key.in_(list(wanted)))
        ).all()
    )
    missing = [key for key in wanted if key not in found]
    if missing:
        # executemany then one SELECT: RETURNING in parameter order makes SQLite
        # insert row by row.
        rows.HOLDER_ROWS.execute(session.connection(), (wanted[key] for key in missing))
        found.update(_ids_by(session, Holder.identity_key, Holder.id, missing))
    return found


def _ids_by(session: Session, key: Any, id_column: Any, values: list[str]) -> dict[str, int]:
    return {k: i for k, i in session.execute(select(key, id_column).where(key.in_(values)))}


def _write(session: Session, prepared: Sequence[Rows], *, actor: str) -> list[str]:
    if not prepared:
        return []
    now = dt.datetime.now(dt.UTC)
    holders = _holder_ids(session, prepared)
    connection = session.connection()
    rows.DOCUMENT_ROWS.execute(
        connection, ((*p.document, holders[p.holder_identity], now) for p in prepared)
    )
    transcripts = [p for p in prepared if p.courses]
    if transcripts:
        ids = _ids_by(session, Document.number, Document.id, [p.number for p in transcripts])
        rows.COURSE_ROWS.execute(
            connection,
            (
                (ids[p.number], position, name, hours, grade)
                for p in transcripts
                for position, (name, hours, grade) in enumerate(p.courses, start=1)
            ),
        )
    events.record_many(
        session, [p.event for p in prepared if p.event is not None], actor=actor, at=now
    )
    return [p.number for p in prepared]


class PrintRefused(Conflict):
    """The registry holds the document, but it must not be printed (revoked, superseded,
    an archive record)."""


def printable(document: Document) -> None:
    """Raise :class:`PrintRefused` unless the document may be printed (revoked, superseded)."""
    if document.status == DocumentStatus.REVOKED:
        when = document.revoked_at.date().isoformat() if document.revoked_at else "?"
        raise PrintRefused("print_revoked", number=document.number, date=when)
    if document.status == DocumentStatus.SUPERSEDED:
        raise PrintRefused(
            "print_superseded", number=document.number, successor=str(document.superseded_by)
        )


def qr_url_of(document: Document, base_url: str) -> str | None:
    """The document's QR URL; None for an archive record, which has no token."""
    return None if document.token is None else qr_url(base_url, document.token)


def _print_data(document: Document, base_url: str) -> PrintData:
    if document.token is None:
        raise PrintRefused("print_archive", number=document.number)
    institution = document.institution
    return PrintData(
        record=record_of(document),
        institution_uz=institution.name("uz"),
        institution_ru=institution.name("ru"),
        institution_en=institution.name("en"),
        token=document.token,
        base_url=base_url.rstrip("/"),
    )


def print_data(session: Session, number: str, base_url: str) -> PrintData:
    """A document for printing: unknown numbers and revoked or superseded documents raise."""
    document = get_document(session, number)
    printable(document)
    return _print_data(document, base_url)


def class_print_data(
    session: Session, institution: str, base_url: str
) -> tuple[list[PrintData], int]:
    """Every printable document of ``institution``, and how many may not be printed."""
    code = institution.strip().upper()
    found = session.scalars(select(Institution.id).where(Institution.code == code)).first()
    if found is None:
        raise NotFound("no_such_institution", code=code, field="institution")
    query = (
        select(Document)
        .where(Document.institution_id == found)
        .order_by(Document.number)
        .execution_options(yield_per=500)
    )
    printable_documents, refused = [], 0
    for document in session.scalars(query):
        if document.status != DocumentStatus.VALID:
            refused += 1
        else:
            printable_documents.append(_print_data(document, base_url))
    return printable_documents, refused


def get_document(session: Session, number: str) -> Document:
    canonical = normalise_number(number)
    document = session.scalars(select(Document).where(Document.number == canonical)).first()
    if document is None:
        raise NotFound("no_such_document", number=canonical, field="number")
    return document


# Built once: building a statement per call cost as much as running it.
_BY_NUMBER = select(Document).where(Document.number == bindparam("number"))


def find_document(session: Session, canonical_number: str) -> Document | None:
    return session.scalars(_BY_NUMBER, {"number": canonical_number}).first()


def _reason(reason: str | None, *, required: bool) -> str | None:
    cleaned = " ".join((reason or "").split())
    if required and not cleaned:
        raise InvalidInput("reason_required", field="reason")
    if len(cleaned) > MAX_REASON_LENGTH:
        raise InvalidInput("reason_too_long", limit=MAX_REASON_LENGTH, field="reason")
    # Whitespace is collapsed above; any control character left (NUL, which no
    # PostgreSQL text column takes, among them) means the text is not a note.
    if any(unicodedata.category(char) == "Cc" for char in cleaned):
        raise InvalidInput("reason_control_character", field="reason")
    return cleaned or None


def revoke(
    session: Session,
    number: str,
    *,
    reason: str,
    actor: str,
    code: str | None = None,
) -> Document:
    """Revoke a document: ``code`` is what the public sees, ``reason`` an internal note.

    Without a code (callers from before codes: CLI ``--reason``, the registrar API's
    ``{"reason"}``) the code is ``other`` and the note stays required, as it was.
    """
    try:
        public_code = RevocationCode(code or RevocationCode.OTHER)
    except ValueError:
        choices = ", ".join(c.value for c in RevocationCode)
        raise InvalidInput(
            "unknown_revocation_code", code=repr(code), choices=choices, field="code"
        ) from None
    cleaned = _reason(reason, required=code is None)
    document = get_document(session, number)
    if document.status != DocumentStatus.VALID:
        raise Conflict("no_longer_valid", number=document.number, status=document.status)
    now = dt.datetime.now(dt.UTC)
    document.status = DocumentStatus.REVOKED.value
    document.revoked_at = now
    document.revocation_code = public_code.value
    document.revocation_reason = cleaned
    session.flush()
    events.record(
        session,
        EventKind.REVOKED,
        document.number,
        {"number": document.number, "code": public_code.value, "reason": cleaned},
        actor=actor,
        at=now,
    )
    return document


def linked_documents(session: Session, number: str) -> list[Document]:
    """The supplements (transcripts) that name this diploma: their status follows it."""
    canonical = normalise_number(number)
    return list(
        session.scalars(
            select(Document).where(Document.diploma_number == canonical).order_by(Document.number)
        )
    )


def successor_number(supplement: str, old_diploma: str, new_diploma: str) -> str | None:
    """The supplement's number for a reissued diploma, when it can be derived.

    A supplement usually carries its diploma's digits under its own series
    (KTI 2400103 for KT 2400103): it keeps its series and takes the new digits.
    Any other numbering is the registrar's to choose.
    """
    old_series, old_digits = _split(old_diploma)
    new_series, new_digits = _split(new_diploma)
    series, digits = _split(supplement)
    if digits != old_digits or not series.startswith(old_series):
        return None
    return new_series + series[len(old_series) :] + new_digits


def _split(number: str) -> tuple[str, str]:
    digits = number.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return number[: len(number) - len(digits)], digits


def reissue(
    session: Session,
    number: str,
    *,
    new_number: str,
    reason: str | None,
    signer: Signer,
    actor: str,
    issue_date: dt.date | None = None,
    supplement_numbers: Mapping[str, str] | None = None,
) -> Document:
    """Issue a duplicate under ``new_number``; the old document becomes superseded.

    A diploma's valid supplements are reissued with it, so that the old supplement
    answers ``superseded`` naming its successor instead of outliving its diploma:
    each under ``supplement_numbers[old]`` or else :func:`successor_number`. A
    supplement whose new number is neither given nor derivable refuses the reissue.
    """
    cleaned = _reason(reason, required=False)
    old = get_document(session, number)
    if old.status != DocumentStatus.VALID:
        raise Conflict("not_reissuable", number=old.number, status=old.status)
    new_canonical = normalise_number(new_number)
    if new_canonical == old.number:
        raise Conflict("duplicate_needs_new_number", number=old.number, field="new_number")
    if find_document(session, new_canonical) is not None:
        raise Conflict("already_issued", number=new_canonical, field="new_number")
    given = {
        normalise_number(k): normalise_number(v) for k, v in (supplement_numbers or {}).items()
    }
    carried = plan_supplements(session, old.number, new_canonical, given)
    day = issue_date or dt.date.today()
    record = _duplicate(record_of(old), new_canonical, day)
    supplements = [
        _duplicate(record_of(s)._replace(diploma_number=new_canonical), n, day) for s, n in carried
    ]
    issue(session, [record, *supplements], signer, actor=actor)
    now = dt.datetime.now(dt.UTC)
    for superseded, successor in [(old, new_canonical), *carried]:
        superseded.status = DocumentStatus.SUPERSEDED.value
        superseded.superseded_by = successor
        superseded.superseded_at = now
    session.flush()
    events.record_many(
        session,
        [
            events.encode(
                EventKind.REISSUED,
                superseded.number,
                {"number": superseded.number, "new_number": successor, "reason": cleaned},
            )
            for superseded, successor in [(old, new_canonical), *carried]
        ],
        actor=actor,
        at=now,
    )
    return get_document(session, new_canonical)


def _duplicate(record: Record, number: str, day: dt.date) -> Record:
    """The signed duplicate of ``record`` (issued digitally, whatever the original's origin)."""
    if record.birth_date is None:
        raise Conflict("duplicate_needs_birth_date", number=record.number)
    # An archive record's provenance describes the original, not its duplicate.
    return record._replace(issue_year=None, source=None, checked_by=None).renumbered(number, day)


def plan_supplements(
    session: Session, old_number: str, new_number: str, given: Mapping[str, str]
) -> list[tuple[Document, str]]:
    """Each valid supplement of ``old_number`` with the number it moves to.

    Raises :class:`Conflict` when one has no new number, or its new number is taken.
    """
    planned = []
    for supplement in linked_documents(session, old_number):
        if supplement.status != DocumentStatus.VALID:
            continue
        target = given.get(supplement.number) or successor_number(
            supplement.number, old_number, new_number
        )
        if target is None:
            raise Conflict("supplement_needs_number", supplement=supplement.number)
        if target == supplement.number or find_document(session, target) is not None:
            raise Conflict("supplement_number_taken", number=target, supplement=supplement.number)
        planned.append((supplement, target))
    return planned
