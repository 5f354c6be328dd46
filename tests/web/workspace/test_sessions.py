"""Sessions end on the server: logout, a password change and disabling an account end
every session of that account at once, copies of the cookie included."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.support.workspace import Account, form_post
from verifier.db.models import StaffUser
from verifier.runtime import Runtime
from verifier.staff import accounts

PAGE = "/registrar/documents/"


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie (a stolen cookie)."""
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(name, cookie.value)
    assert thief.get(PAGE).status_code == 200
    return thief


def account(runtime: Runtime, email: str, change: Callable[..., None]) -> None:
    with runtime.database.transaction() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.email == email)).one()
        change(session, user)


def test_logout_ends_a_copied_cookie_too(
    app: Flask, signed_in: Callable[[Account], FlaskClient], registrar: Account
) -> None:
    client = signed_in(registrar)
    thief = copy_of(app, client)
    assert form_post(client, "/registrar/logout", {}).status_code == 302
    assert thief.get(PAGE).status_code == 302


def test_a_password_change_ends_every_session_of_the_account(
    app: Flask,
    runtime: Runtime,
    signed_in: Callable[[Account], FlaskClient],
    registrar: Account,
) -> None:
    client = signed_in(registrar)
    thief = copy_of(app, client)
    account(
        runtime,
        registrar.email,
        lambda s, u: accounts.change_password(s, u, "another long password 2", actor="test"),
    )
    assert client.get(PAGE).status_code == 302
    assert thief.get(PAGE).status_code == 302


def test_disabling_an_account_ends_every_session_of_it(
    app: Flask,
    runtime: Runtime,
    signed_in: Callable[[Account], FlaskClient],
    registrar: Account,
) -> None:
    client = signed_in(registrar)
    thief = copy_of(app, client)
    account(runtime, registrar.email, lambda s, u: accounts.set_disabled(s, u, True, actor="test"))
    account(runtime, registrar.email, lambda s, u: accounts.set_disabled(s, u, False, actor="test"))
    assert client.get(PAGE).status_code == 302  # re-enabling does not revive old sessions
    assert thief.get(PAGE).status_code == 302
