"""Staff accounts and API tokens: argon2id, TOTP with replay protection, lockout,
tokens shown once and stored hashed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from click.testing import Result
from sqlalchemy import select

from verifier.db.models import ApiToken, Event, StaffUser
from verifier.errors import Conflict, NotFound, VerifierError
from verifier.runtime import Runtime
from verifier.staff import accounts, api_tokens

PASSWORD = "correct horse battery staple"
NOW = dt.datetime(2026, 11, 23, 12, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def registrar(runtime: Runtime, institution: str) -> pyotp.TOTP:
    with runtime.database.transaction() as session:
        enrolment = accounts.add_user(
            session, "Registrar@TATT.uz", role="registrar", password=PASSWORD,
            institution=institution, actor="test",
        )  # fmt: skip
    secret = parse_qs(urlsplit(enrolment.otpauth_uri).query)["secret"][0]
    return pyotp.TOTP(secret)


def log_in(
    runtime: Runtime, password: str, code: str, at: dt.datetime = NOW
) -> accounts.LoginAttempt:
    with runtime.database.transaction() as session:
        return accounts.log_in(
            session, "registrar@tatt.uz", password, code, source="192.0.2.7", now=at
        )


def test_password_is_stored_as_argon2id(runtime: Runtime, registrar: pyotp.TOTP) -> None:
    with runtime.database.session() as session:
        user = session.scalars(select(StaffUser)).one()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_enrolment_uri_is_a_totp_provisioning_uri(runtime: Runtime, institution: str) -> None:
    with runtime.database.transaction() as session:
        enrolment = accounts.add_user(
            session, "a@b.uz", role="auditor", password=PASSWORD, actor="t"
        )
    assert enrolment.otpauth_uri.startswith("otpauth://totp/")


def test_right_password_and_code_log_in_and_are_audited(
    runtime: Runtime, registrar: pyotp.TOTP
) -> None:
    attempt = log_in(runtime, PASSWORD, registrar.at(NOW))
    assert attempt.user is not None and attempt.user.email == "registrar@tatt.uz"
    with runtime.database.session() as session:
        last = session.scalars(select(Event).order_by(Event.seq.desc())).first()
    assert last is not None and last.kind == "login" and "192.0.2.7" in last.payload


def test_wrong_password_is_refused(runtime: Runtime, registrar: pyotp.TOTP) -> None:
    assert (
        log_in(runtime, "wrong password!!", registrar.at(NOW)).refusal == accounts.WRONG_CREDENTIALS
    )


def test_wrong_code_is_refused(runtime: Runtime, registrar: pyotp.TOTP) -> None:
    assert log_in(runtime, PASSWORD, "000000").refusal == accounts.WRONG_CREDENTIALS


def test_a_code_cannot_be_replayed(runtime: Runtime, registrar: pyotp.TOTP) -> None:
    code = registrar.at(NOW)
    assert log_in(runtime, PASSWORD, code).user is not None
    replay = log_in(runtime, PASSWORD, code, NOW + dt.timedelta(seconds=5))
    assert replay.refusal == accounts.WRONG_CREDENTIALS


def test_unknown_email_is_refused_like_a_wrong_password(
    runtime: Runtime, registrar: pyotp.TOTP
) -> None:
    with runtime.database.transaction() as session:
        attempt = accounts.log_in(
            session, "nobody@x.uz", PASSWORD, registrar.at(NOW), source="x", now=NOW
        )
    assert attempt.refusal == accounts.WRONG_CREDENTIALS


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    runtime: Runtime, registrar: pyotp.TOTP
) -> None:
    for attempt in range(accounts.MAX_FAILED_ATTEMPTS):
        log_in(runtime, "wrong password!!", registrar.at(NOW), NOW + dt.timedelta(seconds=attempt))
    later = NOW + dt.timedelta(minutes=1)
    assert log_in(runtime, PASSWORD, registrar.at(later), later).refusal == accounts.LOCKED
    after_lockout = NOW + accounts.LOCKOUT + dt.timedelta(minutes=1)
    assert log_in(runtime, PASSWORD, registrar.at(after_lockout), after_lockout).user is not None


def test_failed_logins_are_recorded_with_their_source(
    runtime: Runtime, registrar: pyotp.TOTP
) -> None:
    log_in(runtime, "wrong password!!", "123456")
    with runtime.database.session() as session:
        failed = session.scalars(select(Event).where(Event.kind == "login_failed")).one()
    assert failed.subject == "registrar@tatt.uz" and "192.0.2.7" in failed.payload


@pytest.mark.parametrize(
    ("role", "code", "message"),
    [
        ("registrar", None, "needs --institution"),
        ("admin", "TATT", "omit --institution"),
        ("owner", None, "role must be"),
    ],
)
def test_role_and_institution_must_agree(
    runtime: Runtime, institution: str, role: str, code: str | None, message: str
) -> None:
    with pytest.raises(VerifierError, match=message), runtime.database.transaction() as session:
        accounts.add_user(
            session, "x@b.uz", role=role, password=PASSWORD, institution=code, actor="t"
        )


def test_short_password_is_refused(runtime: Runtime, institution: str) -> None:
    with (
        pytest.raises(VerifierError, match="at least 12"),
        runtime.database.transaction() as session,
    ):
        accounts.add_user(session, "a@b.uz", role="auditor", password="short", actor="t")


def test_duplicate_account_is_a_conflict(runtime: Runtime, registrar: pyotp.TOTP) -> None:
    with pytest.raises(Conflict), runtime.database.transaction() as session:
        accounts.add_user(
            session, "registrar@tatt.uz", role="auditor", password=PASSWORD, actor="t"
        )


def test_api_token_is_shown_once_and_stored_hashed(runtime: Runtime, institution: str) -> None:
    with runtime.database.transaction() as session:
        token = api_tokens.create(session, institution, name="SIS", actor="test")
    with runtime.database.session() as session:
        stored = session.scalars(select(ApiToken)).one()
        assert token.secret not in (stored.token_hash, stored.prefix)
        assert api_tokens.authenticate(session, f"Bearer {token.secret}").id == stored.id


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Basic abc", "Bearer vrf_wrong", "Bearer " + "x" * 5000]
)
def test_bad_bearer_headers_are_refused(
    runtime: Runtime, institution: str, header: str | None
) -> None:
    with pytest.raises(api_tokens.InvalidApiToken), runtime.database.session() as session:
        api_tokens.authenticate(session, header)


def test_revoked_api_token_is_refused(runtime: Runtime, institution: str) -> None:
    with runtime.database.transaction() as session:
        token = api_tokens.create(session, institution, name=None, actor="test")
    with runtime.database.transaction() as session:
        api_tokens.revoke(session, token.id, actor="test")
    with pytest.raises(api_tokens.InvalidApiToken), runtime.database.session() as session:
        api_tokens.authenticate(session, f"Bearer {token.secret}")


def test_api_token_for_unknown_institution_is_refused(runtime: Runtime) -> None:
    with pytest.raises(NotFound), runtime.database.transaction() as session:
        api_tokens.create(session, "NOPE", name=None, actor="test")


def test_cli_user_add_reads_the_password_from_the_environment(
    run: Callable[..., Result], institution: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIFIER_NEW_PASSWORD", PASSWORD)
    result = run("user", "add", "clerk@tatt.uz", "--role", "registrar", "--institution", "tatt")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("otpauth://totp/")


def test_cli_user_add_prompts_for_the_password_twice(
    run: Callable[..., Result], institution: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VERIFIER_NEW_PASSWORD", raising=False)
    result = run(
        "user", "add", "boss@tatt.uz", "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.stderr


def test_cli_api_token_create_prints_the_token_once(
    run: Callable[..., Result], institution: str
) -> None:
    result = run("api-token", "create", "--institution", "TATT", "--name", "SIS")
    assert result.exit_code == 0 and result.stdout.splitlines()[-1].startswith("vrf_")
