"""Hostile requests answer 4xx, never 500 (issue 13, point 9)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from flask.testing import FlaskClient

from tests.support.workspace import Account, csrf_token, log_in
from verifier.keys import lifecycle
from verifier.runtime import Runtime
from verifier.signing import tokens
from verifier.staff import api_tokens
from verifier.vocabulary import DocumentType

DEEP = "[" * 3000 + "]" * 3000


def post_json(client: FlaskClient, path: str, body: str) -> int:
    return client.post(path, data=body, content_type="application/json").status_code


def test_deeply_nested_json_is_400_on_the_batch_route(client: FlaskClient) -> None:
    assert post_json(client, "/api/v1/verify", '{"queries": ' + DEEP + "}") == 400


def test_deeply_nested_json_is_400_on_the_token_route(client: FlaskClient) -> None:
    assert post_json(client, "/api/v1/verify/token", '{"token": ' + DEEP + "}") == 400


def test_deeply_nested_json_is_400_on_the_registrar_api(
    client: FlaskClient, runtime: Runtime, institution: str
) -> None:
    with runtime.database.transaction() as session:
        token = api_tokens.create(session, institution, name="SIS", actor="test").secret
    response = client.post(
        "/api/v1/documents",
        data=DEEP,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400


def test_deeply_nested_json_from_a_stranger_is_not_even_read(client: FlaskClient) -> None:
    # Who asks comes first (as on revoke): a stranger's body is never parsed.
    assert post_json(client, "/api/v1/documents", DEEP) == 401


def test_a_lone_surrogate_in_a_member_name_is_400(client: FlaskClient) -> None:
    assert post_json(client, "/api/v1/verify/token", '{"\\ud800": 1, "token": "a.b.c"}') == 400


def test_a_lone_surrogate_in_a_value_is_400(client: FlaskClient) -> None:
    assert post_json(client, "/api/v1/verify/token", '{"token": "\\udc00"}') == 400


def test_a_non_ascii_digit_page_number_is_page_one(
    signed_in: Callable[[Account], FlaskClient], registrar: Account
) -> None:
    assert signed_in(registrar).get("/registrar/documents/?page=²").status_code == 200


def test_cr_lf_in_next_after_log_in_redirects_home(client: FlaskClient, registrar: Account) -> None:
    reply = client.post(
        "/registrar/login?next=/registrar/%0d%0aSet-Cookie:x=1",
        data={
            "csrf_token": csrf_token(client),
            "email": registrar.email,
            "password": "correct horse battery staple",
            "code": registrar.code(),
        },
    )
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/registrar/"


def test_locked_reads_the_same_for_an_account_that_does_not_exist(
    client: FlaskClient, registrar: Account
) -> None:
    pages = {}
    for email in (registrar.email, "nobody@edu.uz"):
        account = Account(email, registrar.secret)
        for _ in range(6):
            reply = log_in(client, account, password="wrong password here")
        page = reply.get_data(as_text=True).replace(email, "EMAIL")
        pages[email] = re.sub(r'name="csrf_token" value="[^"]+"', "", page)
    assert "15" in pages[registrar.email]
    assert pages[registrar.email] == pages["nobody@edu.uz"]


def test_a_token_of_a_compromised_key_for_an_unknown_number_is_invalid(
    client: FlaskClient, runtime: Runtime
) -> None:
    with runtime.database.transaction() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        kid = signer.kid
        lifecycle.compromise(session, runtime.keystore, kid, at=dt.datetime.now(dt.UTC), actor="t")
    claims = tokens.Claims(
        type=DocumentType.DIPLOMA,
        number="KT9999991",
        surname="Forged",
        given_name="Person",
        birth_date=dt.date(2000, 1, 1),
        institution="TATT",
        issue_date=dt.date(2020, 1, 1),
    )
    token = tokens.sign(claims, signer)
    with runtime.database.session() as session:
        assert lifecycle.keyring(session).get(kid).status.value == "compromised"
    reply = client.post("/api/v1/verify/token", json={"token": token})
    assert reply.get_json()["status"] == "invalid"
