"""verify(): one frozen outcome per question, never a lie."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from tests.support.values import diploma_values, record
from verifier.documents import registry
from verifier.documents.claims import claims_of
from verifier.keys import lifecycle
from verifier.runtime import Runtime
from verifier.signing.tokens import sign
from verifier.verification.answers import outcome_json
from verifier.verification.outcome import IncompleteQuery, Outcome, Status
from verifier.verification.service import verify_number, verify_token


def by_number(runtime: Runtime, number: str, **holder: object) -> Outcome:
    with runtime.database.session() as session:
        return verify_number(session, number, **holder)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "surname", ["Gʻulomov", "G'ULOMOV", "Gulomov", "Ғуломов", "гуломов", "Гулямов"]
)
def test_number_and_any_spelling_of_the_surname_is_valid(
    runtime: Runtime, issue: Callable[..., str], surname: str
) -> None:
    issue()
    outcome = by_number(runtime, "КТ 2400001", surname=surname)
    assert outcome.status is Status.VALID and outcome.document is not None
    assert outcome.document.surname == "Gʻulomov"


def test_number_and_birth_date_is_valid(runtime: Runtime, issue: Callable[..., str]) -> None:
    issue()
    assert by_number(runtime, "KT2400001", birth_date=dt.date(2003, 4, 17)).is_valid


def test_number_alone_is_an_incomplete_query(runtime: Runtime, issue: Callable[..., str]) -> None:
    issue()
    with pytest.raises(IncompleteQuery, match="surname"):
        by_number(runtime, "KT2400001")


def test_wrong_surname_answers_exactly_like_a_missing_number(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    wrong = outcome_json(by_number(runtime, "KT2400001", surname="Karimov"))
    missing = outcome_json(by_number(runtime, "KT2400002", surname="Gʻulomov"))
    for answer in (wrong, missing):
        answer.pop("checked_at")
        answer.pop("number")
    assert wrong == missing
    assert wrong["status"] == "not_found" and wrong["document"] is None


def test_revoked_document_says_when_and_why_by_its_public_code(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    with runtime.database.transaction() as session:
        registry.revoke(
            session,
            "KT2400001",
            reason="forged school certificate",
            code="issued_in_error",
            actor="test",
        )
    answer = outcome_json(by_number(runtime, "KT2400001", surname="Gulomov"))
    assert answer["status"] == "revoked"
    assert answer["revocation"]["code"] == "issued_in_error"
    assert answer["revocation"]["reason"] == "issued in error"


def test_the_registrars_note_is_never_in_the_public_answer(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    with runtime.database.transaction() as session:
        registry.revoke(session, "KT2400001", reason="forged school certificate", actor="test")
    answer = outcome_json(by_number(runtime, "KT2400001", surname="Gulomov"))
    assert answer["revocation"]["code"] == "other" and "forged" not in str(answer)


def test_revoked_answer_shows_the_registry_status_as_the_failed_check(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    with runtime.database.transaction() as session:
        registry.revoke(session, "KT2400001", reason="x", actor="test")
    checks = outcome_json(by_number(runtime, "KT2400001", surname="Gulomov"))["checks"]
    assert checks["status"]["passed"] is False and "revoked" in checks["status"]["detail"]


def test_superseded_document_names_its_replacement(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    with runtime.database.transaction() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        registry.reissue(
            session, "KT2400001", new_number="KT2400999", reason=None, signer=signer, actor="t"
        )
    assert (
        outcome_json(by_number(runtime, "KT2400001", surname="Gulomov"))["superseded_by"]
        == "KT2400999"
    )


def test_superseded_document_says_when_it_was_replaced(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    with runtime.database.transaction() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        registry.reissue(
            session, "KT2400001", new_number="KT2400999", reason=None, signer=signer, actor="t"
        )
    replaced_at = dt.datetime.fromisoformat(
        outcome_json(by_number(runtime, "KT2400001", surname="Gulomov"))["superseded_at"]
    )
    assert abs(dt.datetime.now(dt.UTC) - replaced_at) < dt.timedelta(minutes=5)


def test_a_document_in_force_has_no_replacement_date(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    assert outcome_json(by_number(runtime, "KT2400001", surname="Gulomov"))["superseded_at"] is None


def test_json_answer_has_the_contract_shape(runtime: Runtime, issue: Callable[..., str]) -> None:
    issue()
    answer = outcome_json(by_number(runtime, "KT2400001", surname="Gulomov"))
    assert set(answer) == {
        "status",
        "number",
        "checked_at",
        "document",
        "revocation",
        "superseded_by",
        "checks",
        "superseded_at",  # added: when a superseded document was replaced
    }
    assert (
        answer["document"]["institution"]["name"]["en"]
        == "Tashkent Technical College of Information Technologies"
    )


def test_genuine_signature_over_claims_that_differ_from_the_registry_is_invalid(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    with runtime.database.session() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
    altered = sign(claims_of(record(diploma_values(qualification="Bosh muhandis"))), signer)
    with runtime.database.session() as session:
        outcome = verify_token(session, altered, lifecycle.keyring(session))
    assert outcome.status is Status.INVALID and "qualification" in outcome.checks[-1].detail


def test_token_for_a_number_the_registry_lacks_is_not_found(
    runtime: Runtime, institution: str
) -> None:
    with runtime.database.session() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        token = sign(claims_of(record(diploma_values())), signer)
        assert verify_token(session, token, lifecycle.keyring(session)).status is Status.NOT_FOUND


def test_unreachable_database_is_error_never_valid_or_not_found(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    from verifier.db import Database

    issue()
    broken = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    with broken.session() as session:
        assert verify_number(session, "KT2400001", surname="Gulomov").status is Status.ERROR
    with runtime.database.session() as good:
        token = registry.get_document(good, "KT2400001").token
        assert token is not None
        ring = lifecycle.keyring(good)
    with broken.session() as session:
        assert verify_token(session, token, ring).status is Status.ERROR


def test_outcomes_cannot_be_built_contradictory() -> None:
    with pytest.raises(ValueError, match="needs a document"):
        Outcome(Status.VALID, "KT1", ())
    with pytest.raises(ValueError, match="revocation"):
        Outcome(Status.NOT_FOUND, "KT1", (), revocation=object())  # type: ignore[arg-type]
