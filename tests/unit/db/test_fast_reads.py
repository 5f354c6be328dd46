"""The public look-ups' read path answers exactly as a session does."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.support.values import certificate_values, diploma_values, transcript_values
from verifier.db.fast_reads import find_record, find_records
from verifier.documents import registry
from verifier.runtime import Runtime
from verifier.verification.service import Status, verify_number


def test_a_lookup_reads_the_same_record_as_a_session(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    numbers = [issue(diploma_values()), issue(transcript_values()), issue(certificate_values())]
    with runtime.database.transaction() as session:
        registry.revoke(session, numbers[0], reason="issued in error", actor="test")
    with runtime.database.session() as session:
        expected = find_records(session, numbers)
    found = {number: find_record(runtime.database.lookups, number) for number in numbers}
    assert found == expected and len(found) == 3


def test_a_lookup_of_several_numbers_reads_them_all(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    numbers = {issue(diploma_values()), issue(certificate_values())}
    assert set(find_records(runtime.database.lookups, numbers | {"KT9999999"})) == numbers


def test_a_lookup_of_a_missing_number_finds_nothing(runtime: Runtime) -> None:
    assert find_record(runtime.database.lookups, "KT9999999") is None


def test_a_failing_query_raises_as_sqlalchemy_and_answers_error(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue()
    with runtime.database.transaction() as session:
        session.execute(text("ALTER TABLE documents RENAME TO documents_gone"))
    with pytest.raises(DBAPIError):
        find_record(runtime.database.lookups, number)
    outcome = verify_number(runtime.database.lookups, number, surname="Gʻulomov")
    assert outcome.status is Status.ERROR
