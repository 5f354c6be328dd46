"""Issuing, revoking and reissuing through the service layer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from tests.support.values import diploma_values, record, transcript_values
from verifier.db.models import CourseLine, Document, Event, Holder
from verifier.documents import registry
from verifier.documents.claims import claims_of
from verifier.errors import Conflict, NotFound, VerifierError
from verifier.keys import lifecycle
from verifier.runtime import Runtime
from verifier.signing.tokens import verify


def count(runtime: Runtime, model: type) -> int:
    with runtime.database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_issued_document_carries_a_token_of_its_own_record(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue()
    with runtime.database.session() as session:
        document = registry.get_document(session, number)
        assert document.token is not None
        verified = verify(document.token, lifecycle.keyring(session))
        assert verified.claims == claims_of(registry.record_of(document))


def test_transcript_stores_its_courses_and_signs_their_digest(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue(transcript_values())
    with runtime.database.session() as session:
        document = registry.get_document(session, number)
        assert [c.grade for c in document.courses] == ["4", "5"]
        assert document.token is not None
        assert (
            verify(document.token, lifecycle.keyring(session)).claims.grades_digest
            == document.grades_digest
        )


def test_issuing_the_same_record_again_changes_nothing(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    before = count(runtime, Event)
    issue()
    assert count(runtime, Document) == 1 and count(runtime, Event) == before


def test_same_person_with_two_documents_is_one_holder(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    issue(transcript_values(surname="Ғуломов"))
    assert count(runtime, Holder) == 1


def test_number_issued_to_another_person_is_a_conflict(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    with pytest.raises(Conflict, match="different person"):
        issue(diploma_values(surname="Karimov"))
    assert count(runtime, Document) == 1


def test_unknown_institution_is_refused(runtime: Runtime, issue: Callable[..., str]) -> None:
    with pytest.raises(NotFound, match="unknown institution"):
        issue(diploma_values(institution="NOPE"))


def test_revoking_records_date_reason_and_event(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue()
    with runtime.database.transaction() as session:
        registry.revoke(session, number, reason="Issued in error", actor="test")
    with runtime.database.session() as session:
        document = registry.get_document(session, number)
        last = session.scalars(select(Event).order_by(Event.seq.desc())).first()
    assert (document.status, document.revocation_reason) == ("revoked", "Issued in error")
    assert document.revoked_at is not None
    assert last is not None and (last.kind, last.subject) == ("revoked", number)


def test_revoking_needs_a_reason(runtime: Runtime, issue: Callable[..., str]) -> None:
    number = issue()
    with pytest.raises(VerifierError, match="reason"), runtime.database.transaction() as session:
        registry.revoke(session, number, reason="   ", actor="test")


def test_revoking_twice_is_a_conflict(runtime: Runtime, issue: Callable[..., str]) -> None:
    number = issue()
    with runtime.database.transaction() as session:
        registry.revoke(session, number, reason="x", actor="test")
    with (
        pytest.raises(Conflict, match="already revoked"),
        runtime.database.transaction() as session,
    ):
        registry.revoke(session, number, reason="x", actor="test")


def test_reissue_supersedes_the_old_number_with_a_copy(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue(transcript_values())
    with runtime.database.transaction() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        registry.reissue(
            session, number, new_number="KTI 2400999", reason="lost", signer=signer, actor="test"
        )
    with runtime.database.session() as session:
        old = registry.get_document(session, number)
        new = registry.get_document(session, "KTI2400999")
        assert (old.status, old.superseded_by) == ("superseded", "KTI2400999")
        assert (new.status, new.surname, len(new.courses)) == ("valid", old.surname, 2)
        assert new.holder_id == old.holder_id
    assert count(runtime, CourseLine) == 4


def test_reissue_onto_an_existing_number_is_a_conflict(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    first = issue()
    second = issue(diploma_values(number="KT2400002"))
    with runtime.database.session() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
    with pytest.raises(Conflict), runtime.database.transaction() as session:
        registry.reissue(session, first, new_number=second, reason=None, signer=signer, actor="t")
    with runtime.database.session() as session:
        assert registry.get_document(session, first).status == "valid"


def test_failed_transaction_leaves_no_trace(runtime: Runtime, institution: str) -> None:
    good, bad = record(diploma_values()), record(diploma_values(number="KT2", institution="NOPE"))
    with runtime.database.session() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
    with pytest.raises(NotFound), runtime.database.transaction() as session:
        registry.issue(session, [good, bad], signer, actor="test")
    assert count(runtime, Document) == 0
