"""Typed SQLAlchemy models: the registry is the source of truth.

Tokens, QR codes and PDFs are derived from these rows; ``events`` is the
append-only, hash-chained history of every state change.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from verifier.vocabulary import DocumentStatus


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every backend (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the registry; use UTC-aware datetimes")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Institution(Base):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_uz: Mapped[str] = mapped_column(String(300))
    name_ru: Mapped[str | None] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    def name(self, language: str) -> str:
        """The name in ``language`` (uz, ru, en), falling back to Uzbek, the official one."""
        return institution_names(self.name_uz, self.name_ru, self.name_en).get(
            language, self.name_uz
        )


def institution_names(name_uz: str, name_ru: str | None, name_en: str | None) -> dict[str, str]:
    """An institution's name by language; the official Uzbek one stands in for a missing one."""
    return {"uz": name_uz, "ru": name_ru or name_uz, "en": name_en or name_uz}


class Holder(Base):
    """A person; ``identity_key`` folds spelling so one person is one row."""

    __tablename__ = "holders"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_key: Mapped[str] = mapped_column(String(400), unique=True)
    surname: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    # None for a person known only from an archive record that did not note it.
    birth_date: Mapped[dt.date | None] = mapped_column(Date)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("type IN ('diploma', 'transcript', 'certificate')", name="type"),
        CheckConstraint("status IN ('valid', 'revoked', 'superseded')", name="status"),
        CheckConstraint("origin IN ('registry', 'archive')", name="origin"),
        # Issued by the service: signed, fully dated. Transcribed from an issue book:
        # no token, and what the book did not note is NULL, but its date or year and
        # where it was transcribed from are always known.
        CheckConstraint(
            "(origin = 'registry' AND token IS NOT NULL AND kid IS NOT NULL "
            "AND birth_date IS NOT NULL AND issue_date IS NOT NULL) "
            "OR (origin = 'archive' AND token IS NULL AND source IS NOT NULL "
            "AND (issue_date IS NOT NULL OR issue_year IS NOT NULL))",
            name="origin_fields",
        ),
        Index("ix_documents_institution_issue_date", "institution_id", "issue_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=DocumentStatus.VALID.value)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    # The name exactly as printed on this document (NFC); spellings may differ
    # between a person's documents, so it is kept per document.
    surname: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    surname_key: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(400), index=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    program_code: Mapped[str | None] = mapped_column(String(32))
    program_name: Mapped[str | None] = mapped_column(String(300))
    qualification: Mapped[str | None] = mapped_column(String(300))
    study_form: Mapped[str | None] = mapped_column(String(40))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    issue_date: Mapped[dt.date | None] = mapped_column(Date)
    # An archive record whose issue book gives the year but not the day.
    issue_year: Mapped[int | None] = mapped_column(Integer)
    honors: Mapped[bool] = mapped_column(default=False)
    diploma_number: Mapped[str | None] = mapped_column(String(16))
    course_name: Mapped[str | None] = mapped_column(String(300))
    hours: Mapped[int | None] = mapped_column(Integer)
    grades_digest: Mapped[str | None] = mapped_column(String(64))
    # SHA-256 of the normalised import record: re-running an import compares it
    # to tell "already issued" from "same number, different data".
    record_digest: Mapped[str] = mapped_column(String(64))
    # registry: issued and signed by this service; archive: transcribed from an
    # institution's issue book (no token, QR or PDF of its own).
    origin: Mapped[str] = mapped_column(String(16), default="registry", server_default="registry")
    # An archive record's provenance: where it was transcribed from, who checked it,
    # and the scan of the issue-book page when one was recorded.
    source: Mapped[str | None] = mapped_column(String(300))
    checked_by: Mapped[str | None] = mapped_column(String(200))
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("archive_scans.id"))
    token: Mapped[str | None] = mapped_column(Text)
    kid: Mapped[str | None] = mapped_column(String(16))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The public reason is a code (REVOCATION_CODES), translated on every page;
    # revocation_reason is the registrar's free text, an internal note shown only in
    # the workspace (a typed reason can defame the holder).
    revocation_code: Mapped[str | None] = mapped_column(String(32))
    revocation_reason: Mapped[str | None] = mapped_column(String(500))
    superseded_by: Mapped[str | None] = mapped_column(String(16))
    superseded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    institution: Mapped[Institution] = relationship(lazy="joined", innerjoin=True)
    # Loaded only when read (transcript printing, audit): look-ups never need them.
    courses: Mapped[list[CourseLine]] = relationship(
        order_by="CourseLine.position", lazy="select", cascade="all, delete-orphan"
    )

    @property
    def institution_code(self) -> str:
        return self.institution.code


class ArchiveScan(Base):
    """A scan of an issue-book page, kept in the database so every host serves it."""

    __tablename__ = "archive_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(254))


class CourseLine(Base):
    """One line of a transcript's grade table, in printed order."""

    __tablename__ = "course_lines"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    hours: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(16))


