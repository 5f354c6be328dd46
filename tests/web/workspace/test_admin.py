"""Administration pages (institutions, staff, API tokens, keys) and the auditors' trail."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pyotp
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests.support.values import diploma_values
from tests.support.workspace import PASSWORD, Account, english_client, form_post, log_in
from verifier.db.models import Event, Institution, SigningKey
from verifier.runtime import Runtime

SignIn = Callable[[Account], FlaskClient]


def text(response: object) -> str:
    return str(response.get_data(as_text=True))  # type: ignore[attr-defined]


def test_an_administrator_adds_an_institution(
    signed_in: SignIn, admin: Account, runtime: Runtime
) -> None:
    client = signed_in(admin)
    response = form_post(
        client,
        "/registrar/institutions",
        {"code": "tatt", "name_uz": "Toshkent texnikumi", "name_ru": "", "name_en": ""},
    )
    assert response.status_code == 302
    assert "TATT" in text(client.get("/registrar/institutions"))
    with runtime.database.session() as session:
        assert session.scalars(select(Institution.code)).all() == ["TATT"]
        event = session.scalars(select(Event).where(Event.kind == "institution_added")).one()
    assert event.actor == "admin@edu.uz (127.0.0.1)"


def test_a_new_account_gets_its_totp_enrolment_once_and_can_log_in(
    signed_in: SignIn, admin: Account, institution: str, app: object
) -> None:
    client = signed_in(admin)
    response = form_post(
        client,
        "/registrar/users",
        {"email": "new@tatt.uz", "role": "registrar", "institution": "TATT", "password": PASSWORD},
    )
    page = text(response)
    assert response.status_code == 201 and 'src="data:image/png;base64,' in page
    uri = re.search(r'id="otpauth-uri">([^<]+)<', page)
    assert uri is not None
    secret = pyotp.parse_uri(uri.group(1).replace("&amp;", "&")).secret
    assert secret not in text(client.get("/registrar/users"))  # never shown again
    fresh = english_client(app)  # type: ignore[arg-type]
    assert log_in(fresh, Account("new@tatt.uz", secret)).status_code == 302


def test_a_bad_account_request_is_refused_with_the_reason(
    signed_in: SignIn, admin: Account, institution: str
) -> None:
    response = form_post(
        signed_in(admin),
        "/registrar/users",
        {"email": "new@tatt.uz", "role": "registrar", "institution": "", "password": PASSWORD},
    )
    assert response.status_code == 422 and "a registrar needs" in text(response)


def test_a_refusal_is_shown_in_the_workspace_language_with_the_status_of_its_kind(
    signed_in: SignIn, admin: Account, institution: str
) -> None:
    client = signed_in(admin)
    client.get("/registrar/institutions?lang=ru")  # remembered for the visit
    again = {"code": institution, "name_uz": "Yana", "name_ru": "", "name_en": ""}
    clash = form_post(client, "/registrar/institutions", again)
    assert clash.status_code == 409
    assert f"учебное заведение {institution} уже существует" in text(clash)
    account = {"email": "new@tatt.uz", "role": "registrar", "institution": "", "password": PASSWORD}
    refused = form_post(client, "/registrar/users", account)
    assert refused.status_code == 422 and "регистратору нужен --institution CODE" in text(refused)


def test_an_api_token_is_shown_once_and_revoking_it_shuts_the_api(
    signed_in: SignIn, admin: Account, institution: str, client: FlaskClient
) -> None:
    signed_in(admin)
    response = form_post(client, "/registrar/api-tokens", {"institution": "TATT", "name": "SIS"})
    match = re.search(r'id="new-token">(vrf_[^<]+)<', text(response))
    assert response.status_code == 201 and match is not None
    secret = match.group(1)
    assert secret not in text(client.get("/registrar/api-tokens"))
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/documents/KT2400001", headers=headers).status_code == 404
    token_id = re.search(
        r"/registrar/api-tokens/(\d+)/revoke", text(client.get("/registrar/api-tokens"))
    )
    assert token_id is not None
    form_post(client, f"/registrar/api-tokens/{token_id.group(1)}/revoke", {})
    assert client.get("/api/v1/documents/KT2400001", headers=headers).status_code == 401


def test_an_administrator_rotates_the_signing_key(
    signed_in: SignIn, admin: Account, runtime: Runtime
) -> None:
    client = signed_in(admin)
    asked = form_post(client, "/registrar/keys/rotate", {})
    assert asked.status_code == 200 and "Yes, rotate the key" in text(asked)
    confirmed = form_post(client, "/registrar/keys/rotate", {"confirm": "yes"})
    assert confirmed.status_code == 302
    with runtime.database.session() as session:
        statuses = sorted(session.scalars(select(SigningKey.status)))
    assert statuses == ["active", "retired"]
    assert "retired (still verifies)" in text(client.get("/registrar/keys"))


def test_a_registrar_cannot_open_administration_pages(
    signed_in: SignIn, registrar: Account
) -> None:
    client = signed_in(registrar)
    for path in ("/registrar/institutions", "/registrar/users", "/registrar/api-tokens",
                 "/registrar/keys", "/registrar/audit"):  # fmt: skip
        assert client.get(path).status_code == 403, path


def test_an_auditor_reads_administration_pages_but_changes_nothing(
    signed_in: SignIn, auditor: Account, runtime: Runtime
) -> None:
    client = signed_in(auditor)
    for path in ("/registrar/institutions", "/registrar/users", "/registrar/api-tokens",
                 "/registrar/keys", "/registrar/audit"):  # fmt: skip
        page = text(client.get(path))
        assert (
            "<form" in page and 'method="post" action="/registrar/' not in page.split("logout")[-1]
        ), path
    refused = {
        "/registrar/institutions": {"code": "X", "name_uz": "X"},
        "/registrar/users": {"email": "a@b.uz", "role": "admin", "password": PASSWORD},
        "/registrar/api-tokens": {"institution": "TATT"},
        "/registrar/keys/rotate": {},
    }
    for path, data in refused.items():
        assert form_post(client, path, data).status_code == 403, path
    with runtime.database.session() as session:
        assert session.scalars(select(Institution)).all() == []


def test_the_audit_trail_filters_by_kind_actor_subject_and_date(
    signed_in: SignIn,
    auditor: Account,
    registrar: Account,
    issue: Callable[..., str],
    app: object,
) -> None:
    number = issue(diploma_values())
    worker = english_client(app)  # type: ignore[arg-type]
    log_in(worker, registrar)
    form_post(worker, f"/registrar/documents/{number}/revoke", {"reason": "x", "confirm": "yes"})
    client = signed_in(auditor)
    revoked = text(client.get("/registrar/audit?kind=revoked"))
    assert "1 events." in revoked and "registrar@tatt.uz (127.0.0.1)" in revoked
    assert "1 events." in text(client.get("/registrar/audit?actor=registrar@tatt&kind=login"))
    assert "2 events." in text(client.get(f"/registrar/audit?subject={number}"))
    assert "0 events." in text(client.get("/registrar/audit?to=2000-01-01"))
    bad = client.get("/registrar/audit?from=yesterday")
    assert bad.status_code == 200 and "Enter a date as YYYY-MM-DD." in text(bad)


def test_the_audit_trail_is_paginated(
    signed_in: SignIn, auditor: Account, runtime: Runtime
) -> None:
    from verifier.audit import events
    from verifier.audit.events import EventKind

    with runtime.database.transaction() as session:
        events.record_many(
            session,
            [events.encode(EventKind.DOWNLOADED, f"KT{n:07d}", {}) for n in range(60)],
            actor="test",
        )
    client = signed_in(auditor)
    assert "Page 1 of 2" in text(client.get("/registrar/audit?kind=downloaded"))
    second = text(client.get("/registrar/audit?kind=downloaded&page=2"))
    assert second.count("<td>PDF downloaded</td>") == 10


def test_the_registrar_api_is_in_the_openapi_document(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/documents", "/api/v1/documents/{number}",
            "/api/v1/documents/{number}/revoke"} <= set(document["paths"])  # fmt: skip
    assert document["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_the_audit_page_says_when_no_audit_has_been_recorded(
    signed_in: SignIn, auditor: Account
) -> None:
    page = text(signed_in(auditor).get("/registrar/audit"))
    assert "No audit has been recorded yet." in page


def test_the_audit_page_shows_the_last_verifier_audit_with_its_time(
    signed_in: SignIn, auditor: Account, issue: Callable[..., str], run: Callable[..., Any]
) -> None:
    issue()
    assert run("audit").exit_code == 0
    page = text(signed_in(auditor).get("/registrar/audit"))
    assert "Yes: the event chain is intact and every document matches its history." in page
    when = re.search(r"Audit of (\d{4}-\d\d-\d\d \d\d:\d\d) UTC by cli:", page)
    assert when is not None
    assert "4 events and 1 documents checked" in page  # auditor's account, key, institution, issue
    # The auditor's own log-in came after the audit: the page says it is not covered.
    assert "1 events were recorded after it" in page


def test_checking_the_chain_now_finds_an_altered_event(
    signed_in: SignIn, auditor: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    issue()
    client = signed_in(auditor)
    fresh = text(client.get("/registrar/audit/check"))
    assert "Yes: the event chain is intact" in fresh and "Checked just now: 5 events" in fresh
    with runtime.database.transaction() as session:
        session.execute(update(Event).where(Event.seq == 3).values(actor="someone else"))
    broken = text(client.get("/registrar/audit/check"))
    assert "No: the event chain is broken at event 3." in broken
    assert "the event was altered" in broken
    with runtime.database.session() as session:  # checking is reading: nothing recorded
        assert session.scalars(select(Event).where(Event.kind == "audit_run")).all() == []


def test_the_audit_trail_names_events_in_the_pages_language(
    signed_in: SignIn, auditor: Account, issue: Callable[..., str]
) -> None:
    issue()
    client = signed_in(auditor)
    for language, issued, logged_in in (
        ("en", "Issued", "Logged in"),
        ("ru", "Выдан", "Вход в систему"),
        ("uz", "Berilgan", "Tizimga kirdi"),
    ):
        page = text(client.get(f"/registrar/audit?lang={language}"))
        assert f"<td>{issued}</td>" in page and f"<td>{logged_in}</td>" in page, language
        assert not re.search(r">[0-9a-f]{64}<", page), language
