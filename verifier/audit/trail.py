"""The event log as staff read it: filtered pages of it, one subject's history, and
the result of the last audit with how much was recorded after it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from verifier.audit import events, replay
from verifier.audit.events import EventKind
from verifier.db.models import Event
from verifier.db.pages import Page, paginate

PER_PAGE = 50
# The subject of every ``audit_run`` event: indexed, so the last audit is found
# without reading the log; lower case, so no document number can be it.
AUDIT_SUBJECT = "chain"


@dataclass(frozen=True)
class Filters:
    """What an auditor narrows the log to; empty values do not filter."""

    kind: str = ""
    actor: str = ""  # any part of who did it
    subject: str = ""  # any part of what it was done to
    start: dt.date | None = None  # from this day (UTC)
    end: dt.date | None = None  # up to and including this day (UTC)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def page_of_events(
    session: Session, filters: Filters, *, page: int = 1, per_page: int = PER_PAGE
) -> Page[Event]:
    """Events matching ``filters``, newest first."""
    query = select(Event)
    if filters.kind:
        query = query.where(Event.kind == filters.kind)
    if filters.actor:
        query = query.where(Event.actor.contains(filters.actor, autoescape=True))
    if filters.subject:
        query = query.where(Event.subject.contains(filters.subject, autoescape=True))
    if filters.start:
        query = query.where(Event.occurred_at >= _midnight(filters.start))
    if filters.end:
        query = query.where(Event.occurred_at < _midnight(filters.end + dt.timedelta(days=1)))
    return paginate(session, query.order_by(Event.seq.desc()), page=page, per_page=per_page)


def history(session: Session, subject: str) -> list[Event]:
    """Everything recorded about one subject (a document number), oldest first."""
    return list(session.scalars(select(Event).where(Event.subject == subject).order_by(Event.seq)))


@dataclass(frozen=True)
class AuditResult:
    """What one audit found, when, by whom, and how much the log has grown since."""

    at: dt.datetime
    actor: str
    intact: bool
    events_checked: int
    documents_checked: int
    broken_at: int | None  # the first event that fails the chain check
    mismatch: str | None  # the first document whose row does not match its history
    problem: str | None  # the checker's own words, for the technically minded
    events_since: int
    recorded: bool  # False for a check just run and not written to the log


def _result_payload(report: replay.Report) -> dict[str, Any]:
    chain = report.chain
    return {
        "intact": report.intact,
        "events_checked": chain.events_checked,
        "documents_checked": report.documents_checked,
        "head_hash": chain.head_hash,
        "broken_at": chain.broken.seq if chain.broken else None,
        "mismatch": report.finding.subject if report.finding else None,
        "problem": str(chain.broken or report.finding) if not report.intact else None,
    }


def record_audit(session: Session, report: replay.Report, *, actor: str) -> None:
    """Write an audit's result to the log, where the workspace shows it."""
    events.record(session, EventKind.AUDIT_RUN, AUDIT_SUBJECT, _result_payload(report), actor=actor)


def _last_seq(session: Session) -> int:
    return session.scalar(select(func.max(Event.seq))) or 0


def _result(
    details: dict[str, Any], *, at: dt.datetime, actor: str, since: int, recorded: bool
) -> AuditResult:
    return AuditResult(
        at=at,
        actor=actor,
        intact=bool(details.get("intact")),
        events_checked=int(details.get("events_checked") or 0),
        documents_checked=int(details.get("documents_checked") or 0),
        broken_at=details.get("broken_at"),
        mismatch=details.get("mismatch"),
        problem=details.get("problem"),
        events_since=since,
        recorded=recorded,
    )


def last_audit(session: Session) -> AuditResult | None:
    """The last recorded audit (``verifier audit``), or None if there has been none."""
    event = session.scalars(
        select(Event)
        .where(Event.subject == AUDIT_SUBJECT, Event.kind == EventKind.AUDIT_RUN.value)
        .order_by(Event.seq.desc())
        .limit(1)
    ).first()
    if event is None:
        return None
    since = (session.scalar(select(func.max(Event.seq))) or 0) - event.seq
    details = json.loads(event.payload)
    return _result(details, at=event.occurred_at, actor=event.actor, since=since, recorded=True)


def audit_now(session: Session, *, actor: str) -> AuditResult:
    """Run the whole audit (chain and registry rows) now, reading only; nothing is recorded."""
    details = _result_payload(replay.run(session))
    return _result(details, at=dt.datetime.now(dt.UTC), actor=actor, since=0, recorded=False)
