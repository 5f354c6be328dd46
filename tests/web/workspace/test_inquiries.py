"""The staff side of formal inquiries: the queue, a case, take, answer with a letter, reject.

Cases are received through the service (as the public form and API receive them);
everything after that goes through the workspace's pages, as a registrar works.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from tests.support.smtp import SmtpServer, running_smtp_server
from tests.support.values import diploma_values
from tests.support.workspace import Account, SignIn, english_client, form_post, log_in, text
from verifier.db.models import Event, Inquiry
from verifier.inquiries import service
from verifier.inquiries.attachments import Attachment
from verifier.inquiries.requests import InquiryRequest
from verifier.keys import lifecycle
from verifier.reports import service as reports
from verifier.reports.service import Signatory
from verifier.runtime import Runtime
from verifier.vocabulary import StaffRole
from verifier.web.app import create_app

ASKED = "KT1200457"  # a 2012 diploma the registry does not hold yet
SURNAME = "Ergashev"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def request_body(**document: Any) -> dict[str, Any]:
    return {
        "requester": {
            "kind": "ministry",
            "organisation": "Federal Office for Recognition",
            "country": "DE",
            "name": "Anna Schmidt",
            "email": "anna.schmidt@example.de",
            "reference": "AZ-17",
        },
        "document": {
            "number": "KT 1200457",
            "surname": SURNAME,
            "given_name": "Bobur",
            "institution": "TATT",
            "year": 2012,
            "type": "diploma",
            **document,
        },
        "purpose": "Recognition of a diploma for employment",
        "consent": True,
        "language": "en",
    }


def receive(
    runtime: Runtime,
    *,
    days_ago: int = 0,
    attachments: tuple[Attachment, ...] = (),
    **document: Any,
) -> str:
    """A new inquiry, received ``days_ago`` days ago; returns its number."""
    received = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
    request = InquiryRequest.from_json(
        request_body(**document), today=received.date(), language="en"
    )
    with runtime.database.transaction() as session:
        letters = service.Letters(
            signer=lifecycle.load_signer(session, runtime.keystore),
            issuer=lambda language: "Test operator",
            days=90,
            automatic=lambda language: Signatory("Test operator", "Answered automatically"),
        )
        received_case = service.receive(
            session, request, attachments, working_days=10, letters=letters, now=received
        )
    return received_case.number


def inquiry(runtime: Runtime, number: str) -> Inquiry:
    with runtime.database.session() as session:
        return session.scalars(select(Inquiry).where(Inquiry.number == number)).one()


def event_kinds(runtime: Runtime, number: str) -> list[str]:
    with runtime.database.session() as session:
        return list(
            session.scalars(select(Event.kind).where(Event.subject == number).order_by(Event.seq))
        )


def case_path(number: str) -> str:
    return f"/registrar/inquiries/{number}"


def answer(client: FlaskClient, number: str, **fields: str) -> TestResponse:
    data = {
        "outcome": "confirmed",
        "note": "",
        "signatory_name": "Nodira Karimova",
        "signatory_position": "Head of the registry office",
        "settle": "",
        **fields,
    }
    return form_post(client, f"{case_path(number)}/answer", data)


def created_record(**changes: str) -> dict[str, str]:
    """The answer form's archive record, as the issue book notes it."""
    values = {
        "settle": "create",
        "record-type": "diploma",
        "record-number": ASKED,
        "record-surname": SURNAME,
        "record-given_name": "Bobur",
        "record-program_name": "Kompyuter tarmoqlari",
        "record-qualification": "Texnik",
        "record-issue_year": "2012",
        "record-source": "Issue book 2009-2012, p. 47, entry 12",
    }
    values.update(changes)
    return values


def test_the_queue_lists_open_cases_overdue_first(
    runtime: Runtime, registrar: Account, signed_in: SignIn
) -> None:
    recent = receive(runtime)
    overdue = receive(runtime, days_ago=60)
    page = text(signed_in(registrar).get("/registrar/inquiries/"))
    assert page.index(overdue) < page.index(recent)
    assert f'<tr class="bad">\n      <td><a href="/registrar/inquiries/{overdue}"' in page


def test_the_queue_leaves_closed_cases_out_unless_asked(
    runtime: Runtime, registrar: Account, signed_in: SignIn
) -> None:
    number = receive(runtime)
    client = signed_in(registrar)
    form_post(client, f"{case_path(number)}/reject", {"reason": "No consent shown."})
    link = f'href="{case_path(number)}"'
    assert link not in text(client.get("/registrar/inquiries/"))
    assert link in text(client.get("/registrar/inquiries/?status=rejected"))


