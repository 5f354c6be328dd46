"""Archive records answer look-ups like issued documents, with what the book did not note null."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from tests.support.values import old_diploma
from verifier.archive import service as archive
from verifier.archive.service import Scan, ScanRefused
from verifier.audit import replay
from verifier.documents import registry
from verifier.documents.record import Record
from verifier.documents.registry import PrintRefused
from verifier.errors import Conflict
from verifier.keys import lifecycle
from verifier.runtime import Runtime
from verifier.signing.tokens import sign
from verifier.verification.answers import outcome_json
from verifier.verification.service import verify_number, verify_token
from verifier.vocabulary import DocumentType

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def archived(runtime: Runtime, institution: str) -> Callable[..., str]:
    def _archive(document: Record | None = None, scan: Scan | None = None) -> str:
        with runtime.database.transaction() as session:
            return archive.record(session, document or old_diploma(), actor="test", scan=scan)

    return _archive


def answer(runtime: Runtime, number: str, **holder: object) -> dict[str, object]:
    with runtime.database.session() as session:
        return outcome_json(verify_number(session, number, **holder))  # type: ignore[arg-type]


def test_an_archive_record_answers_a_look_up_by_number_and_surname(
    runtime: Runtime, archived: Callable[..., str]
) -> None:
    body = answer(runtime, archived(), surname="Ergashev")
    document = body["document"]
    assert body["status"] == "valid"
    assert isinstance(document, dict) and document["origin"] == "archive"
    assert document["issue_year"] == 2012


def test_what_the_issue_book_did_not_note_is_null(
    runtime: Runtime, archived: Callable[..., str]
) -> None:
    document = answer(runtime, archived(), surname="Ergashev")["document"]
    assert isinstance(document, dict)
    assert document["birth_date"] is None and document["program_code"] is None
    assert document["issue_date"] is None


def test_the_registry_check_says_the_answer_rests_on_an_issue_book(
    runtime: Runtime, archived: Callable[..., str]
) -> None:
    checks = answer(runtime, archived(), surname="Ergashev")["checks"]
    assert isinstance(checks, dict)
    assert "issue book" in checks["registry"]["detail"]


def test_a_birth_date_cannot_match_a_record_that_did_not_note_one(
    runtime: Runtime, archived: Callable[..., str]
) -> None:
    assert answer(runtime, archived(), birth_date=dt.date(1990, 1, 1))["status"] == "not_found"


def test_a_wrong_surname_answers_like_a_missing_number(
    runtime: Runtime, archived: Callable[..., str]
) -> None:
    wrong = answer(runtime, archived(), surname="Karimov")
    missing = answer(runtime, "KT1299999", surname="Ergashev")
    assert wrong["status"] == missing["status"] == "not_found"
    assert wrong["checks"] == missing["checks"]


def test_recording_the_same_record_again_changes_nothing(
    runtime: Runtime, archived: Callable[..., str]
) -> None:
    archived()
    archived()
    assert answer(runtime, "KT1200457", surname="Ergashev")["status"] == "valid"


def test_another_record_under_a_recorded_number_is_a_conflict(
    archived: Callable[..., str],
) -> None:
    archived()
    with pytest.raises(Conflict):
        archived(old_diploma(surname="Karimov"))


def test_an_archive_record_can_be_revoked(runtime: Runtime, archived: Callable[..., str]) -> None:
    number = archived()
    with runtime.database.transaction() as session:
        registry.revoke(session, number, reason="entry struck out", actor="test")
    assert answer(runtime, number, surname="Ergashev")["status"] == "revoked"


def test_a_digital_duplicate_supersedes_an_archive_record(
    runtime: Runtime, archived: Callable[..., str]
) -> None:
    number = archived(old_diploma(birth_date=dt.date(1990, 5, 4)))
    with runtime.database.transaction() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        registry.reissue(
            session, number, new_number="KT2600001", reason=None, signer=signer, actor="t"
        )
    old = answer(runtime, number, surname="Ergashev")
    new = answer(runtime, "KT2600001", surname="Ergashev")
    assert old["status"] == "superseded" and old["superseded_by"] == "KT2600001"
    assert new["status"] == "valid"
    assert isinstance(new["document"], dict) and new["document"]["origin"] == "registry"


def test_a_duplicate_of_a_record_without_a_birth_date_is_refused_saying_why(
    runtime: Runtime, archived: Callable[..., str]
) -> None:
    number = archived()
    with runtime.database.transaction() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        with pytest.raises(Conflict, match="birth date"):
            registry.reissue(
                session, number, new_number="KT2600001", reason=None, signer=signer, actor="t"
            )


def test_an_archive_record_has_no_pdf(runtime: Runtime, archived: Callable[..., str]) -> None:
    number = archived()
    with pytest.raises(PrintRefused), runtime.database.session() as session:
        registry.print_data(session, number, runtime.settings.base_url)


def test_a_token_claiming_an_archive_records_number_is_invalid(
    runtime: Runtime, archived: Callable[..., str]
) -> None:
    from verifier.signing.tokens import Claims

    number = archived()
    with runtime.database.session() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        token = sign(
            Claims(
                type=DocumentType.DIPLOMA,
                number=number,
                surname="Ergashev",
                given_name="Bobur",
                birth_date=dt.date(1990, 5, 4),
                institution="TATT",
                issue_date=dt.date(2012, 6, 30),
            ),
            signer,
        )
        outcome = verify_token(session, token, lifecycle.keyring(session))
    assert outcome.status.value == "invalid"


def test_the_audit_replays_archive_records(runtime: Runtime, archived: Callable[..., str]) -> None:
    archived()
    with runtime.database.session() as session:
        assert replay.run(session).intact


def test_a_scan_is_kept_with_its_record(runtime: Runtime, archived: Callable[..., str]) -> None:
    number = archived(scan=Scan.of("page-47.png", PNG))
    with runtime.database.session() as session:
        stored = archive.scan_of(session, number)
        assert (stored.media_type, stored.content) == ("image/png", PNG)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"MZ\x90\x00" + b"\x00" * 64, "PDF, JPEG or PNG"),  # a PE executable named .pdf
        (b"%PDF-" + b"\x00" * (10 * 1024 * 1024), "larger than"),
    ],
    ids=["empty", "executable-named-pdf", "over-10-MiB"],
)
def test_a_scan_is_judged_by_its_content(content: bytes, problem: str) -> None:
    with pytest.raises(ScanRefused, match=problem):
        Scan.of("page.pdf", content)


def test_recording_the_same_record_again_keeps_its_scan(
    runtime: Runtime, archived: Callable[..., str]
) -> None:
    first = Scan.of("page-47.png", PNG)
    archived(scan=first)
    archived(scan=Scan.of("other.png", PNG + b"\x01"))
    with runtime.database.session() as session:
        assert archive.scan_of(session, "KT1200457").filename == "page-47.png"


def test_a_record_without_a_scan_takes_one_when_recorded_again(
    runtime: Runtime, archived: Callable[..., str]
) -> None:
    archived()
    archived(scan=Scan.of("page-47.png", PNG))
    with runtime.database.session() as session:
        assert archive.scan_of(session, "KT1200457").filename == "page-47.png"
