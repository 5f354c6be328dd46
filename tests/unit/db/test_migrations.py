"""Migration 0004: documents revoked before reason codes keep answering."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import text

from verifier.db import schema
from verifier.documents import registry
from verifier.runtime import Runtime
from verifier.verification.answers import outcome_json
from verifier.verification.service import verify_number


def _to(runtime: Runtime, revision: str, *, down: bool) -> None:
    config = schema.alembic_config(runtime.database.url)
    with runtime.database.engine.begin() as connection:
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
