"""Migrations keep what the registry holds: answers, course lines, the audit."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from tests.support.values import diploma_values, transcript_values
from verifier.audit import replay
from verifier.db import schema
from verifier.db.models import Base
from verifier.documents import registry
from verifier.runtime import Runtime
from verifier.verification.answers import outcome_json
from verifier.verification.service import verify_number


def _to(runtime: Runtime, revision: str, *, down: bool) -> None:
    config = schema.alembic_config(runtime.database.url)
    with schema.migrating(runtime.database) as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_a_document_revoked_before_codes_answers_other_and_hides_its_text(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    issue()
    with runtime.database.transaction() as session:
        registry.revoke(session, "KT2400001", reason="typed long ago", actor="test")
    _to(runtime, "0003", down=True)
    _to(runtime, "head", down=False)
    with runtime.database.session() as session:
        code = session.execute(text("SELECT revocation_code FROM documents")).scalar_one()
        answer = outcome_json(verify_number(session, "KT2400001", surname="Gulomov"))
    assert code == "other"
    assert answer["revocation"]["code"] == "other" and "typed" not in str(answer)


def test_archive_records_migration_keeps_every_document_and_its_course_lines(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    # SQLite rebuilds the documents table to relax its columns: its course lines,
    # which cascade from it, must survive (and the audit must still hold).
    issue(diploma_values())
    number = issue(transcript_values())
    _to(runtime, "0005_session_generation", down=True)
    _to(runtime, "head", down=False)
    with runtime.database.session() as session:
        lines = session.execute(text("SELECT COUNT(*) FROM course_lines")).scalar_one()
        origins = set(session.execute(text("SELECT origin FROM documents")).scalars())
        answer = outcome_json(verify_number(session, number, surname="Gulomov"))
        report = replay.run(session)
    assert lines == 2 and origins == {"registry"}
    assert answer["status"] == "valid" and len(answer["document"]["courses"]) == 2
    assert report.intact


def test_the_migrations_build_the_schema_the_models_describe(runtime: Runtime) -> None:
    with runtime.database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