def test_the_navigation_counts_the_open_cases(
    runtime: Runtime, registrar: Account, signed_in: SignIn
) -> None:
    receive(runtime)
    receive(runtime)
    assert "Inquiries (2 open)" in text(signed_in(registrar).get("/registrar/documents/"))


def test_a_registrar_does_not_see_another_institutions_case(
    runtime: Runtime, registrar: Account, other_institution: str, signed_in: SignIn
) -> None:
    number = receive(runtime, institution=other_institution)
    client = signed_in(registrar)
    assert client.get(case_path(number)).status_code == 404
    assert number not in text(client.get("/registrar/inquiries/?status=all"))


def test_an_admin_sees_every_institutions_case(
    runtime: Runtime, admin: Account, other_institution: str, signed_in: SignIn
) -> None:
    number = receive(runtime, institution=other_institution)
    page = signed_in(admin).get(case_path(number))
    assert page.status_code == 200
    assert "Anna Schmidt" in text(page)


def test_taking_a_case_moves_it_to_in_progress_with_an_event(
    runtime: Runtime, registrar: Account, signed_in: SignIn
) -> None:
    number = receive(runtime)
    response = form_post(signed_in(registrar), f"{case_path(number)}/take", {})
    assert response.status_code == 302
    taken = inquiry(runtime, number)
    assert (taken.status, taken.taken_by) == ("in_progress", registrar.email)
    assert event_kinds(runtime, number)[-1] == "inquiry_taken"


def test_the_case_page_shows_the_look_up_and_any_document_under_the_number(
    runtime: Runtime, registrar: Account, signed_in: SignIn, issue: Any
) -> None:
    issue(diploma_values(number="KT 1200457", surname="Boboyev"))
    number = receive(runtime)
    page = text(signed_in(registrar).get(case_path(number)))
    assert "Not found" in page  # the public look-up with the surname asked
    assert "Boboyev Abdulla" in page  # the registry's holder of that number, for staff


def test_answering_confirmed_by_creating_an_archive_record_settles_the_next_look_up(
    runtime: Runtime, registrar: Account, signed_in: SignIn
) -> None:
    number = receive(runtime)
    client = signed_in(registrar)
    response = answer(client, number, **created_record())
    assert response.status_code == 302, text(response)
    answer_json = client.get("/api/v1/verify", query_string={"number": ASKED, "surname": SURNAME})
    body = answer_json.get_json()
    assert (body["status"], body["document"]["origin"]) == ("valid", "archive")
    answered = inquiry(runtime, number)
    assert (answered.status, answered.outcome) == ("answered", "confirmed")
    assert answered.letter_id is not None
    page = text(client.get(case_path(number)))
    assert "/r/" in page and ".pdf" in page


def test_confirming_with_nothing_found_is_refused_with_a_message(
    runtime: Runtime, registrar: Account, signed_in: SignIn
) -> None:
    number = receive(runtime)
    response = answer(signed_in(registrar), number)
    assert response.status_code == 409
    assert "confirmed" in text(response) and 'role="alert"' in text(response)
    assert inquiry(runtime, number).status == "received"


def test_not_confirmed_gives_a_letter_stating_not_found(
    runtime: Runtime, registrar: Account, signed_in: SignIn
) -> None:
    number = receive(runtime)
    response = answer(
        signed_in(registrar), number, outcome="not_confirmed", note="No such entry in the book."
    )
    assert response.status_code == 302
    with runtime.database.session() as session:
        letter = service.case(
            session, number, service.Staff("admin@edu.uz", StaffRole.ADMIN, None)
        ).letter
    assert letter is not None
    assert (letter.kind, letter.status, letter.note) == (
        reports.LETTER,
        "not_found",
        "No such entry in the book.",
    )


def test_a_control_character_in_the_signatory_is_refused_beside_the_field(
    runtime: Runtime, registrar: Account, signed_in: SignIn
) -> None:
    number = receive(runtime)
    response = answer(
        signed_in(registrar), number, outcome="undetermined", signatory_name="Nodira\x07 Karimova"
    )
    assert response.status_code == 422
    assert "Plain text only" in response.get_data(as_text=True)
    with runtime.database.session() as session:
        case = service.case(session, number, service.Staff("a@edu.uz", StaffRole.ADMIN, None))
    assert case.inquiry.status == "received"


def test_rejecting_needs_a_reason(runtime: Runtime, registrar: Account, signed_in: SignIn) -> None:
    number = receive(runtime)
    response = form_post(signed_in(registrar), f"{case_path(number)}/reject", {"reason": "  "})
    assert response.status_code == 422
    assert "say why the inquiry is rejected" in text(response)
    assert inquiry(runtime, number).status == "received"


