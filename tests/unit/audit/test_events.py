"""The event log is append-only and hash-chained; the audit finds the first broken link."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

from sqlalchemy import select, text, update

from tests.support.values import diploma_values, transcript_values
from verifier.audit import events
from verifier.audit import replay as audit_log
from verifier.db.models import Document, Event
from verifier.documents import registry
from verifier.runtime import Runtime


def audit(runtime: Runtime) -> events.AuditReport:
    with runtime.database.session() as session:
        return events.audit(session)


def test_each_state_change_appends_a_chained_event(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    with runtime.database.session() as session:
        chain = session.scalars(select(Event).order_by(Event.seq)).all()
    assert [e.kind for e in chain] == ["key_created", "institution_added", "issued"]
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(chain))
    assert chain[0].prev_hash == events.GENESIS_HASH


def test_intact_chain_passes_the_audit(runtime: Runtime, issue: Callable[..., str]) -> None:
    issue()
    report = audit(runtime)
    assert report.intact and report.events_checked == 3


def test_altered_event_is_reported_at_its_position(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    issue(diploma_values(number="KT2400002"))
    with runtime.database.transaction() as session:
        session.execute(update(Event).where(Event.seq == 3).values(actor="someone else"))
    report = audit(runtime)
    assert report.broken is not None and report.broken.seq == 3
    assert "altered" in report.broken.problem


def test_removed_event_is_reported(runtime: Runtime, issue: Callable[..., str]) -> None:
    issue()
    issue(diploma_values(number="KT2400002"))
    with runtime.database.transaction() as session:
        session.execute(text("DELETE FROM events WHERE seq = 2"))
    report = audit(runtime)
    assert report.broken is not None and report.broken.seq == 2
    assert "missing" in report.broken.problem


def test_rehashed_forgery_still_breaks_the_next_link(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    issue(diploma_values(number="KT2400002"))
    with runtime.database.transaction() as session:
        forged = session.get(Event, 3)
        assert forged is not None
        forged.payload = '{"number":"KT0000001"}'
        forged.hash = events.event_hash(
            seq=forged.seq,
            occurred_at=forged.occurred_at,
            kind=forged.kind,
            subject=forged.subject,
            actor=forged.actor,
            payload=forged.payload,
            prev_hash=forged.prev_hash,
        )
    report = audit(runtime)
    assert report.broken is not None and report.broken.seq == 4


def full_audit(runtime: Runtime) -> audit_log.Report:
    with runtime.database.session() as session:
        return audit_log.run(session)


def test_rows_that_match_their_history_pass_the_full_audit(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue()
    with runtime.database.transaction() as session:
        registry.revoke(session, number, reason="x", actor="test")
    report = full_audit(runtime)
    assert report.intact and report.documents_checked == 1


def test_status_flipped_in_the_database_is_found(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue()
    with runtime.database.transaction() as session:
        registry.revoke(session, number, reason="x", actor="test")
        session.execute(update(Document).values(status="valid"))
    finding = full_audit(runtime).finding
    assert finding is not None and finding.subject == number
    assert finding.problem == "row says valid, its events say revoked"


def test_name_edited_in_the_database_is_found(runtime: Runtime, issue: Callable[..., str]) -> None:
    number = issue()
    with runtime.database.transaction() as session:
        session.execute(update(Document).values(surname="Karimov"))
    finding = full_audit(runtime).finding
    assert (
        finding is not None and finding.subject == number and "edited in place" in finding.problem
    )


def test_audit_command_exits_non_zero_on_a_broken_chain(
    runtime: Runtime, issue: Callable[..., str], run: Callable[..., Any]
) -> None:
    issue()
    with runtime.database.transaction() as session:
        session.execute(update(Event).where(Event.seq == 2).values(kind="tampered"))
    result = run("audit")
    assert result.exit_code == 1
    assert "chain broken after 1 intact event(s): event 2" in result.stderr


def test_grade_digest_edited_in_the_database_is_found(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue(transcript_values())
    with runtime.database.transaction() as session:
        session.execute(update(Document).values(grades_digest="A" * 43))
    finding = full_audit(runtime).finding
    assert finding is not None and finding.subject == number and "grade digest" in finding.problem


# The stored kind strings are hashed into the chain and read by `verifier audit`
# and by every page that filters the log: they never change, only grow.
STORED_KINDS = {
    "INSTITUTION_ADDED": "institution_added", "ISSUED": "issued", "REVOKED": "revoked",
    "ARCHIVE_RECORDED": "archive_recorded",
    "REISSUED": "reissued", "DOWNLOADED": "downloaded", "KEY_CREATED": "key_created",
    "KEY_ROTATED": "key_rotated", "KEY_COMPROMISED": "key_compromised",
    "PDF_CERTIFICATE_CREATED": "pdf_certificate_created", "IMPORT_REJECTED": "import_rejected",
    "IMPORT_STARTED": "import_started", "IMPORT_FINISHED": "import_finished",
    "IMPORT_FAILED": "import_failed", "USER_ADDED": "user_added", "LOGIN": "login",
    "LOGIN_FAILED": "login_failed", "LOGOUT": "logout", "PASSWORD_CHANGED": "password_changed",
    "ACCOUNT_DISABLED": "account_disabled", "ACCOUNT_ENABLED": "account_enabled",
    "ACCESS_REFUSED": "access_refused", "API_TOKEN_CREATED": "api_token_created",
    "API_TOKEN_REVOKED": "api_token_revoked", "AUDIT_RUN": "audit_run",
    "REPORT_MADE": "report_made",
    "INQUIRY_RECEIVED": "inquiry_received",
    "INQUIRY_TAKEN": "inquiry_taken",
    "INQUIRY_ANSWERED": "inquiry_answered",
    "INQUIRY_REJECTED": "inquiry_rejected",
    "INQUIRY_MAILED": "inquiry_mailed",
    "HOLIDAY_ADDED": "holiday_added",
}  # fmt: skip


def test_every_event_kind_keeps_the_string_it_is_stored_as() -> None:
    assert {kind.name: kind.value for kind in events.EventKind} == STORED_KINDS


def test_record_many_appends_in_order_at_one_moment(runtime: Runtime) -> None:
    batch = [
        events.encode(events.EventKind.DOWNLOADED, f"KT{n}", {"n": n, "ü": "ў"}) for n in (1, 2)
    ]
    with runtime.database.transaction() as session:
        events.record(session, events.EventKind.LOGIN, "a@b.uz", {"email": "a@b.uz"}, actor="t")
        events.record_many(session, batch, actor="t")
    with runtime.database.session() as session:
        chain = session.scalars(select(Event).order_by(Event.seq)).all()[1:]  # after key_created
    assert [(e.kind, e.subject) for e in chain] == [
        ("login", "a@b.uz"), ("downloaded", "KT1"), ("downloaded", "KT2")
    ]  # fmt: skip
    assert chain[1].occurred_at == chain[2].occurred_at
    assert chain[1].payload == '{"n":1,"ü":"ў"}'  # canonical: sorted, compact, UTF-8 kept
    assert audit(runtime).intact
