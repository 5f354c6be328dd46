"""Fixtures: a fresh database per test (SQLite, and PostgreSQL when configured),
a runtime with a signing key, the Flask app and client, and a CLI runner."""

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
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from verifier import create_app, keys, registry, schema
from verifier.cli import cli
from verifier.config import Settings
from verifier.records import Record, parse_record
from verifier.runtime import Runtime

# Fixtures of the public site and API live beside their tests.
pytest_plugins = ["tests.web_fixtures", "tests.browser_fixtures"]

BASE_URL = "https://verify.example.uz"
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
        keys.ensure_key(session, runtime.keystore, actor="test")
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


def diploma_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": "diploma",
        "number": "KT 2400001",
        "surname": "Gʻulomov",
        "given_name": "Abdulla",
        "patronymic": "Rustam oʻgʻli",
        "birth_date": "2003-04-17",
        "institution": "TATT",
        "program_code": "60610500",
        "program_name": "Kompyuter injiniringi",
        "qualification": "Kompyuter tizimlari texnigi",
        "study_form": "kunduzgi",
        "start_date": "2021-09-01",
        "end_date": "2024-06-28",
        "issue_date": "2024-07-05",
        "honors": "false",
    }
    values.update(overrides)
    return values


def transcript_values(**overrides: Any) -> dict[str, Any]:
    values = diploma_values(type="transcript", number="KTI 2400001", diploma_number="KT 2400001")
    values.pop("honors")
    values["courses"] = [
        {"name": "Oliy matematika", "hours": 216, "grade": "4"},
        {"name": "Dasturlash asoslari", "hours": 288, "grade": "5"},
    ]
    values.update(overrides)
    return values


def certificate_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": "certificate",
        "number": "MO 2500001",
        "surname": "Karimova",
        "given_name": "Zulfiya",
        "patronymic": "Anvar qizi",
        "birth_date": "1985-02-14",
        "institution": "TATT",
        "course_name": "Raqamli pedagogik texnologiyalar",
        "hours": "144",
        "start_date": "2025-02-03",
        "end_date": "2025-02-28",
        "issue_date": "2025-03-03",
    }
    values.update(overrides)
    return values


def record(values: dict[str, Any]) -> Record:
    parsed = parse_record(values, 1)
    assert isinstance(parsed, Record), parsed
    return parsed


@pytest.fixture
def issue(runtime: Runtime, institution: str) -> Callable[..., str]:
    """Issue one document from import values; returns its canonical number."""

    def _issue(values: dict[str, Any] | None = None) -> str:
        rec = record(values or diploma_values())
        with runtime.database.transaction() as session:
            signer = keys.load_signer(session, runtime.keystore)
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
