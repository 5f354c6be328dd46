"""Staff accounts and a signed-in test client for the workspace tests."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from verifier import registry, staff
from verifier.runtime import Runtime

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Account:
    email: str
    secret: str

    def code(self, steps_ahead: int = 0) -> str:
        """A valid TOTP code; ``steps_ahead`` gives a fresh one for a second log-in."""
        moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30 * steps_ahead)
        return pyotp.TOTP(self.secret).at(moment)


def add_account(runtime: Runtime, email: str, role: str, institution: str | None = None) -> Account:
    with runtime.database.transaction() as session:
        enrolment = staff.add_user(
            session, email, role=role, password=PASSWORD, institution=institution, actor="test"
        )
    return Account(email, pyotp.parse_uri(enrolment.otpauth_uri).secret)


def english_client(app: Flask) -> FlaskClient:
    """A browser that prefers English, so assertions can quote the English sentences."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Overrides the suite's client for the workspace tests: English, like the assertions."""
    return english_client(app)


@pytest.fixture
def other_institution(runtime: Runtime, institution: str) -> str:
    with runtime.database.transaction() as session:
        registry.add_institution(session, "SAMT", name_uz="Samarqand texnikumi", actor="test")
    return "SAMT"


@pytest.fixture
def registrar(runtime: Runtime, institution: str) -> Account:
    return add_account(runtime, "registrar@tatt.uz", "registrar", institution)


@pytest.fixture
def other_registrar(runtime: Runtime, other_institution: str) -> Account:
    return add_account(runtime, "registrar@samt.uz", "registrar", other_institution)


@pytest.fixture
def admin(runtime: Runtime) -> Account:
    return add_account(runtime, "admin@edu.uz", "admin")


@pytest.fixture
def auditor(runtime: Runtime) -> Account:
    return add_account(runtime, "auditor@edu.uz", "auditor")


def csrf_token(client: FlaskClient, path: str = "/registrar/login") -> str:
    """The CSRF token a form on ``path`` carries for this client's session."""
    page = client.get(path)
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def log_in(
    client: FlaskClient, account: Account, *, password: str = PASSWORD, code: str | None = None
) -> TestResponse:
    return client.post(
        "/registrar/login",
        data={
            "csrf_token": csrf_token(client),
            "email": account.email,
            "password": password,
            "code": account.code() if code is None else code,
        },
    )


def form_post(
    client: FlaskClient, path: str, data: dict[str, str], *, page: str = "/registrar/documents/"
) -> TestResponse:
    """POST a workspace form the way a browser does: with the CSRF token of a page."""
    return client.post(path, data={"csrf_token": csrf_token(client, page), **data})


@pytest.fixture
def signed_in(client: FlaskClient) -> Callable[[Account], FlaskClient]:
    """A client signed in as the given account."""

    def _sign_in(account: Account) -> FlaskClient:
        response = log_in(client, account)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _sign_in
