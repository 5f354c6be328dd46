"""Batch look-ups, token and PDF verification, keys: the rest of the JSON API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from jwcrypto import jwk, jws
from werkzeug.test import TestResponse

from verifier.keys import lifecycle
from verifier.runtime import Runtime

pytestmark = pytest.mark.usefixtures("demo_data")


def body(response: TestResponse) -> Any:
    """The JSON body, typed for indexing."""
    return json.loads(response.data)


def batch(client: FlaskClient, queries: Any) -> Any:
    return client.post("/api/v1/verify", json={"queries": queries})


def test_a_batch_answers_every_query_in_order(client: FlaskClient) -> None:
    response = batch(
        client,
        [
            {"number": "KT2400103", "surname": "Qodirov"},
            {"number": "KT2400101", "surname": "Gʻulomov"},
            {"number": "KT0000001", "surname": "Gʻulomov"},
        ],
    )
    assert response.status_code == 200
    assert [r["status"] for r in body(response)["results"]] == ["revoked", "valid", "not_found"]


def test_one_bad_query_does_not_fail_the_others(client: FlaskClient) -> None:
    results = batch(
        client,
        [
            {"number": "garbage!", "surname": "X"},
            {"number": "KT2400101", "surname": "Gʻulomov"},
            {"number": "KT2400101"},
            "not an object",
            {"number": 2400101, "surname": "X"},
        ],
    ).json["results"]
    assert results[0]["error"]["code"] == "malformed_number"
    assert results[1]["status"] == "valid"
    assert results[2]["error"]["code"] == "missing_surname"
    assert results[3]["error"]["code"] == "invalid_request"
    assert results[4]["error"]["code"] == "invalid_request"


def test_a_batch_of_1000_is_answered_and_1001_is_refused(client: FlaskClient) -> None:
    query = {"number": "KT2400101", "surname": "Gʻulomov"}
    full = batch(client, [query] * 1000)
    assert full.status_code == 200 and len(body(full)["results"]) == 1000
    over = batch(client, [query] * 1001)
    assert over.status_code == 422 and body(over)["error"]["code"] == "too_many_queries"


@pytest.mark.parametrize("text", ["[]", '"queries"', "42", "null", '{"queries": "KT1"}', "{}"])
def test_a_body_that_is_not_the_documented_object_is_422(client: FlaskClient, text: str) -> None:
    response = client.post("/api/v1/verify", data=text, content_type="application/json")
    assert response.status_code == 422
    assert body(response)["error"]["code"] == "invalid_request"


def test_unparseable_json_and_invalid_utf8_are_400(client: FlaskClient) -> None:
    for data in (b'{"queries": [', b'{"queries": ["\xff\xfe"]}', b"\xef\xbb\xbf\x00"):
        response = client.post("/api/v1/verify", data=data, content_type="application/json")
        assert response.status_code == 400, data
        assert body(response)["error"]["code"] == "invalid_json"


def test_a_body_that_is_not_json_is_415(client: FlaskClient) -> None:
    response = client.post("/api/v1/verify", data="number=KT2400101")
    assert response.status_code == 415
    assert body(response)["error"]["code"] == "unsupported_media_type"


def test_an_oversized_body_is_413_before_it_is_parsed(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/verify", data=b"[" * (600 * 1024), content_type="application/json"
    )
    assert response.status_code == 413 and body(response)["error"]["code"] == "too_large"
    token = client.post("/api/v1/verify/token", json={"token": "a" * 10_000})
    assert token.status_code == 413


def token_answer(client: FlaskClient, target: str) -> Any:
    response = client.post("/api/v1/verify/token", json={"token": target})
    assert response.status_code == 200
    return response.json


def test_a_genuine_token_or_its_qr_url_is_valid(
    client: FlaskClient, token_of: Callable[[str], str], qr_of: Callable[[str], str]
) -> None:
    assert token_answer(client, token_of("KT2400101"))["status"] == "valid"
    body = token_answer(client, qr_of("KT2400101"))
    assert body["status"] == "valid" and body["checks"]["signature"]["passed"]


def test_a_genuine_token_of_a_revoked_document_says_revoked(
    client: FlaskClient, token_of: Callable[[str], str]
) -> None:
    assert token_answer(client, token_of("KT2400103"))["status"] == "revoked"
    assert token_answer(client, token_of("KT2400105"))["superseded_by"] == "KT2400905"


def _change_one_payload_character(token: str) -> str:
    header, payload, signature = token.split(".")
    middle = len(payload) // 2
    swapped = "A" if payload[middle] != "A" else "B"
    return f"{header}.{payload[:middle]}{swapped}{payload[middle + 1 :]}.{signature}"


def test_a_token_with_one_changed_character_is_invalid(
    client: FlaskClient, token_of: Callable[[str], str]
) -> None:
    body = token_answer(client, _change_one_payload_character(token_of("KT2400101")))
    assert body["status"] == "invalid" and body["document"] is None


def test_a_token_spliced_with_another_documents_signature_is_invalid(
    client: FlaskClient, token_of: Callable[[str], str]
) -> None:
    mine, other = token_of("KT2400101").split("."), token_of("KT2400102").split(".")
    spliced = ".".join([mine[0], mine[1], other[2]])
    assert token_answer(client, spliced)["status"] == "invalid"


@pytest.mark.parametrize("target", ["", "   ", "garbage", "a.b.c", "https://evil.example/x"])
def test_garbage_tokens_are_invalid_or_missing_never_a_crash(
    client: FlaskClient, target: str
) -> None:
    response = client.post("/api/v1/verify/token", json={"token": target})
    if target.strip():
        assert response.status_code == 200 and body(response)["status"] == "invalid"
    else:
        assert response.status_code == 422 and body(response)["error"]["code"] == "missing_token"


def test_a_pdf_without_a_token_is_invalid(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/verify/pdf",
        data={"file": (_blank_pdf(), "scan.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert body(response)["status"] == "invalid"
    assert body(response)["checks"]["pdf"]["passed"] is False


def test_a_pdf_upload_needs_the_file_field(client: FlaskClient) -> None:
    response = client.post("/api/v1/verify/pdf", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and body(response)["error"]["code"] == "missing_file"
    as_json = client.post("/api/v1/verify/pdf", json={"file": "x"})
    assert as_json.status_code == 415


def _blank_pdf() -> Any:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "A scanned diploma with no embedded proof")
    page.save()
    buffer.seek(0)
    return buffer


def test_jwks_is_public_cacheable_and_verifies_our_tokens_with_jwcrypto(
    client: FlaskClient, token_of: Callable[[str], str]
) -> None:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in response.headers["Cache-Control"]
    keyset = jwk.JWKSet.from_json(response.get_data(as_text=True))
    token = jws.JWS()
    token.deserialize(token_of("KT2400101"))
    token.verify(keyset, alg="Ed25519")


def test_a_key_rotation_reaches_the_api_and_old_tokens_stay_valid(
    runtime: Runtime, client: FlaskClient, token_of: Callable[[str], str]
) -> None:
    with runtime.database.transaction() as session:
        lifecycle.rotate(session, runtime.keystore, actor="test")
    # A new app process sees the new key at once; running ones within seconds.
    from verifier.web.app import create_app

    fresh = create_app(runtime.settings).test_client()
    assert len(body(fresh.get("/.well-known/jwks.json"))["keys"]) == 2
    assert token_answer(fresh, token_of("KT2400101"))["status"] == "valid"
