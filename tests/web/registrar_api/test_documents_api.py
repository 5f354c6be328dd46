"""Registrar API: bearer tokens scoped to one institution, import rules, idempotency."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests.support.values import BASE_URL, diploma_values, transcript_values
from verifier.db.models import Document
from verifier.documents import registry
from verifier.keys import lifecycle
from verifier.runtime import Runtime
from verifier.staff import api_tokens
from verifier.verification.outcome import Status
from verifier.verification.service import verify_token


@pytest.fixture
def token(runtime: Runtime, institution: str) -> str:
    with runtime.database.transaction() as session:
        return api_tokens.create(session, institution, name="SIS", actor="test").secret


@pytest.fixture
def other_token(runtime: Runtime, institution: str) -> str:
    with runtime.database.transaction() as session:
        registry.add_institution(session, "SAMT", name_uz="Samarqand texnikumi", actor="test")
        return api_tokens.create(session, "SAMT", name="other", actor="test").secret


def post(client: FlaskClient, token: str, body: Any, **headers: str) -> TestResponse:
    """A request of a client that reads English (messages follow Accept-Language)."""
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en", **headers}
    return client.post("/api/v1/documents", json=body, headers=headers)


def js(response: TestResponse) -> Any:
    data = response.get_json()
    assert data is not None, response.data
    return data


def documents(runtime: Runtime) -> int:
    with runtime.database.session() as session:
        return session.scalar(select(func.count()).select_from(Document)) or 0


def api_values(**overrides: Any) -> dict[str, Any]:
    values = diploma_values(**overrides)
    values.pop("institution")  # the token says which institution
    return values


def test_one_document_is_issued_and_its_qr_url_verifies(
    client: FlaskClient, runtime: Runtime, token: str
) -> None:
    response = post(client, token, api_values())
    assert response.status_code == 201
    (document,) = js(response)["documents"]
    assert document["number"] == "KT2400001" and document["qr_url"].startswith(f"{BASE_URL}/v/")
    with runtime.database.session() as session:
        outcome = verify_token(session, document["qr_url"], lifecycle.keyring(session))
    assert outcome.status is Status.VALID


def test_a_list_is_issued_all_together(client: FlaskClient, token: str) -> None:
    body = [api_values(), {**transcript_values(), "institution": "TATT"}]
    assert js(post(client, token, body))["issued"] == ["KT2400001", "KTI2400001"]


def test_one_invalid_document_issues_nothing_and_names_row_and_field(
    client: FlaskClient, runtime: Runtime, token: str
) -> None:
    response = post(
        client, token, [api_values(), api_values(number="KT2", birth_date="2003-02-30")]
    )
    assert response.status_code == 422
    assert js(response)["error"]["code"] == "invalid_documents"
    assert js(response)["error"]["rows"] == [
        {
            "row": 2,
            "field": "birth_date",
            "code": "date_unreal",
            "message": "2003-02-30 is not a real date",
        }
    ]
    assert documents(runtime) == 0


def test_resending_the_same_document_changes_nothing(
    client: FlaskClient, runtime: Runtime, token: str
) -> None:
    post(client, token, api_values())
    again = post(client, token, api_values())
    assert again.status_code == 200 and js(again)["already_issued"] == ["KT2400001"]
    assert documents(runtime) == 1


def test_idempotency_key_replays_the_first_answer(client: FlaskClient, token: str) -> None:
    first = post(client, token, api_values(), **{"Idempotency-Key": "batch-42"})
    second = post(client, token, api_values(), **{"Idempotency-Key": "batch-42"})
    assert (second.status_code, js(second)) == (first.status_code, js(first))
    assert second.headers["Idempotent-Replayed"] == "true"


def test_idempotency_key_reused_for_another_body_is_a_conflict(
    client: FlaskClient, token: str
) -> None:
    post(client, token, api_values(), **{"Idempotency-Key": "k1"})
    response = post(client, token, api_values(number="KT2400002"), **{"Idempotency-Key": "k1"})
    assert response.status_code == 409 and js(response)["error"]["code"] == "idempotency_key_reused"


def test_a_token_cannot_issue_for_another_institution(
    client: FlaskClient, runtime: Runtime, other_token: str
) -> None:
    response = post(client, other_token, diploma_values())  # says institution TATT
    assert response.status_code == 422
    assert js(response)["error"]["rows"][0]["field"] == "institution"
    assert documents(runtime) == 0


def test_number_issued_to_another_person_is_refused(client: FlaskClient, token: str) -> None:
    post(client, token, api_values())
    response = post(client, token, api_values(surname="Karimov"))
    assert response.status_code == 422
    assert "different person" in js(response)["error"]["rows"][0]["message"]


@pytest.mark.parametrize("header", [None, "Bearer vrf_nope", "Basic dXNlcjpwYXNz"])
def test_missing_or_wrong_token_is_401(
    client: FlaskClient, institution: str, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.post("/api/v1/documents", json=api_values(), headers=headers)
    assert response.status_code == 401 and js(response)["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_401(client: FlaskClient, runtime: Runtime, token: str) -> None:
    with runtime.database.transaction() as session:
        api_tokens.revoke(
            session, api_tokens.authenticate(session, f"Bearer {token}").id, actor="t"
        )
    assert post(client, token, api_values()).status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/documents", "/api/v1/documents/KT2400001/revoke"])
@pytest.mark.parametrize("body", ["{not json", '{"reason": ""}', "[]"])
def test_a_stranger_is_refused_before_the_body_is_read(
    client: FlaskClient, institution: str, path: str, body: str
) -> None:
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 401 and js(response)["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("institution_value", [None, "", "  "])
def test_a_null_or_empty_institution_is_the_tokens_own(
    client: FlaskClient, token: str, institution_value: str | None
) -> None:
    response = post(client, token, {**api_values(), "institution": institution_value})
    assert response.status_code == 201, response.data


def test_body_that_is_not_json_is_415(client: FlaskClient, token: str) -> None:
    response = client.post(
        "/api/v1/documents", data="type=diploma", headers={"Authorization": f"Bearer {token}"},
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert response.status_code == 415


def test_more_than_1000_documents_is_refused(client: FlaskClient, token: str) -> None:
    assert post(client, token, [api_values()] * 1001).status_code == 422


def test_full_record_is_returned_to_its_own_institution(client: FlaskClient, token: str) -> None:
    post(client, token, {**transcript_values(), "institution": "TATT"})
    response = client.get(
        "/api/v1/documents/KTI 2400001", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    body = js(response)
    assert body["record"]["courses"][0] == {"name": "Oliy matematika", "hours": 216, "grade": "4"}
    assert [event["kind"] for event in body["history"]] == ["issued"]


def test_another_institutions_document_is_404_like_a_missing_one(
    client: FlaskClient, token: str, other_token: str
) -> None:
    post(client, token, api_values())
    theirs = client.get(
        "/api/v1/documents/KT2400001", headers={"Authorization": f"Bearer {other_token}"}
    )
    missing = client.get(
        "/api/v1/documents/KT9999999", headers={"Authorization": f"Bearer {other_token}"}
    )
    assert theirs.status_code == missing.status_code == 404
    assert js(theirs) == js(missing)


def test_revoke_needs_a_reason_and_then_revokes(client: FlaskClient, token: str) -> None:
    post(client, token, api_values())
    auth = {"Authorization": f"Bearer {token}"}
    assert (
        client.post("/api/v1/documents/KT2400001/revoke", json={}, headers=auth).status_code == 422
    )
    response = client.post(
        "/api/v1/documents/KT2400001/revoke", json={"reason": "Issued in error"}, headers=auth
    )
    assert response.status_code == 200 and js(response)["status"] == "revoked"
    again = client.post("/api/v1/documents/KT2400001/revoke", json={"reason": "x"}, headers=auth)
    assert again.status_code == 409


def test_revoke_takes_the_public_code_beside_the_internal_reason(
    client: FlaskClient, token: str
) -> None:
    post(client, token, api_values())
    auth = {"Authorization": f"Bearer {token}"}
    response = client.post(
        "/api/v1/documents/KT2400001/revoke",
        json={"reason": "note", "code": "issued_in_error"},
        headers=auth,
    )
    assert js(response)["revocation"]["code"] == "issued_in_error"


@pytest.mark.parametrize("reason", ["bad\u0000note", "bell\u0007", "\u0085\u0090x"])
def test_revoke_refuses_a_reason_with_control_characters_and_changes_nothing(
    client: FlaskClient, runtime: Runtime, token: str, reason: str
) -> None:
    post(client, token, api_values())
    auth = {"Authorization": f"Bearer {token}"}
    response = client.post(
        "/api/v1/documents/KT2400001/revoke", json={"reason": reason}, headers=auth
    )
    assert response.status_code == 422 and js(response)["error"]["field"] == "reason"
    with runtime.database.session() as session:
        assert registry.find_document(session, "KT2400001").status == "valid"  # type: ignore[union-attr]


def test_revoke_refuses_an_unknown_code(client: FlaskClient, token: str) -> None:
    post(client, token, api_values())
    auth = {"Authorization": f"Bearer {token}"}
    response = client.post(
        "/api/v1/documents/KT2400001/revoke", json={"reason": "x", "code": "forged"}, headers=auth
    )
    assert response.status_code == 422


def test_another_institution_cannot_revoke(
    client: FlaskClient, token: str, other_token: str
) -> None:
    post(client, token, api_values())
    response = client.post(
        "/api/v1/documents/KT2400001/revoke", json={"reason": "x"},
        headers={"Authorization": f"Bearer {other_token}"},
    )  # fmt: skip
    assert response.status_code == 404


def test_error_messages_follow_the_clients_language(client: FlaskClient, institution: str) -> None:
    response = client.post(
        "/api/v1/documents", json=api_values(), headers={"Accept-Language": "ru"}
    )
    assert js(response)["error"]["message"] == "Требуется действительный API-токен."


def test_row_messages_follow_the_clients_language(client: FlaskClient, token: str) -> None:
    body = [api_values(birth_date="2003-02-30", program_code="a b")]
    rows = js(post(client, token, body, **{"Accept-Language": "ru"}))["error"]["rows"]
    assert [(r["field"], r["code"]) for r in rows] == [
        ("program_code", "program_code"),
        ("birth_date", "date_unreal"),
    ]
    assert rows[1]["message"] == "2003-02-30 — несуществующая дата"


def test_a_clash_is_reported_on_its_own_row_after_an_invalid_one(
    client: FlaskClient, token: str
) -> None:
    post(client, token, api_values())
    body = [api_values(number="KT2", birth_date="x"), api_values(surname="Karimov")]
    rows = js(post(client, token, body))["error"]["rows"]
    assert [(r["row"], r["field"]) for r in rows] == [(1, "birth_date"), (2, "number")]
    assert "different person" in rows[1]["message"]


def test_revoking_twice_is_a_conflict_saying_why(client: FlaskClient, token: str) -> None:
    post(client, token, api_values())
    auth = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    client.post("/api/v1/documents/KT2400001/revoke", json={"reason": "x"}, headers=auth)
    again = client.post("/api/v1/documents/KT2400001/revoke", json={"reason": "x"}, headers=auth)
    assert again.status_code == 409
    assert js(again)["error"] == {"code": "conflict", "message": "KT2400001 is already revoked"}


def test_a_reason_too_long_is_invalid_reason_naming_the_field(
    client: FlaskClient, token: str
) -> None:
    post(client, token, api_values())
    auth = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    response = client.post(
        "/api/v1/documents/KT2400001/revoke", json={"reason": "x" * 501}, headers=auth
    )
    assert response.status_code == 422
    assert js(response)["error"] == {
        "code": "invalid_reason",
        "message": "the reason is too long (at most 500 characters)",
        "field": "reason",
    }


def test_an_unknown_revocation_code_is_invalid_reason_naming_the_code(
    client: FlaskClient, token: str
) -> None:
    post(client, token, api_values())
    auth = {"Authorization": f"Bearer {token}"}
    response = client.post(
        "/api/v1/documents/KT2400001/revoke", json={"reason": "x", "code": "forged"}, headers=auth
    )
    assert js(response)["error"]["code"] == "invalid_reason"
    assert js(response)["error"]["field"] == "code"


def test_a_malformed_number_is_400_malformed_number(client: FlaskClient, token: str) -> None:
    response = client.get("/api/v1/documents/KT-12x", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert js(response)["error"]["code"] == "malformed_number"
    assert js(response)["error"]["field"] == "number"


def test_a_401_names_the_bearer_scheme(client: FlaskClient, institution: str) -> None:
    response = client.get("/api/v1/documents/KT2400001")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="verifier"'
    assert js(response)["error"]["code"] == "unauthorized"