class SigningKey(Base):
    """Public half and life cycle of a signing key; the private half lives on disk."""

    __tablename__ = "signing_keys"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'retired', 'compromised')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(16), unique=True)
    public_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    compromised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Event(Base):
    """Append-only history; ``hash`` covers this event's content and ``prev_hash``."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str | None] = mapped_column(String(64), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Not indexed: prev_hash is unique, which already forbids forks, and a second
    # random-valued index costs a fifth of a bulk import.
    hash: Mapped[str] = mapped_column(String(64))


class StaffUser(Base):
    """A person who works in the registrar workspace (password + TOTP)."""

    __tablename__ = "staff_users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'registrar', 'auditor')", name="role"),
        CheckConstraint(
            "(role = 'registrar') = (institution_id IS NOT NULL)", name="registrar_institution"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str] = mapped_column(String(64))
    # The last TOTP time step accepted: a code is never accepted twice.
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Every session cookie names the generation it was issued under; bumping it
    # (logout, password change, disabling) ends every session of the account at
    # once, including copies of the cookie.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    institution: Mapped[Institution | None] = relationship(lazy="joined")


class ApiToken(Base):
    """A bearer token for one institution's student-information system; stored hashed."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    name: Mapped[str] = mapped_column(String(100))
    # First characters of the token, shown in listings so people can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    institution: Mapped[Institution] = relationship(lazy="joined", innerjoin=True)


class IdempotencyKey(Base):
    """The stored answer to a registrar-API request, replayed for the same key."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("api_token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ImportJob(Base):
    """A file uploaded in the workspace: checked on upload, issued later outside the request.

    The file itself is kept here, not on a worker's disk, so any worker (or host)
    can issue or resume it and write its report.
    """

    __tablename__ = "import_jobs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('rejected', 'ready', 'running', 'done', 'failed')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    filename: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[str] = mapped_column(String(16))
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    invalid_rows: Mapped[int] = mapped_column(Integer, default=0)
    # JSON list of [row, field, message]; capped, with the full count in error_count.
    errors: Mapped[str] = mapped_column(Text, default="[]")
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    done_rows: Mapped[int] = mapped_column(Integer, default=0)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(String(500))
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Touched by every chunk: a running job that stops being touched was interrupted.
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    institution: Mapped[Institution] = relationship(lazy="joined", innerjoin=True)


def table(model: type[Base]) -> Table:
    """The Core table of a model, for bulk inserts without the ORM's per-row bookkeeping."""
    return cast(Table, model.__table__)


class Report(Base):
    """An official verification report or letter: what was asked, what the registry
    answered then, and the signed token its QR code carries (verifier.reports)."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("kind IN ('report', 'letter')", name="kind"),
        CheckConstraint("asked_by IN ('surname', 'birth_date', 'token')", name="asked_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    # None for a letter that states not_found: no document to point at.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    document_number: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # the document's status, as reported
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    language: Mapped[str] = mapped_column(String(2))
    asked_by: Mapped[str] = mapped_column(String(16))
    asked_surname: Mapped[str | None] = mapped_column(String(100))
    asked_birth_date: Mapped[dt.date | None] = mapped_column(Date)
    # The JSON answer as reported (verification.answers.outcome_json), canonical JSON.
    answer: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(String(300))
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_position: Mapped[str | None] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    kid: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ReportCounter(Base):
    """The last number given in a series and year (VR reports, VL letters)."""

    __tablename__ = "report_counters"

    series: Mapped[str] = mapped_column(String(4), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class Inquiry(Base):
    """A formal request for an official answer (verifier.inquiries): who asks, about
    what, and what became of it. The requester's key is kept only as its SHA-256."""

    __tablename__ = "inquiries"
    __table_args__ = (
        CheckConstraint(
            "status IN ('received', 'in_progress', 'answered', 'rejected')", name="status"
        ),
        CheckConstraint(
            "outcome IS NULL OR outcome IN ('confirmed', 'not_confirmed', 'undetermined')",
            name="outcome",
        ),
        CheckConstraint(
            "requester_kind IN ('ministry', 'agency', 'employer', 'individual')",
            name="requester_kind",
        ),
        Index("ix_inquiries_queue", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    # Who asks
    requester_kind: Mapped[str] = mapped_column(String(16))
    organisation: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    requester_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    reference: Mapped[str | None] = mapped_column(String(100))
    purpose: Mapped[str | None] = mapped_column(Text)
    # About what, as typed (the number in canonical form)
    document_number: Mapped[str] = mapped_column(String(16), index=True)
    surname: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    institution_text: Mapped[str | None] = mapped_column(String(300))
    year: Mapped[int | None] = mapped_column(Integer)
    document_type: Mapped[str | None] = mapped_column(String(16))
    # Whose queue it is in: the institution named or holding the number; None: admins only.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    due_on: Mapped[dt.date] = mapped_column(Date)
    taken_by: Mapped[str | None] = mapped_column(String(254))
    taken_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(254))
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)  # the answer's note or the rejection's reason
    # The record that settled it (linked or created) and the letter that answered it.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))

    attachments: Mapped[list[InquiryAttachment]] = relationship(
        order_by="InquiryAttachment.id", cascade="all, delete-orphan"
    )


class InquiryAttachment(Base):
    """A file sent with an inquiry: PDF, JPEG or PNG by its content, at most 10 MiB."""

    __tablename__ = "inquiry_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class Holiday(Base):
    """A public holiday added for one year (movable feasts); fixed ones ship with the code."""

    __tablename__ = "holidays"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    added_by: Mapped[str] = mapped_column(String(254))
