"""Service layer: institutions, issuing, revoking, reissuing, looking up.

Functions take the session and never commit: the caller owns the transaction,
so a document, its course lines, its token and its ``issued`` event are
committed together or not at all.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, Protocol, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from verifier.audit import events
from verifier.audit.events import EncodedEvent, NewEvent
from verifier.db.bulk import BulkInsert
from verifier.db.fast_reads import RegistryRecord
from verifier.db.models import CourseLine, Document, Holder, Institution, table
from verifier.documents.names import name_key
from verifier.documents.numbers import normalise_number
from verifier.documents.record import Course, Record
from verifier.errors import Conflict, NotFound, VerifierError
from verifier.signing.keys import Signer
from verifier.signing.tokens import Claims, sign_payloads
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
        raise VerifierError(f"institution code {code!r} must be letters, digits, - or _")
    if len(code) > 16:
        raise VerifierError("institution code is at most 16 characters")
    if not name_uz.strip():
        raise VerifierError("--name-uz is required")
    if session.scalars(select(Institution).where(Institution.code == code)).first():
        raise Conflict(f"institution {code} already exists")
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
    events.append(
        session,
        [NewEvent(events.INSTITUTION_ADDED, code, {"code": code, "name_uz": institution.name_uz})],
        actor=actor,
        at=now,
    )
    return institution


def institution_ids(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Institution.code, Institution.id)).all())


def record_for_document(document: Document) -> Record:
    """The import record a document was issued from (used to reissue it)."""
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
        courses=tuple(Course(c.name, c.hours, c.grade) for c in document.courses),
        course_name=document.course_name,
        hours=document.hours,
    )


def claims_for_document(document: Document | RegistryRecord) -> Claims:
    """The claims a document's token must carry, from its row alone.

    Uses the stored grade digest rather than the course lines, so verifying a
    QR code reads one row; the audit separately checks the lines still hash to it.
    """
    kind = DocumentType(document.type)
    return Claims(
        type=kind,
        number=document.number,
        surname=document.surname,
        given_name=document.given_name,
        patronymic=document.patronymic,
        birth_date=document.birth_date,
        institution=document.institution_code,
        issue_date=document.issue_date,
        program_code=document.program_code if kind is DocumentType.DIPLOMA else None,
        qualification=document.qualification if kind is DocumentType.DIPLOMA else None,
        diploma_number=document.diploma_number,
        grades_digest=document.grades_digest if kind is DocumentType.TRANSCRIPT else None,
        course_name=document.course_name,
        hours=document.hours,
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


def conflict_message(record: Identified, existing: Existing) -> str | None:
    """Why ``record`` cannot be issued over ``existing``; None if it is the same document."""
    if existing.record_digest == record.digest:
        return None
    if existing.holder_identity != record.holder_identity:
        return f"{record.number} is already issued to a different person"
    return f"{record.number} is already issued with different details (use reissue to correct it)"


# The columns a document is laid out with come first; the rest are known only
# when it is signed (token, kid, institution_id) or written (holder_id, recorded_at).
_DOCUMENT_ROWS = BulkInsert(
    table(Document),
    (
        "number", "type", "status", "surname", "given_name", "patronymic", "surname_key",
        "name_key", "birth_date", "program_code", "program_name", "qualification",
        "study_form", "start_date", "end_date", "issue_date", "honors", "diploma_number",
        "course_name", "hours", "grades_digest", "record_digest",
        "token", "kid", "institution_id", "holder_id", "recorded_at",
    ),
)  # fmt: skip
_HOLDER_ROWS = BulkInsert(
    table(Holder), ("identity_key", "surname", "given_name", "patronymic", "birth_date")
)
_COURSE_ROWS = BulkInsert(table(CourseLine), ("document_id", "position", "name", "hours", "grade"))


_VALID = DocumentStatus.VALID.value


class LaidOut(NamedTuple):
    """A record laid out as the rows it will be issued as, but for its token.

    Plain values only, so a chunk of them pickles and unpickles several times
    faster than the records they come from: an import spools them between its
    passes, and its workers sign them (:func:`sign_laid_out`).
    """

    number: str
    institution: str
    digest: str
    holder_identity: str
    holder: tuple[Any, ...]  # the holders row
    row: tuple[Any, ...]  # the documents row up to record_digest
    courses: tuple[tuple[str, int, str], ...]  # name, hours, grade
    type: str
    payload: bytes  # the token's claim set (JSON)

    @property
    def payload_size(self) -> int:
        return len(self.payload)


def lay_out(record: Record) -> LaidOut:
    return LaidOut(
        number=record.number,
        institution=record.institution,
        digest=record.digest,
        holder_identity=record.holder_identity,
        holder=(
            record.holder_identity,
            record.surname,
            record.given_name,
            record.patronymic,
            record.birth_date,
        ),
        row=(
            record.number,
            record.type.value,
            _VALID,
            record.surname,
            record.given_name,
            record.patronymic,
            name_key(record.surname),
            " ".join(
                name_key(part)
                for part in (record.surname, record.given_name, record.patronymic)
                if part
            ),
            record.birth_date,
            record.program_code,
            record.program_name,
            record.qualification,
            record.study_form,
            record.start_date,
            record.end_date,
            record.issue_date,
            record.honors,
            record.diploma_number,
            record.course_name,
            record.hours,
            record.claims.grades_digest,
            record.digest,
        ),
        courses=tuple((c.name, c.hours, c.grade) for c in record.courses),
        type=record.type.value,
        payload=record.claims.to_json(),
    )


class PreparedDocument(NamedTuple):
    """A signed document laid out as rows: all of issuing that needs no database.

    Made by :func:`sign_laid_out`, where an import's worker processes make them
    in parallel; only :func:`issue_prepared` stores them, and nothing else holds
    the token before that commit.
    """

    number: str
    digest: str
    holder_identity: str
    holder: tuple[Any, ...]  # the holders row
    row: tuple[Any, ...]  # the documents row but for holder_id and recorded_at
    courses: tuple[tuple[str, int, str], ...]
    event: EncodedEvent


def sign_laid_out(
    documents: Sequence[LaidOut], signer: Signer, institutions: Mapping[str, int]
) -> list[PreparedDocument]:
    """Sign laid-out documents and complete their rows and ``issued`` events."""
    tokens = sign_payloads([document.payload for document in documents], signer)
    prepared = []
    for document, token in zip(documents, tokens, strict=True):
        institution_id = institutions.get(document.institution)
        if institution_id is None:
            raise NotFound(f"{document.number}: unknown institution {document.institution}")
        event = NewEvent(
            events.ISSUED,
            document.number,
            {
                "number": document.number,
                "type": document.type,
                "institution": document.institution,
                "record_digest": document.digest,
                "kid": signer.kid,
            },
        ).encoded()
        prepared.append(
            PreparedDocument(
                number=document.number,
                digest=document.digest,
                holder_identity=document.holder_identity,
                holder=document.holder,
                row=(*document.row, token, signer.kid, institution_id),
                courses=document.courses,
                event=event,
            )
        )
    return prepared


ItemT = TypeVar("ItemT", bound=Identified)


def _not_yet_issued(session: Session, items: Sequence[ItemT]) -> list[ItemT]:
    """The items whose numbers the registry lacks; identical ones already issued are
    skipped (re-running an import is safe), any other clash raises :class:`Conflict`."""
    existing = existing_documents(session, [item.number for item in items])
    fresh = []
    for item in items:
        if item.number not in existing:
            fresh.append(item)
        elif problem := conflict_message(item, existing[item.number]):
            raise Conflict(problem)
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
        session, sign_laid_out([lay_out(r) for r in fresh], signer, institutions), actor=actor
    )


def issue_prepared(
    session: Session, prepared: Sequence[PreparedDocument], *, actor: str
) -> list[str]:
    """:func:`issue` for documents :func:`sign_laid_out` made beforehand."""
    return _write(session, _not_yet_issued(session, prepared), actor=actor)


def _holder_ids(session: Session, prepared: Sequence[PreparedDocument]) -> dict[str, int]:
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
        _HOLDER_ROWS.execute(session.connection(), (wanted[key] for key in missing))
        found.update(_ids_by(session, Holder.identity_key, Holder.id, missing))
    return found


def _ids_by(session: Session, key: Any, id_column: Any, values: list[str]) -> dict[str, int]:
    return {k: i for k, i in session.execute(select(key, id_column).where(key.in_(values)))}


def _write(session: Session, prepared: Sequence[PreparedDocument], *, actor: str) -> list[str]:
    if not prepared:
        return []
    now = dt.datetime.now(dt.UTC)
    holders = _holder_ids(session, prepared)
    connection = session.connection()
    _DOCUMENT_ROWS.execute(
        connection, ((*p.row, holders[p.holder_identity], now) for p in prepared)
    )
    transcripts = [p for p in prepared if p.courses]
    if transcripts:
        ids = _ids_by(session, Document.number, Document.id, [p.number for p in transcripts])
        _COURSE_ROWS.execute(
            connection,
            (
                (ids[p.number], position, name, hours, grade)
                for p in transcripts
                for position, (name, hours, grade) in enumerate(p.courses, start=1)
            ),
        )
    events.append(session, [p.event for p in prepared], actor=actor, at=now)
    return [p.number for p in prepared]


def get_document(session: Session, number: str) -> Document:
    canonical = normalise_number(number)
    document = session.scalars(select(Document).where(Document.number == canonical)).first()
    if document is None:
        raise NotFound(f"no document {canonical}")
    return document


# Built once: building a statement per call cost as much as running it.
_BY_NUMBER = select(Document).where(Document.number == bindparam("number"))


def find_document(session: Session, canonical_number: str) -> Document | None:
    return session.scalars(_BY_NUMBER, {"number": canonical_number}).first()


def _reason(reason: str | None, *, required: bool) -> str | None:
    cleaned = " ".join((reason or "").split())
    if required and not cleaned:
        raise VerifierError("a reason is required")
    if len(cleaned) > MAX_REASON_LENGTH:
        raise VerifierError(f"the reason is too long (at most {MAX_REASON_LENGTH} characters)")
    # Whitespace is collapsed above; any control character left (NUL, which no
    # PostgreSQL text column takes, among them) means the text is not a note.
    if any(unicodedata.category(char) == "Cc" for char in cleaned):
        raise VerifierError("the reason contains a control character")
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
        raise VerifierError(f"unknown revocation code {code!r} (one of {choices})") from None
    cleaned = _reason(reason, required=code is None)
    document = get_document(session, number)
    if document.status != DocumentStatus.VALID:
        raise Conflict(f"{document.number} is already {document.status}")
    now = dt.datetime.now(dt.UTC)
    document.status = DocumentStatus.REVOKED.value
    document.revoked_at = now
    document.revocation_code = public_code.value
    document.revocation_reason = cleaned
    session.flush()
    events.append(
        session,
        [
            NewEvent(
                events.REVOKED,
                document.number,
                {"number": document.number, "code": public_code.value, "reason": cleaned},
            )
        ],
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
        raise Conflict(f"{old.number} is {old.status}; only a valid document can be reissued")
    new_canonical = normalise_number(new_number)
    if new_canonical == old.number:
        raise Conflict(f"a duplicate needs a new number, not {old.number} again")
    if find_document(session, new_canonical) is not None:
        raise Conflict(f"{new_canonical} is already issued")
    given = {
        normalise_number(k): normalise_number(v) for k, v in (supplement_numbers or {}).items()
    }
    carried = plan_supplements(session, old.number, new_canonical, given)
    day = issue_date or dt.date.today()
    record = record_for_document(old).renumbered(new_canonical, day)
    supplements = [
        replace(record_for_document(s), diploma_number=new_canonical).renumbered(n, day)
        for s, n in carried
    ]
    issue(session, [record, *supplements], signer, actor=actor)
    now = dt.datetime.now(dt.UTC)
    for superseded, successor in [(old, new_canonical), *carried]:
        superseded.status = DocumentStatus.SUPERSEDED.value
        superseded.superseded_by = successor
        superseded.superseded_at = now
    session.flush()
    events.append(
        session,
        [
            NewEvent(
                events.REISSUED,
                superseded.number,
                {"number": superseded.number, "new_number": successor, "reason": cleaned},
            )
            for superseded, successor in [(old, new_canonical), *carried]
        ],
        actor=actor,
        at=now,
    )
    return get_document(session, new_canonical)


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
            raise Conflict(f"give the new number of supplement {supplement.number}")
        if target == supplement.number or find_document(session, target) is not None:
            raise Conflict(f"{target} is already issued (supplement {supplement.number})")
        planned.append((supplement, target))
    return planned
