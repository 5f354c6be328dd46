"""The `verifier` command line, end to end against a real database."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from PIL import Image

from tests.support.files import generated_rows, write_csv
from tests.support.values import BASE_URL, diploma_values
from verifier.documents import registry
from verifier.runtime import Runtime

Run = Callable[..., Result]


def test_init_is_idempotent(run: Run) -> None:
    result = run("init")
    assert result.exit_code == 0 and "schema is up to date" in result.output
    assert "created signing key" not in result.output  # the fixture already made one


def test_institution_add_then_duplicate_is_one_clear_error(run: Run) -> None:
    assert run("institution", "add", "tatt", "--name-uz", "Toshkent texnikumi").exit_code == 0
    again = run("institution", "add", "TATT", "--name-uz", "X")
    assert again.exit_code == 1
    assert again.stderr.strip() == "error: institution TATT already exists"


def test_issue_prints_a_summary_in_a_pipe(run: Run, institution: str, tmp_path: Path) -> None:
    result = run("issue", str(write_csv(tmp_path / "c.csv", generated_rows(5))))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("5 rows: 5 issued, 0 already issued")
    assert result.stderr == ""


def test_issue_with_bad_rows_prints_each_error_and_exits_non_zero(
    run: Run, institution: str, tmp_path: Path
) -> None:
    rows = list(generated_rows(3))
    rows[1]["issue_date"] = "yesterday"
    result = run("issue", str(write_csv(tmp_path / "c.csv", rows)))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: row 3, field issue_date: must be a date as YYYY-MM-DD, got 'yesterday'",
        "error: 1 problem(s) of 3 rows; nothing was issued",
    ]


def test_qr_prints_the_exact_qr_url(run: Run, runtime: Runtime, issue: Callable[..., str]) -> None:
    number = issue()
    with runtime.database.session() as session:
        token = registry.get_document(session, number).token
    assert run("qr", "kt 2400001").stdout == f"{BASE_URL}/v/{token}\n"


def test_qr_png_is_written(run: Run, issue: Callable[..., str], tmp_path: Path) -> None:
    issue()
    png = tmp_path / "qr.png"
    assert run("qr", "KT2400001", "--png", str(png)).exit_code == 0
    assert Image.open(png).format == "PNG"


def test_verify_valid_url_prints_checks_and_exits_zero(run: Run, issue: Callable[..., str]) -> None:
    issue()
    url = run("qr", "KT2400001").stdout.strip()
    result = run("verify", url)
    assert result.exit_code == 0
    assert "ok   signature" in result.stdout and result.stdout.strip().endswith("status: valid")


def test_verify_json_prints_status_checks_and_the_named_claims(
    run: Run, issue: Callable[..., str]
) -> None:
    issue()
    result = run("verify", run("qr", "KT2400001").stdout.strip(), "--json")
    answer = json.loads(result.stdout)
    assert result.exit_code == 0 and answer["status"] == "valid"
    assert answer["checks"]["registry"]["passed"] is True
    assert answer["claims"]["no"] == "KT2400001" and answer["claims"]["v"] == 1


def test_verify_json_of_a_revoked_document_still_exits_non_zero(
    run: Run, issue: Callable[..., str]
) -> None:
    issue()
    run("revoke", "KT2400001", "--reason", "Issued in error")
    result = run("verify", run("qr", "KT2400001").stdout.strip(), "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["status"] == "revoked"


def test_verify_revoked_exits_non_zero(run: Run, issue: Callable[..., str]) -> None:
    issue()
    run("revoke", "KT2400001", "--reason", "Issued in error")
    result = run("verify", run("qr", "KT2400001").stdout.strip())
    assert result.exit_code == 1 and "status: revoked" in result.stdout
    assert "other reasons" in result.stdout and "Issued in error" not in result.stdout


def test_revoke_takes_a_public_code(run: Run, issue: Callable[..., str]) -> None:
    issue()
    assert (
        run("revoke", "KT2400001", "--reason", "note", "--code", "issued_in_error").exit_code == 0
    )
    result = run("verify", run("qr", "KT2400001").stdout.strip())
    assert "issued in error" in result.stdout


def test_verify_tampered_token_is_invalid(run: Run, issue: Callable[..., str]) -> None:
    issue()
    header, payload, signature = run("qr", "KT2400001").stdout.strip().rsplit("/", 1)[1].split(".")
    tampered = (
        f"{header}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}"
    )
    result = run("verify", tampered)
    assert result.exit_code == 1 and "status: invalid" in result.stdout


def test_verify_against_an_exported_jwks_works_without_the_registry(
    run: Run, issue: Callable[..., str], tmp_path: Path
) -> None:
    issue()
    jwks = tmp_path / "jwks.json"
    assert run("keys", "export", "-o", str(jwks)).exit_code == 0
    assert json.loads(jwks.read_text())["keys"][0]["alg"] == "Ed25519"
    result = run("verify", run("qr", "KT2400001").stdout.strip(), "--jwks", str(jwks))
    assert result.exit_code == 0 and "offline" in result.stdout


def test_reissue_supersedes_and_the_duplicate_verifies(run: Run, issue: Callable[..., str]) -> None:
    issue()
    assert (
        run("reissue", "KT2400001", "--new-number", "KT 2400999", "--reason", "lost").exit_code == 0
    )
    assert "superseded by KT2400999" in run("verify", run("qr", "KT2400001").stdout.strip()).stdout
    assert run("verify", run("qr", "KT2400999").stdout.strip()).exit_code == 0


def test_unknown_number_is_one_clear_error(run: Run, runtime: Runtime) -> None:
    result = run("revoke", "KT404", "--reason", "x")
    assert (result.exit_code, result.stderr) == (1, "error: no document KT404\n")


def test_malformed_number_is_one_clear_error(run: Run, runtime: Runtime) -> None:
    result = run("qr", "not a number")
    assert result.exit_code == 1 and result.stderr.startswith("error: malformed document number")


def test_keys_rotate_list_and_compromise(run: Run) -> None:
    old = run("keys", "list").stdout.split()[0]
    new = run("keys", "rotate").stdout.split()[-1]
    listing = run("keys", "list").stdout
    assert f"{old}  retired" in listing and f"{new}  active" in listing
    # "--": a kid is base64url and may begin with "-".
    result = run("keys", "compromise", "--at", "2026-01-31T12:00:00Z", "--", old)
    assert result.exit_code == 0 and f"{old}  compromised" in run("keys", "list").stdout


def test_compromise_time_must_be_a_time(run: Run) -> None:
    kid = run("keys", "list").stdout.split()[0]
    result = run("keys", "compromise", "--at", "last tuesday", "--", kid)
    assert result.exit_code == 1 and "not an ISO 8601 time" in result.stderr


def test_audit_reports_an_intact_chain(run: Run, issue: Callable[..., str]) -> None:
    issue()
    result = run("audit")
    assert result.exit_code == 0
    assert result.stdout.startswith("3 events, chain intact; 1 documents match their history")


def test_demo_loads_once(run: Run, runtime: Runtime) -> None:
    assert run("demo").exit_code == 0
    assert run("demo").stdout == "demo data is already loaded\n"
    with runtime.database.session() as session:
        statuses = {
            registry.get_document(session, n).status
            for n in ("KT2400103", "KT2400105", "KT2400101")
        }
    assert statuses == {"revoked", "superseded", "valid"}


def test_demo_documents_verify(run: Run) -> None:
    run("demo")
    assert run("verify", run("qr", "KT2400905").stdout.strip()).exit_code == 0
    assert run("audit").exit_code == 0


def test_row_values_round_trip_through_the_registry(
    run: Run, runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    run("issue", str(write_csv(tmp_path / "c.csv", [diploma_values(surname="Ҳолматов")])))
    with runtime.database.session() as session:
        assert registry.get_document(session, "KT2400001").surname == "Ҳолматов"
