"""Re-checking a report: genuine or not, expired or not, and changed since or not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tests.unit.reports.conftest import MakeReport
from verifier.db import Database
from verifier.documents import registry
from verifier.keys import lifecycle
from verifier.reports.check import ReportCheck, check_report, check_report_offline
from verifier.reports.service import Signatory, StoredReport
from verifier.runtime import Runtime
from verifier.signing.encoding import b64url
from verifier.signing.keys import KeyRing
from verifier.signing.tokens import ReportClaims, sign_payloads
from verifier.verification.outcome import Status

NOW = dt.datetime.now(dt.UTC)


def recheck(runtime: Runtime, target: str, now: dt.datetime | None = None) -> ReportCheck:
    with runtime.database.session() as session:
        return check_report(session, target, lifecycle.keyring(session), now=now)


def keyring(runtime: Runtime) -> KeyRing:
    with runtime.database.session() as session:
        return lifecycle.keyring(session)


def signed_by_the_service(runtime: Runtime, claims: ReportClaims) -> str:
    """What only someone holding the service's key could make."""
    with runtime.database.session() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
    return sign_payloads([claims.to_json()], signer)[0]


def test_a_fresh_report_is_genuine_current_and_unchanged(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report()
    result = recheck(runtime, report.url(runtime.settings.base_url))
    assert (result.status, result.expired, result.changed) == (Status.VALID, False, False)
    assert result.report == report
    assert result.current is not None and result.current.status is Status.VALID


def test_a_report_made_before_a_revocation_says_so_when_checked_after_it(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report()
    with runtime.database.transaction() as session:
        registry.revoke(session, "KT2400001", reason="x", actor="test", code="issued_in_error")
    result = recheck(runtime, report.token)
    assert result.genuine and result.changed is True
    assert result.claims is not None and result.claims.status == "valid"
    assert result.current is not None and result.current.status is Status.REVOKED
    assert result.current.revocation is not None
    assert result.current.revocation.code == "issued_in_error"


def test_a_report_made_before_a_reissue_says_the_document_was_replaced(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report()
    with runtime.database.transaction() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        registry.reissue(
            session, "KT2400001", new_number="KT2400901", reason=None, signer=signer, actor="t"
        )
    result = recheck(runtime, report.token)
    assert result.changed is True
    assert result.current is not None and result.current.superseded_by == "KT2400901"


def test_a_report_past_its_validity_is_expired_but_still_genuine(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report(checked_at=NOW - dt.timedelta(days=91), days=90)
    result = recheck(runtime, report.token)
    assert (result.status, result.expired, result.changed) == (Status.VALID, True, False)


def test_expiry_follows_the_clock_of_the_check(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report(days=1)
    assert recheck(runtime, report.token).expired is False
    assert recheck(runtime, report.token, now=report.expires).expired is True


def test_a_tampered_report_token_is_not_genuine(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    with runtime.database.transaction() as session:
        registry.revoke(session, "KT2400001", reason="x", actor="test")
    report = make_report()
    header, _, signature = report.token.split(".")
    forged_claims = ReportClaims(
        report.number, "KT2400001", "valid", report.checked_at, report.expires
    )
    forged = f"{header}.{b64url(forged_claims.to_json())}.{signature}"
    result = recheck(runtime, forged)
    assert result.status is Status.INVALID and result.claims is None
    assert [c.name for c in result.checks if not c.passed] == ["signature"]


def test_a_signed_report_the_registry_never_made_is_not_genuine(runtime: Runtime) -> None:
    claims = ReportClaims("VR-2026-99999999", "KT2400001", "valid", NOW.replace(microsecond=0),
                          NOW.replace(microsecond=0) + dt.timedelta(days=90))  # fmt: skip
    result = recheck(runtime, signed_by_the_service(runtime, claims))
    assert result.status is Status.INVALID
    assert [c.detail for c in result.checks if not c.passed] == ["the registry has no such report"]


def test_signed_claims_that_differ_from_the_registrys_report_are_not_genuine(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report()
    other = ReportClaims(report.number, "KT2400001", "revoked", report.checked_at, report.expires)
    result = recheck(runtime, signed_by_the_service(runtime, other))
    assert result.status is Status.INVALID
    assert "differs from the registry's report: st" in result.checks[-1].detail


def test_a_documents_token_is_not_a_report(
    runtime: Runtime, issue: Callable[..., str], token_of: Callable[[str], str]
) -> None:
    issue()
    result = recheck(runtime, token_of("KT2400001"))
    assert result.status is Status.INVALID
    assert (
        result.checks[0].name == "version"
        and "not of an official report" in result.checks[0].detail
    )


def test_a_report_recorded_before_its_key_was_compromised_stays_genuine_online_only(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report()
    with runtime.database.transaction() as session:
        lifecycle.compromise(
            session, runtime.keystore, report.kid, at=NOW + dt.timedelta(hours=1), actor="test"
        )
    online = recheck(runtime, report.token)
    assert online.genuine and [c.name for c in online.checks] == ["signature", "key", "registry"]
    assert check_report_offline(report.token, keyring(runtime)).status is Status.INVALID


def test_a_report_recorded_after_its_key_was_compromised_is_not_genuine(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report()
    with runtime.database.transaction() as session:
        lifecycle.compromise(
            session, runtime.keystore, report.kid, at=NOW - dt.timedelta(hours=1), actor="test"
        )
    result = recheck(runtime, report.token)
    assert result.status is Status.INVALID
    assert [c.name for c in result.checks if not c.passed] == ["key"]


def test_a_not_found_letter_says_so_once_the_document_is_in_the_registry(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    letter: StoredReport = make_report(signatory=Signatory("Karimova Dilnoza", "Head of unit"))
    assert letter.status == "not_found"
    assert recheck(runtime, letter.token).changed is False
    issue()
    result = recheck(runtime, letter.token)
    assert result.changed is True
    assert result.current is not None and result.current.status is Status.VALID


def test_offline_a_report_is_genuine_as_signed_and_expiry_is_known_but_not_change(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report(checked_at=NOW - dt.timedelta(days=200))
    result = check_report_offline(report.url(runtime.settings.base_url), keyring(runtime))
    assert (result.status, result.expired, result.changed) == (Status.VALID, True, None)
    assert result.report is None and result.claims == report.claims


def test_when_the_registry_cannot_be_reached_the_answer_is_error_not_invalid(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report()
    down = Database("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    try:
        with down.session() as session:
            result = check_report(session, report.token, keyring(runtime))
    finally:
        down.dispose()
    assert result.status is Status.ERROR and result.genuine is False
