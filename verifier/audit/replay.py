"""`verifier audit`: the event chain, and the registry rows against it.

A chain that is intact proves the history was not rewritten; it does not prove
that nobody edited ``documents`` directly (flipping a revoked row back to
valid, changing a name). So the audit also replays the history and checks each
document row: its status must be the one the events lead to, and its content
must still hash to the ``record_digest`` recorded when it was issued.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from verifier.audit import events
from verifier.audit.events import EventKind
from verifier.db.models import Document, Event
from verifier.documents.registry import record_of
from verifier.signing.tokens import grades_digest
from verifier.vocabulary import DocumentStatus


@dataclass(frozen=True)
class Finding:
    subject: str
    problem: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.problem}"


@dataclass(frozen=True)
class Report:
    chain: events.AuditReport
    documents_checked: int
    finding: Finding | None

    @property
    def intact(self) -> bool:
        return self.chain.intact and self.finding is None


def _replay(session: Session) -> dict[str, tuple[str, str]]:
    """number -> (status the events lead to, record digest recorded at issue)."""
    state: dict[str, tuple[str, str]] = {}
    recorded = (EventKind.ISSUED, EventKind.ARCHIVE_RECORDED)
    kinds = (*recorded, EventKind.REVOKED, EventKind.REISSUED)
    rows = session.execute(
        select(Event.kind, Event.subject, Event.payload)
        .where(Event.kind.in_(kinds))
        .order_by(Event.seq)
        .execution_options(yield_per=5000)
    )
    for kind, subject, payload in rows:
        if subject is None:
            continue
        if kind in recorded:
            state[subject] = (DocumentStatus.VALID, json.loads(payload)["record_digest"])
        elif subject in state:
            status = (
                DocumentStatus.REVOKED if kind == EventKind.REVOKED else DocumentStatus.SUPERSEDED
            )
            state[subject] = (status, state[subject][1])
    return state


def run(session: Session) -> Report:
    chain = events.audit(session)
    if not chain.intact:
        return Report(chain, 0, None)
    expected = _replay(session)
    checked = 0
    documents = session.scalars(
        select(Document).order_by(Document.id).execution_options(yield_per=1000)
    )
    for document in documents:
        checked += 1
        history = expected.pop(document.number, None)
        if history is None:
            return Report(
                chain, checked, Finding(document.number, "has no issued or archive_recorded event")
            )
        status, digest = history
        if document.status != status:
            return Report(
                chain,
                checked,
                Finding(document.number, f"row says {document.status}, its events say {status}"),
            )
        record = record_of(document)
        if record.digest != digest:
            problem = "row content differs from what was issued (edited in place)"
            return Report(chain, checked, Finding(document.number, problem))
        if record.courses and grades_digest(record.courses) != document.grades_digest:
            problem = "stored grade digest does not match its course lines"
            return Report(chain, checked, Finding(document.number, problem))
    if expected:
        missing = sorted(expected)[0]
        return Report(chain, checked, Finding(missing, "was issued but its row is missing"))
    return Report(chain, checked, None)
