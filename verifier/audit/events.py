"""The append-only, hash-chained event log: every kind of event, the one way to
record them, and the walk that checks the chain.

Each event's hash is SHA-256 over a canonical JSON encoding of its content and
the previous event's hash, so changing, removing or reordering any past event
breaks every link after it. ``prev_hash`` is unique: two writers can never
append to the same head, so the chain cannot fork.

Services record with :func:`record` (one event) or :func:`record_many` (events
encoded ahead with :func:`encode`, as an import's workers do); views never do.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from verifier.db.bulk import BulkInsert
from verifier.db.models import Event, table

GENESIS_HASH = "0" * 64


class EventKind(StrEnum):
    """Every kind of event the service records. The value is what is stored and
    hashed into the chain: never change one, only add."""

    # The registry
    INSTITUTION_ADDED = "institution_added"
    ISSUED = "issued"
    ARCHIVE_RECORDED = "archive_recorded"  # a document transcribed from an issue book
    REVOKED = "revoked"
    REISSUED = "reissued"
    DOWNLOADED = "downloaded"
    # Signing keys
    KEY_CREATED = "key_created"
    KEY_ROTATED = "key_rotated"
    KEY_COMPROMISED = "key_compromised"
    PDF_CERTIFICATE_CREATED = "pdf_certificate_created"
    # Imports
    IMPORT_REJECTED = "import_rejected"
    IMPORT_STARTED = "import_started"
    IMPORT_FINISHED = "import_finished"
    IMPORT_FAILED = "import_failed"
    # Staff and API tokens
    USER_ADDED = "user_added"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an event kind, not a password
    ACCOUNT_DISABLED = "account_disabled"
    ACCOUNT_ENABLED = "account_enabled"
    ACCESS_REFUSED = "access_refused"
    API_TOKEN_CREATED = "api_token_created"  # noqa: S105 - an event kind
    API_TOKEN_REVOKED = "api_token_revoked"  # noqa: S105 - an event kind
    # The audit itself
    AUDIT_RUN = "audit_run"
    # Official reports and letters
    REPORT_MADE = "report_made"  # an official report or letter (verifier.reports)
    # Inquiries (verifier.inquiries) and the calendar their due dates follow
    INQUIRY_RECEIVED = "inquiry_received"
    INQUIRY_TAKEN = "inquiry_taken"
    INQUIRY_ANSWERED = "inquiry_answered"
    INQUIRY_REJECTED = "inquiry_rejected"
    INQUIRY_MAILED = "inquiry_mailed"  # a mail to the requester was handed to the mail server
    HOLIDAY_ADDED = "holiday_added"


# Any constant works; it names the one lock that serialises chain appends on PostgreSQL.
_PG_CHAIN_LOCK = 0x76657269


_EVENT_ROWS = BulkInsert(
    table(Event), ("seq", "occurred_at", "kind", "subject", "actor", "payload", "prev_hash", "hash")
)


# Made once: json.dumps with any option builds a new encoder on every call, and
# an import encodes two per document.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 text kept as is."""
    return _CANONICAL.encode(value)


@functools.lru_cache(maxsize=4)  # a batch of events shares one moment
def format_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    seq: int,
    occurred_at: dt.datetime,
    kind: str,
    subject: str | None,
    actor: str,
    payload: str,
    prev_hash: str,
) -> str:
    # A fixed-order JSON array: unambiguous, and cheaper than a sorted object.
    content = _COMPACT.encode(
        [seq, format_time(occurred_at), kind, subject, actor, payload, prev_hash]
    )
    return hashlib.sha256(content.encode()).hexdigest()


class EncodedEvent(NamedTuple):
    """An event whose payload is already canonical JSON: import workers encode
    the ``issued`` events ahead, and a tuple crosses their pipe cheaply."""

    kind: str
    subject: str | None
    payload: str


def encode(kind: EventKind, subject: str | None, payload: Mapping[str, Any]) -> EncodedEvent:
    """An event ready for :func:`record_many`, its payload in canonical JSON."""
    return EncodedEvent(kind.value, subject, canonical_json(dict(payload)))


def record(
    session: Session,
    kind: EventKind,
    subject: str | None,
    payload: Mapping[str, Any],
    *,
    actor: str,
    at: dt.datetime | None = None,
) -> None:
    """Append one event to the chain, in the caller's transaction."""
    record_many(session, [encode(kind, subject, payload)], actor=actor, at=at)


def record_many(
    session: Session,
    events: Sequence[EncodedEvent],
    *,
    actor: str,
    at: dt.datetime | None = None,
) -> None:
    """Append events in order, in the caller's transaction, all at one moment."""
    if not events:
        return
    moment = at or dt.datetime.now(dt.UTC)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CHAIN_LOCK})
    head = session.execute(
        select(Event.seq, Event.hash).order_by(Event.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    rows = []
    for kind, subject, payload in events:
        seq += 1
        digest = event_hash(
            seq=seq,
            occurred_at=moment,
            kind=kind,
            subject=subject,
            actor=actor,
            payload=payload,
            prev_hash=prev_hash,
        )
        rows.append((seq, moment, kind, subject, actor, payload, prev_hash, digest))
        prev_hash = digest
    _EVENT_ROWS.execute(session.connection(), rows)


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"event {self.seq}: {self.problem}"


@dataclass(frozen=True)
class AuditReport:
    events_checked: int
    head_hash: str
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _walk(session: Session) -> Iterator[Any]:
    # Plain rows, not ORM objects: the walk reads every event, and building an
    # object per event would cost more than hashing it.
    yield from session.execute(
        select(
            Event.seq,
            Event.occurred_at,
            Event.kind,
            Event.subject,
            Event.actor,
            Event.payload,
            Event.prev_hash,
            Event.hash,
        )
        .order_by(Event.seq)
        .execution_options(yield_per=5000)
    )


def audit(session: Session) -> AuditReport:
    """Re-walk the whole chain and report the first broken link."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for event in _walk(session):
        if event.seq != expected_seq:
            return AuditReport(
                checked,
                prev_hash,
                BrokenLink(expected_seq, f"missing (the next event present is {event.seq})"),
            )
        if event.prev_hash != prev_hash:
            return AuditReport(
                checked,
                prev_hash,
                BrokenLink(event.seq, "prev_hash does not match the hash of the event before it"),
            )
        recomputed = event_hash(
            seq=event.seq,
            occurred_at=event.occurred_at,
            kind=event.kind,
            subject=event.subject,
            actor=event.actor,
            payload=event.payload,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return AuditReport(
                checked,
                prev_hash,
                BrokenLink(event.seq, "content does not match its hash (the event was altered)"),
            )
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    return AuditReport(checked, prev_hash, None)
