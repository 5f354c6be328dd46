"""Inquiries: received with a number, a key and a due date; answered at once when a look-up
settles them, else by staff with a signed letter; every step an event; nothing personal logged."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from tests.support.values import old_diploma
from verifier.audit import replay, trail
from verifier.db.models import Event, Inquiry
from verifier.errors import Conflict, Forbidden, InvalidInput, NotFound
from verifier.inquiries import service
from verifier.inquiries.requests import InquiryRequest
from verifier.inquiries.service import Letters, Staff
from verifier.keys import lifecycle
from verifier.reports.service import Signatory
from verifier.runtime import Runtime
from verifier.verification.answers import outcome_json
from verifier.verification.outcome import Status
from verifier.verification.service import verify_number
from verifier.vocabulary import StaffRole

TODAY = dt.date(2026, 11, 2)  # a Monday
NOW = dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC)
SIGNATORY = Signatory("Karimova Nodira", "Head of the registry")


def body(number: str = "KT1200457", surname: str = "Ergashev", **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "requester": {
            "kind": "ministry",
            "organisation": "Auswärtiges Amt",
            "country": "DE",
            "name": "Anna Schmidt",
            "email": "anna.schmidt@example.de",
            "reference": "508-2026/117",
        },
        "document": {"number": number, "surname": surname, "institution": "TATT", "year": 2012},
        "purpose": "Recognition of a diploma for employment.",
        "consent": True,
        "language": "en",
    }
    values.update(changes)
    return values


def letters_of(runtime: Runtime, session: Any) -> Letters:
    return Letters(
        signer=lifecycle.load_signer(session, runtime.keystore),
        issuer=lambda language: "National Institute of Vocational Education",
        days=90,
        automatic=lambda language: Signatory("National Institute", "Answered automatically"),
    )


Receive = Callable[..., service.Received]


@pytest.fixture
def receive(runtime: Runtime, institution: str) -> Receive:
    def _receive(values: dict[str, Any] | None = None, now: dt.datetime = NOW) -> service.Received:
        request = InquiryRequest.from_json(values or body(), today=TODAY, language="en")
        with runtime.database.transaction() as session:
            return service.receive(
                session,
                request,
                [],
                working_days=10,
                letters=letters_of(runtime, session),
                now=now,
            )

    return _receive


@pytest.fixture
def registrar_staff(runtime: Runtime, institution: str) -> Staff:
    with runtime.database.session() as session:
        from verifier.db.models import Institution

        institution_id = session.scalar(select(Institution.id).where(Institution.code == "TATT"))
    return Staff("registrar@tatt.uz", StaffRole.REGISTRAR, institution_id)


ADMIN = Staff("admin@edu.uz", StaffRole.ADMIN, None)


def test_an_inquiry_gets_a_number_of_the_year_and_six_digits(receive: Receive) -> None:
    assert receive().number == "INQ-2026-000001"
    assert receive().number == "INQ-2026-000002"


def test_an_inquiry_is_due_ten_working_days_after_receipt(receive: Receive) -> None:
    assert receive().due == dt.date(2026, 11, 16)


def test_the_key_is_128_random_bits_kept_only_as_its_hash(
    receive: Receive, runtime: Runtime
) -> None:
    received = receive()
    with runtime.database.session() as session:
        stored = session.scalars(select(Inquiry)).one()
    assert len(received.key) >= 22
    assert received.key not in stored.key_hash


def test_the_status_url_carries_the_number_and_the_key(receive: Receive) -> None:
    received = receive()
    assert received.url("https://verify.example.uz") == (
        f"https://verify.example.uz/inquiries/{received.number}?key={received.key}"
    )


def test_an_inquiry_no_look_up_settles_stays_received(receive: Receive) -> None:
    received = receive()
    assert received.status == "received"
    assert received.letter is None


def test_an_inquiry_a_look_up_settles_is_answered_at_once_with_a_letter(
    receive: Receive, issue: Callable[..., str]
) -> None:
    number = issue()
    received = receive(body(number=number, surname="Gʻulomov"))
    assert received.status == "answered"
    assert received.letter is not None
    assert received.letter.kind == "letter"
    assert received.letter.status == "valid"
    assert received.letter.reference == received.number


def test_a_wrong_surname_is_not_answered_automatically(
    receive: Receive, issue: Callable[..., str]
) -> None:
    number = issue()
    assert receive(body(number=number, surname="Boshqa")).status == "received"


def test_the_requester_sees_the_case_with_the_right_key(runtime: Runtime, receive: Receive) -> None:
    received = receive()
    with runtime.database.session() as session:
        view = service.for_requester(session, received.number, received.key)
    assert view.public_json("https://x")["status"] == "received"
    assert [step.kind for step in view.steps()] == ["inquiry_received"]


@pytest.mark.parametrize("key", [None, "", "wrong-key"])
def test_a_wrong_or_missing_key_is_a_missing_case(
    runtime: Runtime, receive: Receive, key: str | None
) -> None:
    received = receive()
    with runtime.database.session() as session, pytest.raises(NotFound) as wrong:
        service.for_requester(session, received.number, key)
    with runtime.database.session() as session, pytest.raises(NotFound) as missing:
        service.for_requester(session, "INQ-2026-999999", received.key)
    assert str(wrong.value) == str(missing.value)


def test_the_queue_puts_overdue_cases_first(runtime: Runtime, receive: Receive) -> None:
    recent = receive()
    old = receive(now=NOW - dt.timedelta(days=60))
    with runtime.database.session() as session:
        rows = service.queue(session, ADMIN)
    assert [row.number for row in rows] == [old.number, recent.number]
    assert rows[0].overdue


def test_a_registrar_sees_the_cases_naming_their_institution(
    runtime: Runtime, receive: Receive, registrar_staff: Staff
) -> None:
    ours = receive()
    receive(body(document={"number": "AB123", "surname": "X", "institution": "Elsewhere"}))
    with runtime.database.session() as session:
        assert [row.number for row in service.queue(session, registrar_staff)] == [ours.number]


def test_a_registrar_cannot_open_another_institutions_case(
    runtime: Runtime, receive: Receive, registrar_staff: Staff
) -> None:
    theirs = receive(body(document={"number": "AB123", "surname": "X"}))
    with runtime.database.session() as session, pytest.raises(NotFound):
        service.case(session, theirs.number, registrar_staff)


def test_taking_a_case_puts_it_in_progress(
    runtime: Runtime, receive: Receive, registrar_staff: Staff
) -> None:
    received = receive()
    with runtime.database.transaction() as session:
        service.take(session, received.number, registrar_staff)
    with runtime.database.session() as session:
        view = service.case(session, received.number, registrar_staff)
    assert view.inquiry.status == "in_progress"
    assert view.inquiry.taken_by == "registrar@tatt.uz"


def test_an_auditor_cannot_take_a_case(runtime: Runtime, receive: Receive) -> None:
    received = receive()
    auditor = Staff("auditor@edu.uz", StaffRole.AUDITOR, None)
    with runtime.database.transaction() as session, pytest.raises(Forbidden):
        service.take(session, received.number, auditor)


def answer(runtime: Runtime, number: str, staff: Staff, **kwargs: Any) -> Any:
    with runtime.database.transaction() as session:
        return service.answer(
            session,
            number,
            staff,
            signatory=SIGNATORY,
            letters=letters_of(runtime, session),
            **{"outcome": "confirmed", "note": None, **kwargs},
        )


def test_confirming_with_a_new_archive_record_makes_the_next_look_up_answer(
    runtime: Runtime, receive: Receive, registrar_staff: Staff
) -> None:
    received = receive()
    letter = answer(runtime, received.number, registrar_staff, create=old_diploma())
    assert letter.status == "valid"
    assert letter.signatory == SIGNATORY
    with runtime.database.session() as session:
        outcome = verify_number(session, "KT1200457", surname="Ergashev")
    assert outcome.status is Status.VALID
    assert outcome_json(outcome)["document"]["origin"] == "archive"


def test_confirming_by_linking_an_existing_record(
    runtime: Runtime, receive: Receive, registrar_staff: Staff
) -> None:
    from verifier.archive import service as archive

    with runtime.database.transaction() as session:
        archive.record(session, old_diploma(), actor="test")
    received = receive(body(surname="Ergashev-typo"))
    letter = answer(runtime, received.number, registrar_staff, link="KT1200457")
    assert letter.document_number == "KT1200457"


def test_confirming_what_no_look_up_shows_is_refused(
    runtime: Runtime, receive: Receive, registrar_staff: Staff
) -> None:
    received = receive()
    with pytest.raises(Conflict) as refused:
        answer(runtime, received.number, registrar_staff)
    assert refused.value.code == "confirm_needs_record"


def test_not_confirmed_gives_a_letter_stating_not_found(
    runtime: Runtime, receive: Receive, registrar_staff: Staff
) -> None:
    received = receive()
    letter = answer(
        runtime, received.number, registrar_staff, outcome="not_confirmed", note="No such entry."
    )
    assert letter.status == "not_found"
    assert letter.note == "No such entry."


def test_an_answered_case_cannot_be_answered_again(
    runtime: Runtime, receive: Receive, registrar_staff: Staff
) -> None:
    received = receive()
    answer(runtime, received.number, registrar_staff, outcome="undetermined")
    with pytest.raises(Conflict):
        answer(runtime, received.number, registrar_staff, outcome="undetermined")


def test_an_unknown_outcome_is_refused(
    runtime: Runtime, receive: Receive, registrar_staff: Staff
) -> None:
    received = receive()
    with pytest.raises(InvalidInput):
        answer(runtime, received.number, registrar_staff, outcome="maybe")


def test_rejecting_needs_a_reason(
    runtime: Runtime, receive: Receive, registrar_staff: Staff
) -> None:
    received = receive()
    with runtime.database.transaction() as session, pytest.raises(InvalidInput):
        service.reject(session, received.number, registrar_staff, reason=" ")


def test_a_rejected_case_shows_its_reason_to_the_requester(
    runtime: Runtime, receive: Receive, registrar_staff: Staff
) -> None:
    received = receive()
    with runtime.database.transaction() as session:
        service.reject(session, received.number, registrar_staff, reason="No consent shown.")
    with runtime.database.session() as session:
        shown = service.for_requester(session, received.number, received.key)
    assert shown.public_json("https://x")["reason"] == "No consent shown."


def test_every_step_is_an_event_and_the_chain_holds(
    runtime: Runtime, receive: Receive, registrar_staff: Staff
) -> None:
    received = receive()
    with runtime.database.transaction() as session:
        service.take(session, received.number, registrar_staff)
    answer(runtime, received.number, registrar_staff, create=old_diploma())
    with runtime.database.session() as session:
        kinds = [event.kind for event in trail.history(session, received.number)]
        assert replay.run(session).intact
    assert kinds == ["inquiry_received", "inquiry_taken", "inquiry_answered"]


def test_no_event_names_the_requester_or_the_holder(
    runtime: Runtime, receive: Receive, registrar_staff: Staff
) -> None:
    received = receive()
    answer(runtime, received.number, registrar_staff, outcome="not_confirmed")
    with runtime.database.session() as session:
        payloads = [
            json.dumps(event.payload, ensure_ascii=False)
            for event in session.scalars(select(Event).where(Event.subject == received.number))
        ]
    assert len(payloads) == 2  # received, answered
    for payload in payloads:
        for personal in ("Anna", "anna.schmidt", "Ergashev", "Auswärtiges"):
            assert personal not in payload
