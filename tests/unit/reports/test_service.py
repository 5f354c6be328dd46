"""Making reports and letters: what is stored, what is refused, what is recorded."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from tests.support.values import old_diploma
from tests.unit.reports.conftest import ISSUER, MakeReport, look_up
from verifier.archive import service as archive
from verifier.db.models import Event, Report
from verifier.documents import registry
from verifier.keys import lifecycle
from verifier.reports import service
from verifier.reports.service import Asked, NothingToReport, Signatory
from verifier.runtime import Runtime
from verifier.signing import tokens
from verifier.verification.answers import outcome_json
from verifier.verification.outcome import Status
from verifier.verification.service import verify_token


def test_a_report_stores_what_was_asked_and_the_answer_as_given(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report("KT2400001", "GULOMOV", language="ru")
    with runtime.database.session() as session:
        found = service.find(session, report.number)
    assert found == report
    assert (found.asked.by, found.asked.surname, found.language) == ("surname", "GULOMOV", "ru")
    assert found.answer["status"] == "valid"
    assert found.answer["document"]["holder"]["surname"] == "Gʻulomov"
    assert found.issuer == ISSUER and found.signatory is None


def test_the_report_token_signs_number_document_status_and_times(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report(days=30)
    with runtime.database.session() as session:
        verified = tokens.verify_report(report.token, lifecycle.keyring(session))
    claims = verified.claims
    assert (claims.number, claims.document_number, claims.status) == (
        report.number,
        "KT2400001",
        "valid",
    )
    assert claims.expires - claims.checked_at == dt.timedelta(days=30)
    assert claims.checked_at.microsecond == 0


def test_the_summary_has_the_contracts_members_and_the_pdf_address_carries_the_token(
    issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report()
    summary = report.summary("https://verify.example.uz")
    assert list(summary) == ["number", "status", "checked_at", "expires", "url", "pdf_url", "token"]
    assert summary["url"] == f"https://verify.example.uz/r/{report.token}"
    assert summary["token"] == report.token  # added: the links of the OpenAPI document use it
    assert summary["pdf_url"] == f"{summary['url']}.pdf"


def test_a_report_can_be_made_of_a_revoked_or_superseded_document(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    with runtime.database.transaction() as session:
        registry.revoke(session, "KT2400001", reason="error", actor="test", code="issued_in_error")
    report = make_report()
    assert report.status == "revoked"
    assert report.answer["revocation"]["code"] == "issued_in_error"


@pytest.mark.parametrize("surname", ["Wrong", "Gʻulomov"])
def test_no_report_is_made_of_a_not_found_answer_whoever_the_number_belongs_to(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport, surname: str
) -> None:
    issue()
    number = "KT2400001" if surname == "Wrong" else "KT2409999"
    with pytest.raises(NothingToReport) as refused:
        make_report(number, surname)
    assert refused.value.status is Status.NOT_FOUND
    with runtime.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 0


def test_no_report_is_made_of_an_invalid_token(runtime: Runtime, make_report: MakeReport) -> None:
    with runtime.database.session() as session:
        outcome = verify_token(session, "not.a.token", lifecycle.keyring(session))
    with pytest.raises(NothingToReport):
        make_report(outcome=outcome, asked=Asked("KT2400001", by_token=True))


def test_a_report_by_token_records_that_the_token_was_asked(
    runtime: Runtime,
    issue: Callable[..., str],
    token_of: Callable[[str], str],
    make_report: MakeReport,
) -> None:
    issue()
    with runtime.database.session() as session:
        outcome = verify_token(session, token_of("KT2400001"), lifecycle.keyring(session))
    report = make_report(outcome=outcome, asked=Asked("KT2400001", by_token=True))
    assert report.asked.by == "token" and report.asked.surname is None
    # The question asked again later: the holder's recorded surname with the number.
    assert (report.recheck.number, report.recheck.surname) == ("KT2400001", "Gʻulomov")


def test_a_letter_names_its_signatory_and_reference_and_may_state_not_found(
    runtime: Runtime, make_report: MakeReport
) -> None:
    signatory = Signatory("Karimova Dilnoza", "Head of the verification department")
    letter = make_report(
        "AB0012345", "Gulyamov", signatory=signatory, reference="INQ-2026-000123", note="Checked."
    )
    assert letter.number.startswith("VL-") and letter.kind == "letter"
    assert letter.status == "not_found"
    with runtime.database.session() as session:
        found = service.find(session, letter.number)
    assert found is not None
    assert (found.signatory, found.reference, found.note) == (
        signatory,
        "INQ-2026-000123",
        "Checked.",
    )


def test_reports_and_letters_are_numbered_apart(
    issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    first = make_report()
    letter = make_report(signatory=Signatory("A B", "Clerk"))
    second = make_report()
    year = first.checked_at.year
    assert (first.number, letter.number, second.number) == (
        f"VR-{year}-00000001",
        f"VL-{year}-00000001",
        f"VR-{year}-00000002",
    )


def test_every_report_made_is_an_event_without_personal_data(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report()
    with runtime.database.session() as session:
        event = session.scalars(select(Event).where(Event.kind == "report_made")).one()
    payload = json.loads(event.payload)
    assert (event.subject, event.actor) == (report.number, "public")
    assert payload["document"] == "KT2400001" and payload["status"] == "valid"
    assert "Gʻulomov" not in event.payload and "GULOMOV" not in event.payload.upper()


@pytest.mark.parametrize(
    ("what", "value", "message"),
    [("language", "de", "one of uz, ru, en"), ("days", 0, "at least one day")],
)
def test_a_report_in_an_unknown_language_or_without_validity_is_refused(
    issue: Callable[..., str], make_report: MakeReport, what: str, value: object, message: str
) -> None:
    issue()
    with pytest.raises(ValueError, match=message):
        make_report(**{what: value})


@pytest.mark.parametrize(
    ("name", "position"), [("", "Clerk"), ("A B", " "), ("A\x00B", "Clerk"), ("A" * 201, "Clerk")]
)
def test_a_signatory_needs_a_name_and_a_position_as_plain_text(name: str, position: str) -> None:
    with pytest.raises(ValueError, match=r"name|position"):
        Signatory(name, position)


def test_the_stored_answer_is_the_look_ups_json_answer(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    outcome = look_up(runtime, "KT2400001", "Gulomov")
    report = make_report(outcome=outcome, asked=Asked("KT2400001", "Gulomov"))
    assert report.answer == outcome_json(outcome)


def test_a_report_of_an_archive_record_without_dates_prints_and_reads_back(
    runtime: Runtime, institution: str, make_report: MakeReport
) -> None:
    with runtime.database.transaction() as session:
        archive.record(session, old_diploma(), actor="test")
    report = make_report("KT1200457", "Ergashev")
    record = service.reported_record(report)
    assert record is not None
    assert record.birth_date is None
    assert record.issue_year == 2012
    assert service.pdf(report, "https://verify.example.uz").startswith(b"%PDF-")