def test_an_attachment_downloads_with_safe_headers(
    runtime: Runtime, registrar: Account, signed_in: SignIn
) -> None:
    sent = Attachment('../..\\copy "of" diploma<script>.png', PNG, "image/png")
    number = receive(runtime, attachments=(sent,))
    response = signed_in(registrar).get(f"{case_path(number)}/attachments/1")
    assert response.status_code == 200
    assert response.data == PNG
    assert response.mimetype == "image/png"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{number}-1-')
    assert disposition.endswith('.png"')
    assert not set('/\\<>"') & set(disposition.split('filename="')[1][:-1])
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_a_missing_attachment_is_not_found(
    runtime: Runtime, registrar: Account, signed_in: SignIn
) -> None:
    number = receive(runtime)
    assert signed_in(registrar).get(f"{case_path(number)}/attachments/1").status_code == 404


def test_an_auditor_cannot_take_a_case(
    runtime: Runtime, auditor: Account, signed_in: SignIn
) -> None:
    number = receive(runtime)
    response = form_post(signed_in(auditor), f"{case_path(number)}/take", {})
    assert response.status_code == 403
    assert inquiry(runtime, number).status == "received"


def test_an_auditor_cannot_answer_a_case(
    runtime: Runtime, auditor: Account, signed_in: SignIn
) -> None:
    number = receive(runtime)
    response = answer(signed_in(auditor), number, outcome="undetermined")
    assert response.status_code == 403
    assert inquiry(runtime, number).status == "received"


def test_an_auditor_reads_a_case_without_its_forms(
    runtime: Runtime, auditor: Account, signed_in: SignIn
) -> None:
    number = receive(runtime)
    page = signed_in(auditor).get(case_path(number))
    assert page.status_code == 200
    assert "/answer" not in text(page)


def test_a_closed_case_cannot_be_answered_again(
    runtime: Runtime, registrar: Account, signed_in: SignIn
) -> None:
    number = receive(runtime)
    client = signed_in(registrar)
    assert answer(client, number, outcome="undetermined").status_code == 302
    again = answer(client, number, outcome="not_confirmed")
    assert again.status_code == 409
    assert "already answered" in text(again)
    assert inquiry(runtime, number).outcome == "undetermined"


@pytest.fixture
def mailing_client(runtime: Runtime) -> Iterator[tuple[FlaskClient, SmtpServer]]:
    """The workspace of an app that mails through a real SMTP server."""
    with running_smtp_server() as server:
        settings = dataclasses.replace(runtime.settings, smtp_url=server.url)
        app = create_app(settings)
        app.config["TESTING"] = True
        yield english_client(app), server


def test_the_answer_mail_reaches_the_requester_without_holder_data(
    runtime: Runtime, registrar: Account, mailing_client: tuple[FlaskClient, SmtpServer]
) -> None:
    client, server = mailing_client
    assert log_in(client, registrar).status_code == 302
    number = receive(runtime)
    assert answer(client, number, **created_record()).status_code == 302
    (mail,) = server.messages
    assert mail["To"] == "anna.schmidt@example.de"
    body = mail.get_content()
    assert number in mail["Subject"]
    assert number in body  # the link with its key is in the receipt mail only
    for holder_data in (SURNAME, "Bobur", ASKED, "KT 1200457"):
        assert holder_data not in body and holder_data not in mail["Subject"]
    assert event_kinds(runtime, number)[-1] == "inquiry_mailed"


def test_an_unsent_mail_is_a_warning_and_the_answer_stands(
    runtime: Runtime, registrar: Account
) -> None:
    with running_smtp_server() as server:
        dead = server.url  # nobody listens here once the block ends
    app = create_app(dataclasses.replace(runtime.settings, smtp_url=dead))
    app.config["TESTING"] = True
    client = english_client(app)
    assert log_in(client, registrar).status_code == 302
    number = receive(runtime)
    response = form_post(client, f"{case_path(number)}/reject", {"reason": "No consent shown."})
    assert response.status_code == 302
    page = text(client.get(case_path(number)))
    assert "could not be mailed" in page
    assert inquiry(runtime, number).status == "rejected"
    assert "inquiry_mailed" not in event_kinds(runtime, number)


def test_a_created_record_without_its_source_is_refused_beside_the_field(
    runtime: Runtime, registrar: Account, signed_in: SignIn
) -> None:
    number = receive(runtime)
    client = signed_in(registrar)
    response = answer(client, number, **created_record(**{"record-source": ""}))
    assert response.status_code == 422
    assert 'id="record-source-error"' in text(response)
    assert inquiry(runtime, number).status == "received"
    lookup = client.get("/api/v1/verify", query_string={"number": ASKED, "surname": SURNAME})
    assert lookup.get_json()["status"] == "not_found"
