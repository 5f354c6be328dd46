"""The public look-ups' fast path (db/fast_reads.py) answers exactly as the plain Core read does."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.support.values import certificate_values, diploma_values, transcript_values
from verifier.documents import registry
from verifier.documents.reads import find, find_one
from verifier.runtime import Runtime
from verifier.verification.outcome import Status
from verifier.verification.service import verify_number


def test_a_lookup_reads_the_same_record_as_a_session(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    numbers = [issue(diploma_values()), issue(transcript_values()), issue(certificate_values())]
    with runtime.database.transaction() as session:
        registry.revoke(session, numbers[0], reason="issued in error", actor="test")
    with runtime.database.session() as session:
        expected = find(session, numbers)
    found = {number: find_one(runtime.lookups, number) for number in numbers}
    assert found == expected and len(found) == 3


def test_a_lookup_of_several_numbers_reads_them_all(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    numbers = {issue(diploma_values()), issue(certificate_values())}
    assert set(find(runtime.lookups, numbers | {"KT9999999"})) == numbers


def test_a_lookup_of_a_missing_number_finds_nothing(runtime: Runtime) -> None:
    assert find_one(runtime.lookups, "KT9999999") is None


def test_a_failing_query_raises_as_sqlalchemy_and_answers_error(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue()
    with runtime.database.transaction() as session:
        session.execute(text("ALTER TABLE documents RENAME TO documents_gone"))
    with pytest.raises(DBAPIError):
        find_one(runtime.lookups, number)
    outcome = verify_number(runtime.lookups, number, surname="Gʻulomov")
    assert outcome.status is Status.ERROR
