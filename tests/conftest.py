"""Fixtures every kind of test shares: a fresh database per test (SQLite, and
PostgreSQL when configured), a runtime with a signing key, the Flask app and
client, a CLI runner, the demo registry, a live gunicorn server and staff accounts.

Helpers that are not fixtures live in ``tests/support/``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.orm import Session

from tests.support.servers import Server, start_gunicorn, stop
from tests.support.values import BASE_URL, diploma_values, record
from tests.support.workspace import Account, add_account, log_in
from verifier import demo
from verifier.cli import cli
from verifier.config import Settings
from verifier.db import schema
from verifier.db.models import Document
from verifier.documents import registry
from verifier.keys import lifecycle
from verifier.runtime import Runtime
from verifier.signing.tokens import qr_url
from verifier.web.app import create_app

PG_URL = os.environ.get("VERIFIER_TEST_DATABASE_URL")


def _postgres_schema_url(base: str) -> Iterator[str]:
    """A throw-away schema per test: as isolated as a database, much faster to make."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.sqlite3'}"
        return
    if not PG_URL:
        pytest.skip("VERIFIER_TEST_DATABASE_URL is not set (CI sets it to a PostgreSQL server)")
    yield from _postgres_schema_url(PG_URL)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        base_url=BASE_URL,
        keys_dir=tmp_path / "keys",
        instance_dir=tmp_path / "instance",
        ratelimit="off",
    )


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    runtime = Runtime(settings)
    schema.upgrade(runtime.database)
    with runtime.database.transaction() as session:
        lifecycle.ensure_key(session, runtime.keystore, actor="test")
    yield runtime
    runtime.database.dispose()


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    """A read session for assertions; writes go through ``runtime.database.transaction()``."""
    with runtime.database.session() as session:
        yield session


@pytest.fixture
def institution(runtime: Runtime) -> str:
    with runtime.database.transaction() as session:
        registry.add_institution(
            session,
            "TATT",
            name_uz="Toshkent axborot texnologiyalari texnikumi",
            name_ru="Ташкентский техникум информационных технологий",
            name_en="Tashkent Technical College of Information Technologies",
            actor="test",
        )
    return "TATT"


@pytest.fixture
def issue(runtime: Runtime, institution: str) -> Callable[..., str]:
    """Issue one document from import values; returns its canonical number."""

    def _issue(values: dict[str, Any] | None = None) -> str:
        rec = record(values or diploma_values())
        with runtime.database.transaction() as session:
            signer = lifecycle.load_signer(session, runtime.keystore)
            registry.issue(session, [rec], signer, actor="test")
        return rec.number

    return _issue


@pytest.fixture
def app(runtime: Runtime) -> Flask:
    app = create_app(runtime.settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def run(runtime: Runtime) -> Callable[..., Result]:
    """Invoke the CLI in-process against this test's runtime."""
    runner = CliRunner()

    def _run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), obj=runtime, input=input, catch_exceptions=False)

    return _run


@pytest.fixture
def demo_data(runtime: Runtime) -> None:
    """The sample registry of ``verifier demo``: every status has a document."""
    with runtime.database.transaction() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        demo.load(session, signer, actor="test")


@pytest.fixture
def token_of(runtime: Runtime) -> Callable[[str], str]:
    """The signed token printed in a document's QR code."""

    def _token(number: str) -> str:
        with runtime.database.session() as session:
            token = session.scalar(select(Document.token).where(Document.number == number))
        assert token is not None, number
        return token

    return _token


@pytest.fixture
def qr_of(runtime: Runtime, token_of: Callable[[str], str]) -> Callable[[str], str]:
    """The exact QR content of a document: ``{BASE_URL}/v/{token}``."""
    return lambda number: qr_url(runtime.settings.base_url, token_of(number))


@pytest.fixture
def live_server(runtime: Runtime, demo_data: None, tmp_path: Path) -> Iterator[Server]:
    """The demo registry served by real gunicorn workers, rate limits off."""
    server = start_gunicorn(runtime.settings, tmp_path)
    yield server
    stop(server)


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


@pytest.fixture
def signed_in(client: FlaskClient) -> Callable[[Account], FlaskClient]:
    """A client signed in as the given account."""

    def _sign_in(account: Account) -> FlaskClient:
        response = log_in(client, account)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _sign_in
