"""Staff accounts, log-in and CSRF-carrying form posts for the workspace tests."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from verifier.db.models import Document
from verifier.runtime import Runtime
from verifier.staff import accounts

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
        enrolment = accounts.add_user(
            session, email, role=role, password=PASSWORD, institution=institution, actor="test"
        )
    return Account(email, pyotp.parse_uri(enrolment.otpauth_uri).secret)


def english_client(app: Flask) -> FlaskClient:
    """A browser that prefers English, so assertions can quote the English sentences."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


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


SignIn = Callable[[Account], FlaskClient]


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def document(runtime: Runtime, number: str) -> Document:
    """The registry row of ``number``, for assertions."""
    with runtime.database.session() as session:
        return session.scalars(select(Document).where(Document.number == number)).one()
