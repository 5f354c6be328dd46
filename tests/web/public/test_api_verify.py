"""JSON API v1 as the public contract states it: statuses, look-up rule, errors, languages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from verifier.config import Settings
from verifier.runtime import Runtime
from verifier.web.app import create_app

pytestmark = pytest.mark.usefixtures("demo_data")


def body(response: TestResponse) -> Any:
    """The JSON body, typed for indexing."""
    return json.loads(response.data)


OUTCOME_KEYS = {
    "status",
    "number",
    "checked_at",
    "document",
    "revocation",
    "superseded_by",
    "checks",
    "message",  # added: the status in the client's language
    "superseded_at",  # added: when a superseded document was replaced
}


def lookup(client: FlaskClient, **params: str) -> Any:
    return client.get("/api/v1/verify", query_string=params)


def test_a_genuine_diploma_is_valid_with_the_fields_to_compare(client: FlaskClient) -> None:
    response = lookup(client, number="KT2400101", surname="Gʻulomov")
    body = response.json
    assert response.status_code == 200 and set(body) == OUTCOME_KEYS
    assert body["status"] == "valid" and body["number"] == "KT2400101"
    document = body["document"]
    assert document["holder"] == {
        "surname": "Gʻulomov",
        "given_name": "Abdulla",
        "patronymic": "Rustam oʻgʻli",
    }
    assert document["birth_date"] == "2003-04-17"
    assert document["institution"]["name"]["en"].startswith("Tashkent Technical College")
    assert document["qualification"] == "Kompyuter tizimlari texnigi"
    assert body["checked_at"].endswith("Z")


def test_a_revoked_diploma_says_when_and_why(client: FlaskClient) -> None:
    body = lookup(client, number="KT2400103", surname="Qodirov").json
    assert body["status"] == "revoked"
    assert body["revocation"]["reason"] == "issued in error"
    assert body["revocation"]["code"] == "issued_in_error"
    assert body["revocation"]["date"].endswith("Z")


def test_a_superseded_diploma_names_its_replacement(client: FlaskClient) -> None:
    body = lookup(client, number="KT2400105", surname="Toʻxtayeva").json
    assert body["status"] == "superseded" and body["superseded_by"] == "KT2400905"
    assert lookup(client, number="KT2400905", surname="Toʻxtayeva").json["status"] == "valid"


def test_a_birth_date_can_stand_in_for_the_surname(client: FlaskClient) -> None:
    assert lookup(client, number="KT2400101", birth_date="2003-04-17").json["status"] == "valid"
    assert lookup(client, number="KT2400101", birth_date="2003-04-18").json["status"] == (
        "not_found"
    )


@pytest.mark.parametrize(
    ("number", "surname"),
    [
        ("KT 2400101", "GULOMOV"),
        ("kt-2400-101", "G'ulomov"),
        ("КТ2400101", "Ғуломов"),  # Cyrillic keyboard layout, Cyrillic surname
        ("  KT 24 00 101 ", "gulomov"),
    ],
)
def test_numbers_and_surnames_are_normalised_before_the_look_up(
    client: FlaskClient, number: str, surname: str
) -> None:
    assert lookup(client, number=number, surname=surname).json["status"] == "valid"


def test_a_certificate_and_a_transcript_are_found_like_diplomas(client: FlaskClient) -> None:
    certificate = lookup(client, number="MO2500201", surname="Karimova").json
    assert certificate["status"] == "valid"
    assert certificate["document"]["type"] == "certificate"
    assert certificate["document"]["hours"] == 144
    transcript = lookup(client, number="KTI2400101", surname="Gʻulomov").json
    assert transcript["document"]["diploma_number"] == "KT2400101"


def _without_time(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "checked_at"}


def test_a_wrong_surname_answers_exactly_like_a_missing_number(client: FlaskClient) -> None:
    wrong_holder = lookup(client, number="KT2400101", surname="Karimov")
    missing = lookup(client, number="KT2400999", surname="Karimov")
    assert wrong_holder.status_code == missing.status_code == 200
    assert body(wrong_holder)["status"] == "not_found" and body(wrong_holder)["document"] is None
    assert _without_time(wrong_holder.json) == {
        **_without_time(missing.json),
        "number": "KT2400101",
        # The offer of an inquiry is filled with what was asked, nothing else.
        "inquiry_url": missing.json["inquiry_url"].replace("KT2400999", "KT2400101"),
    }
    assert len(wrong_holder.data) == len(missing.data)


def test_a_number_alone_is_an_incomplete_request_naming_the_missing_field(
    client: FlaskClient,
) -> None:
    response = lookup(client, number="KT2400101", lang="en")
    assert response.status_code == 422
    assert body(response)["error"]["code"] == "missing_surname"
    assert body(response)["error"]["field"] == "surname"
    assert "surname" in body(response)["error"]["message"]


def test_no_number_is_an_incomplete_request(client: FlaskClient) -> None:
    response = lookup(client, surname="Gʻulomov")
    assert response.status_code == 422 and body(response)["error"]["code"] == "missing_number"


@pytest.mark.parametrize(
    "number",
    ["hello world", "1' OR '1'='1", "KT2400101; DROP TABLE documents", "ҚТ2400101", "KT٢٤٠٠١٠١"],
)
def test_garbage_numbers_are_malformed_requests(client: FlaskClient, number: str) -> None:
    response = lookup(client, number=number, surname="Gʻulomov")
    assert response.status_code == 400
    assert response.json == {
        "error": {
            "code": "malformed_number",
            "message": body(response)["error"]["message"],
            "field": "number",
        }
    }


def test_a_malformed_birth_date_is_a_malformed_request(client: FlaskClient) -> None:
    for date in ("17.04.2003", "2003-02-30", "20030417", "2003-W16-4", "２００３-04-17"):
        response = lookup(client, number="KT2400101", birth_date=date)
        assert response.status_code == 400, date
        assert body(response)["error"]["code"] == "malformed_birth_date"


def test_invalid_utf8_in_the_query_is_an_answer_not_a_crash(client: FlaskClient) -> None:
    response = client.get("/api/v1/verify?number=KT%FF%FE2400101&surname=%C0%AF")
    assert response.status_code == 400 and body(response)["error"]["code"] == "malformed_number"
    response = client.get("/api/v1/verify?number=KT2400101&surname=%FF%FE")
    assert response.status_code == 200 and body(response)["status"] == "not_found"


def test_a_10_kb_query_is_refused_as_too_long(client: FlaskClient) -> None:
    response = lookup(client, number="KT2400101", surname="A" * 10_000)
    assert response.status_code == 414 and body(response)["error"]["code"] == "uri_too_long"


def test_messages_follow_the_lang_parameter(client: FlaskClient) -> None:
    english = lookup(client, number="KT2400101", lang="en").json["error"]["message"]
    russian = lookup(client, number="KT2400101", lang="ru").json["error"]["message"]
    uzbek = lookup(client, number="KT2400101", lang="uz").json["error"]["message"]
    assert english.startswith("The holder's surname")
    assert russian.startswith("Вместе с номером")
    assert uzbek.startswith("Hujjat raqami bilan")


def test_messages_follow_accept_language_and_default_to_uzbek(client: FlaskClient) -> None:
    def message(header: str | None) -> str:
        headers = {"Accept-Language": header} if header else {}
        response = client.get(
            "/api/v1/verify", query_string={"number": "KT2400101", "surname": "X"}, headers=headers
        )
        return str(body(response)["message"])

    assert message("ru-RU,ru;q=0.9,en;q=0.8").startswith("В реестре нет")
    assert message("en-GB,en;q=0.5").startswith("The registry holds no")
    assert message("de-DE").startswith("Reyestrda")
    assert message(None).startswith("Reyestrda")


def test_the_database_down_answers_error_503_never_not_found(
    runtime: Runtime, tmp_path: Any
) -> None:
    down = create_app(
        Settings(
            database_url="postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=1",
            keys_dir=tmp_path / "keys",
            ratelimit="off",
        )
    ).test_client()
    response = lookup(down, number="KT2400101", surname="Gʻulomov")
    assert response.status_code == 503 and body(response)["status"] == "error"
    assert response.headers["Retry-After"]
    batch = down.post("/api/v1/verify", json={"queries": [{"number": "KT1", "surname": "X"}]})
    assert batch.status_code == 503 and body(batch)["results"][0]["status"] == "error"
    token = down.post("/api/v1/verify/token", json={"token": "a.b.c"})
    assert token.status_code in {200, 503}
    assert body(token).get("status") in {"error", "invalid"}


def test_answers_are_never_cached_by_shared_caches(client: FlaskClient) -> None:
    response = lookup(client, number="KT2400101", surname="Gʻulomov")
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_routes_and_methods_answer_in_the_error_shape(client: FlaskClient) -> None:
    missing = client.get("/api/v1/nothing")
    assert missing.status_code == 404 and body(missing)["error"]["code"] == "no_such_route"
    wrong = client.delete("/api/v1/verify")
    assert wrong.status_code == 405 and body(wrong)["error"]["code"] == "method_not_allowed"
    assert "GET" in wrong.headers["Allow"]


def test_the_error_codes_are_the_documented_ones(client: FlaskClient) -> None:
    documented = body(client.get("/api/v1/openapi.json"))["components"]["schemas"]["Error"]
    codes = set(documented["properties"]["error"]["properties"]["code"]["enum"])
    assert {"malformed_number", "missing_surname", "too_many_queries", "rate_limited"} <= codes


def test_batch_answers_match_single_answers(
    client: FlaskClient, qr_of: Callable[[str], str]
) -> None:
    queries = [
        {"number": "KT2400101", "surname": "Gʻulomov"},
        {"number": "KT2400103", "surname": "Qodirov"},
        {"number": "KT2400105", "surname": "Toʻxtayeva"},
        {"number": "KT2400101", "surname": "Wrong"},
        {"number": "KT2400101", "birth_date": "2003-04-17"},
    ]
    batch = body(client.post("/api/v1/verify", json={"queries": queries}))["results"]
    singles = [lookup(client, **query).json for query in queries]
    assert [_without_time(b) for b in batch] == [_without_time(s) for s in singles]
