"""A supplement (transcript) is only as good as its diploma (issue 12)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.values import diploma_values, transcript_values
from verifier.documents import registry
from verifier.errors import Conflict
from verifier.keys import lifecycle
from verifier.runtime import Runtime
from verifier.verification.answers import outcome_json
from verifier.verification.outcome import Status
from verifier.verification.service import NumberQuery, verify_number, verify_numbers


@pytest.fixture
def pair(issue: Callable[..., str]) -> tuple[str, str]:
    return issue(diploma_values()), issue(transcript_values())


def _answer(runtime: Runtime, number: str) -> dict[str, object]:
    with runtime.database.session() as session:
        return outcome_json(verify_number(session, number, surname="Gulomov"))


def _reissue(runtime: Runtime, number: str, new: str, **extra: object) -> None:
    with runtime.database.transaction() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        registry.reissue(
            session,
            number,
            new_number=new,
            reason=None,
            signer=signer,
            actor="t",
            **extra,  # type: ignore[arg-type]
        )


def test_supplement_of_a_valid_diploma_is_valid(runtime: Runtime, pair: tuple[str, str]) -> None:
    assert _answer(runtime, "KTI2400001")["status"] == "valid"


def test_supplement_of_a_revoked_diploma_answers_revoked_with_the_diplomas_revocation(
    runtime: Runtime, pair: tuple[str, str]
) -> None:
    with runtime.database.transaction() as session:
        registry.revoke(session, "KT2400001", reason="x", code="issued_in_error", actor="t")
    answer = _answer(runtime, "KTI2400001")
    assert answer["status"] == "revoked"
    assert answer["revocation"] == {
        "date": _answer(runtime, "KT2400001")["revocation"]["date"],  # type: ignore[index]
        "reason": "issued in error",
        "code": "issued_in_error",
        "diploma_number": "KT2400001",
    }
    assert "KT2400001" in answer["checks"]["status"]["detail"]  # type: ignore[index]


def test_batch_answers_the_supplement_of_a_revoked_diploma_revoked(
    runtime: Runtime, pair: tuple[str, str]
) -> None:
    with runtime.database.transaction() as session:
        registry.revoke(session, "KT2400001", reason="x", actor="t")
    queries = [NumberQuery(n, "Gulomov", None) for n in ("KTI2400001", "KT2400001")]
    with runtime.database.session() as session:
        outcomes = verify_numbers(session, queries)
    assert [o.status for o in outcomes] == [Status.REVOKED, Status.REVOKED]


def test_reissue_carries_the_supplement_to_the_new_number(
    runtime: Runtime, pair: tuple[str, str]
) -> None:
    _reissue(runtime, "KT2400001", "KT2400999")
    old = _answer(runtime, "KTI2400001")
    new = _answer(runtime, "KTI2400999")
    assert (old["status"], old["superseded_by"]) == ("superseded", "KTI2400999")
    assert new["status"] == "valid"
    assert new["document"]["diploma_number"] == "KT2400999"  # type: ignore[index]


def test_reissue_takes_the_supplement_number_the_registrar_gives(
    runtime: Runtime, pair: tuple[str, str]
) -> None:
    _reissue(runtime, "KT2400001", "KT2400999", supplement_numbers={"KTI 2400001": "KTI 7"})
    assert _answer(runtime, "KTI2400001")["superseded_by"] == "KTI7"


def test_reissue_refuses_when_the_supplements_new_number_is_unknown(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue(diploma_values())
    issue(transcript_values(number="TR 5"))
    with pytest.raises(Conflict, match="TR5"):
        _reissue(runtime, "KT2400001", "KT2400999")
    assert _answer(runtime, "KT2400001")["status"] == "valid"


def test_reissue_to_the_same_number_is_refused(runtime: Runtime, pair: tuple[str, str]) -> None:
    with pytest.raises(Conflict, match="new number"):
        _reissue(runtime, "KT2400001", "KT 2400001")


def test_linked_documents_lists_the_diplomas_supplements(
    runtime: Runtime, pair: tuple[str, str]
) -> None:
    with runtime.database.session() as session:
        assert [d.number for d in registry.linked_documents(session, "KT2400001")] == ["KTI2400001"]
