"""The answer page for an archive record: what the issue book noted, and what it did not."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support.values import old_diploma
from verifier.archive import service as archive
from verifier.runtime import Runtime


def test_an_archive_answer_says_it_rests_on_an_issue_book_and_marks_what_is_not_recorded(
    runtime: Runtime, institution: str, client: FlaskClient
) -> None:
    with runtime.database.transaction() as session:
        archive.record(session, old_diploma(), actor="test")
    page = client.get(
        "/verify", query_string={"number": "KT 1200457", "surname": "Ergashev", "lang": "en"}
    ).get_data(as_text=True)
    assert "This is an archive record" in page
    assert page.count("not recorded") >= 2  # birth date and programme code
    assert "2012" in page and "day not recorded" in page


def test_the_json_answer_for_an_archive_record_names_its_origin(
    runtime: Runtime, institution: str, client: FlaskClient
) -> None:
    with runtime.database.transaction() as session:
        archive.record(session, old_diploma(), actor="test")
    body = client.get(
        "/api/v1/verify", query_string={"number": "KT1200457", "surname": "Ergashev"}
    ).json
    assert body is not None
    assert body["status"] == "valid" and body["document"]["origin"] == "archive"
    assert body["document"]["birth_date"] is None
