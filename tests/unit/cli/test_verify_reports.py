"""`verifier verify` given an official report's QR link: genuine, expired, changed since."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from click.testing import Result

from verifier.keys import lifecycle
from verifier.reports import service
from verifier.reports.service import Asked
from verifier.runtime import Runtime
from verifier.verification.service import verify_number

Run = Callable[..., Result]


def report_url(runtime: Runtime, *, days_ago: int = 0) -> str:
    with runtime.database.transaction() as session:
        outcome = verify_number(session, "KT2400001", surname="Gulomov")
        outcome = replace(outcome, checked_at=outcome.checked_at - dt.timedelta(days=days_ago))
        report = service.make_report(
            session,
            outcome,
            Asked("KT2400001", "Gulomov"),
            signer=lifecycle.load_signer(session, runtime.keystore),
            language="uz",
            issuer="Markaz",
            days=90,
            actor="test",
        )
    return report.url(runtime.settings.base_url)


def test_a_genuine_report_verifies_and_says_it_is_current_and_unchanged(
    run: Run, runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    result = run("verify", report_url(runtime), "--json")
    answer = json.loads(result.stdout)
    assert result.exit_code == 0
    assert (answer["status"], answer["expired"], answer["changed"]) == ("valid", False, False)
    assert answer["claims"]["t"] == "R" and answer["claims"]["no"] == "KT2400001"


def test_a_report_revoked_since_is_genuine_and_says_the_status_changed(
    run: Run, runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    url = report_url(runtime)
    run("revoke", "KT2400001", "--reason", "Issued in error")
    result = run("verify", url)
    assert result.exit_code == 0
    assert "status now: revoked (changed since the report)" in result.stdout


def test_an_expired_report_is_still_genuine_and_says_it_expired(
    run: Run, runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    result = run("verify", report_url(runtime, days_ago=120))
    assert result.exit_code == 0 and "expired on" in result.stdout


def test_a_tampered_report_token_is_invalid(
    run: Run, runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    url = report_url(runtime)
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    result = run("verify", tampered)
    assert result.exit_code == 1 and "status: invalid" in result.stdout


def test_offline_a_report_is_judged_by_the_exported_jwks_alone(
    run: Run, runtime: Runtime, issue: Callable[..., str], tmp_path: Path
) -> None:
    issue()
    jwks = tmp_path / "jwks.json"
    run("keys", "export", "-o", str(jwks))
    answer = json.loads(run("verify", report_url(runtime), "--jwks", str(jwks), "--json").stdout)
    assert (answer["status"], answer["expired"], answer["changed"]) == ("valid", False, None)
    assert answer["checks"]["registry"]["detail"].startswith("not consulted")
