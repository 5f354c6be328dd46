"""Staff workspace: log-in with password + TOTP, sessions, CSRF, roles, and documents.

Every refusal is checked for three things: the person is told, the attempt is
logged, and the registry is unchanged.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.support.values import certificate_values, diploma_values, record
from tests.support.workspace import (
    PASSWORD,
    Account,
    SignIn,
    csrf_token,
    document,
    english_client,
    form_post,
    log_in,
    text,
)
from verifier.db.models import Document, Event, StaffUser
from verifier.documents import registry
from verifier.keys import lifecycle
from verifier.runtime import Runtime
from verifier.web.app import create_app

GENERIC_REFUSAL = "The e-mail address, password or code is wrong."


# A CSRF token is signed with the current second: two pages rendered across a
# second boundary differ there and nowhere else.
_CSRF_VALUE = re.compile(r'(name="csrf_token" value=")[^"]*')


def same_page(first: str, second: str) -> bool:
    return _CSRF_VALUE.sub(r"\1", first) == _CSRF_VALUE.sub(r"\1", second)


def events_of(runtime: Runtime, kind: str) -> list[Event]:
    with runtime.database.session() as session:
        return list(session.scalars(select(Event).where(Event.kind == kind).order_by(Event.seq)))


# --- logging in and out ---------------------------------------------------------------


def test_a_registrar_logs_in_with_password_and_totp_code(
    client: FlaskClient, registrar: Account, runtime: Runtime
) -> None:
    response = log_in(client, registrar)
    assert response.status_code == 302
    assert response.headers["Location"] == "/registrar/"
    page = client.get("/registrar/documents/")
    assert page.status_code == 200 and "registrar@tatt.uz" in text(page)
    (login,) = events_of(runtime, "login")
    assert login.actor == "registrar@tatt.uz" and '"source":"127.0.0.1"' in login.payload


def test_a_wrong_password_is_refused_with_the_generic_message_and_logged(
    client: FlaskClient, registrar: Account, runtime: Runtime
) -> None:
    response = log_in(client, registrar, password="not the password at all")
    assert response.status_code == 401 and GENERIC_REFUSAL in text(response)
    assert client.get("/registrar/documents/").status_code == 302
    (failed,) = events_of(runtime, "login_failed")
    assert "wrong password" in failed.payload and "127.0.0.1" in failed.payload


def test_a_wrong_totp_code_is_refused_with_the_same_message(
    client: FlaskClient, registrar: Account, runtime: Runtime
) -> None:
    wrong = f"{(int(registrar.code()) + 1) % 1_000_000:06d}"
    response = log_in(client, registrar, code=wrong)
    assert response.status_code == 401 and GENERIC_REFUSAL in text(response)
    assert "wrong code" in events_of(runtime, "login_failed")[0].payload


def test_an_unknown_email_gets_the_same_message_as_a_wrong_password(
    client: FlaskClient, registrar: Account
) -> None:
    stranger = Account("nobody@tatt.uz", registrar.secret)
    response = log_in(client, stranger)
    assert response.status_code == 401 and GENERIC_REFUSAL in text(response)


def test_a_replayed_totp_code_is_refused(app: Any, registrar: Account, runtime: Runtime) -> None:
    code = registrar.code()
    first, second = english_client(app), english_client(app)
    assert log_in(first, registrar, code=code).status_code == 302
    replay = log_in(second, registrar, code=code)
    assert replay.status_code == 401 and GENERIC_REFUSAL in text(replay)
    assert "code already used" in events_of(runtime, "login_failed")[0].payload


def test_five_failures_lock_the_account_and_say_so(
    client: FlaskClient, registrar: Account, runtime: Runtime
) -> None:
    for _ in range(5):
        log_in(client, registrar, password="wrong password, again")
    response = log_in(client, registrar)  # even the right credentials now
    assert response.status_code == 401 and "locked for 15 minutes" in text(response)
    with runtime.database.session() as session:
        user = session.scalars(select(StaffUser)).one()
    assert user.locked_until is not None


def test_log_in_without_a_csrf_token_is_refused(client: FlaskClient, registrar: Account) -> None:
    response = client.post(
        "/registrar/login",
        data={"email": registrar.email, "password": PASSWORD, "code": registrar.code()},
    )
    assert response.status_code == 400 and "did not come from this site" in text(response)
    assert client.get("/registrar/documents/").status_code == 302


def test_log_out_is_a_post_that_ends_the_session(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    client = signed_in(registrar)
    assert client.get("/registrar/logout").status_code == 405
    assert client.get("/registrar/documents/").status_code == 200
    response = form_post(client, "/registrar/logout", {})
    assert response.status_code == 302
    assert client.get("/registrar/documents/").status_code == 302
    assert events_of(runtime, "logout")[0].actor == "registrar@tatt.uz (127.0.0.1)"


def _age_session(client: FlaskClient, *, idle: int = 0, since_login: int = 0) -> None:
    with client.session_transaction() as session:
        now = int(time.time())
        session["staff"] = {**session["staff"], "seen": now - idle, "at": now - since_login}


def test_a_session_expires_after_30_idle_minutes(signed_in: SignIn, registrar: Account) -> None:
    client = signed_in(registrar)
    _age_session(client, idle=31 * 60, since_login=31 * 60)
    response = client.get("/registrar/documents/")
    assert response.status_code == 302 and "expired=1" in response.headers["Location"]
    assert "Your session has expired" in text(client.get(response.headers["Location"]))


def test_a_session_ends_after_8_hours_even_when_active(
    signed_in: SignIn, registrar: Account
) -> None:
    client = signed_in(registrar)
    _age_session(client, idle=60, since_login=8 * 3600 + 60)
    assert client.get("/registrar/documents/").status_code == 302


def test_an_active_session_stays_open(signed_in: SignIn, registrar: Account) -> None:
    client = signed_in(registrar)
    _age_session(client, idle=29 * 60, since_login=7 * 3600)
    assert client.get("/registrar/documents/").status_code == 200


def test_the_session_cookie_is_httponly_samesite_lax_and_secure_over_https(
    client: FlaskClient, registrar: Account
) -> None:
    # The test settings have an https:// base URL, as production must.
    response = log_in(client, registrar)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_workspace_pages_are_not_cached(signed_in: SignIn, registrar: Account) -> None:
    assert signed_in(registrar).get("/registrar/documents/").headers["Cache-Control"] == "no-store"


def test_every_workspace_page_needs_a_log_in(client: FlaskClient, institution: str) -> None:
    for path in ("/registrar/", "/registrar/documents/", "/registrar/imports/", "/registrar/audit"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/registrar/login")


def test_after_log_in_the_page_asked_for_opens_but_never_another_site(
    client: FlaskClient, registrar: Account, admin: Account
) -> None:
    token = csrf_token(client)
    response = client.post(
        "/registrar/login?next=//evil.example/registrar/",
        data={"csrf_token": token, "email": registrar.email, "password": PASSWORD,
              "code": registrar.code()},
    )  # fmt: skip
    assert response.headers["Location"] == "/registrar/"


def test_the_chosen_language_is_kept_across_workspace_pages(
    signed_in: SignIn, registrar: Account
) -> None:
    client = signed_in(registrar)
    assert 'lang="ru"' in text(client.get("/registrar/documents/?lang=ru"))
    page = client.get("/registrar/imports/", headers={"Accept-Language": "en"})
    assert '<html lang="ru">' in text(page) and "Импорт" in text(page)


# --- documents ------------------------------------------------------------------------


def test_search_finds_a_holder_in_any_spelling(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str]
) -> None:
    issue()  # Gʻulomov Abdulla
    client = signed_in(registrar)
    for spelling in ("Gulomov", "Ғуломов", "G'ULOMOV abdulla", "Гулямов"):
        page = text(client.get("/registrar/documents/", query_string={"name": spelling}))
        assert "KT2400001" in page, spelling
    assert "KT2400001" not in text(client.get("/registrar/documents/?name=Karimova"))


def test_search_filters_by_number_issue_date_and_status(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str]
) -> None:
    issue()
    issue(certificate_values())  # MO2500001, issued 2025-03-03
    client = signed_in(registrar)
    assert "MO2500001" not in text(client.get("/registrar/documents/?number=kt 24"))
    dated = text(client.get("/registrar/documents/?issued_from=2025-01-01&issued_to=2025-12-31"))
    assert "MO2500001" in dated and "KT2400001" not in dated
    assert "1 documents found" in text(
        client.get("/registrar/documents/?status=valid&type=diploma")
    )
    assert "0 documents found" in text(client.get("/registrar/documents/?status=revoked"))


def test_search_results_are_paginated(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    records = [record(diploma_values(number=f"KT24{index:05d}")) for index in range(55)]
    with runtime.database.transaction() as session:
        registry.issue(
            session, records, lifecycle.load_signer(session, runtime.keystore), actor="t"
        )
    client = signed_in(registrar)
    first = text(client.get("/registrar/documents/"))
    assert "55 documents found" in first and "Page 1 of 2" in first
    second = text(client.get("/registrar/documents/?page=2"))
    assert second.count('href="/registrar/documents/KT') == 5


def test_a_document_page_shows_its_history(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str]
) -> None:
    number = issue()
    page = text(signed_in(registrar).get(f"/registrar/documents/{number}"))
    assert "History" in page and "<td>Issued</td>" in page and "Gʻulomov" in page


def test_a_registrar_never_sees_another_institutions_documents(
    signed_in: SignIn,
    other_registrar: Account,
    issue: Callable[..., str],
    runtime: Runtime,
) -> None:
    number = issue()  # TATT's
    client = signed_in(other_registrar)  # SAMT's registrar
    assert number not in text(client.get("/registrar/documents/?name=Gulomov"))
    assert "0 documents found" in text(client.get(f"/registrar/documents/?number={number}"))
    missing = client.get("/registrar/documents/KT9999999")
    foreign = client.get(f"/registrar/documents/{number}")
    assert foreign.status_code == missing.status_code == 404
    assert same_page(text(foreign).replace(number, "N"), text(missing).replace("KT9999999", "N"))


def test_a_registrar_cannot_change_or_print_another_institutions_document(
    signed_in: SignIn,
    other_registrar: Account,
    issue: Callable[..., str],
    runtime: Runtime,
) -> None:
    number = issue()
    client = signed_in(other_registrar)
    attempts = {
        f"/registrar/documents/{number}/revoke": {"reason": "spite", "confirm": "yes"},
        f"/registrar/documents/{number}/reissue": {"new_number": "KT2400999", "confirm": "yes"},
        f"/registrar/documents/{number}/pdf": {},
    }
    for path, data in attempts.items():
        assert form_post(client, path, data).status_code == 404, path
    assert document(runtime, number).status == "valid"
    assert len(events_of(runtime, "access_refused")) == 3
    assert events_of(runtime, "downloaded") == []


def test_a_registrar_cannot_issue_for_another_institution(
    signed_in: SignIn, registrar: Account, runtime: Runtime, other_institution: str
) -> None:
    client = signed_in(registrar)
    values = {k: v for k, v in diploma_values(institution="SAMT").items() if k != "honors"}
    response = form_post(client, "/registrar/documents/new", values)
    assert response.status_code == 403 and "does not allow" in text(response)
    assert events_of(runtime, "issued") == []
    assert events_of(runtime, "access_refused")[0].actor == "registrar@tatt.uz (127.0.0.1)"


def test_revoking_needs_a_reason(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    client = signed_in(registrar)
    path = f"/registrar/documents/{number}/revoke"
    response = form_post(client, path, {"reason": "   ", "confirm": "yes"})
    assert response.status_code == 422 and "Give the reason for revoking." in text(response)
    assert document(runtime, number).status == "valid"


def test_revoking_asks_for_confirmation_before_changing_anything(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    client = signed_in(registrar)
    page = form_post(client, f"/registrar/documents/{number}/revoke", {"reason": "Issued in error"})
    assert page.status_code == 200 and "Yes, revoke it" in text(page)
    assert document(runtime, number).status == "valid"


def test_a_confirmed_revocation_records_who_from_where_and_why(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    client = signed_in(registrar)
    response = form_post(
        client,
        f"/registrar/documents/{number}/revoke",
        {"reason": "Issued in error", "confirm": "yes"},
    )
    assert response.status_code == 302
    assert document(runtime, number).revocation_reason == "Issued in error"
    (revoked,) = events_of(runtime, "revoked")
    assert revoked.actor == "registrar@tatt.uz (127.0.0.1)" and "Issued in error" in revoked.payload
    assert "is revoked" in text(client.get(response.headers["Location"]))


def test_a_stale_csrf_token_is_refused_and_changes_nothing(
    client: FlaskClient, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    stale = csrf_token(client)  # from the anonymous session before logging in
    assert log_in(client, registrar).status_code == 302
    response = client.post(
        f"/registrar/documents/{number}/revoke",
        data={"csrf_token": stale, "reason": "Issued in error", "confirm": "yes"},
    )
    assert response.status_code == 400 and "Nothing was changed" in text(response)
    assert document(runtime, number).status == "valid"


def test_a_missing_csrf_token_is_refused_and_changes_nothing(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    response = signed_in(registrar).post(
        f"/registrar/documents/{number}/revoke", data={"reason": "x", "confirm": "yes"}
    )
    assert response.status_code == 400
    assert document(runtime, number).status == "valid"


def test_reissuing_gives_a_new_number_and_supersedes_the_old(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    client = signed_in(registrar)
    path = f"/registrar/documents/{number}/reissue"
    confirm = form_post(client, path, {"new_number": "kt 2400905", "reason": "Lost original"})
    assert "Yes, reissue it" in text(confirm) and document(runtime, number).status == "valid"
    response = form_post(
        client, path, {"new_number": "KT2400905", "reason": "Lost original", "confirm": "yes"}
    )
    assert response.headers["Location"] == "/registrar/documents/KT2400905"
    assert document(runtime, number).superseded_by == "KT2400905"
    assert document(runtime, "KT2400905").status == "valid"


def test_reissuing_to_the_same_number_is_refused_before_the_confirmation_step(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    client = signed_in(registrar)
    path = f"/registrar/documents/{number}/reissue"
    response = form_post(client, path, {"new_number": "kt-2400001"})
    assert response.status_code == 422 and "A duplicate needs a new number." in text(response)
    assert "Yes, reissue it" not in text(response)
    assert document(runtime, number).status == "valid"


def test_reissuing_to_an_issued_number_is_refused_before_the_confirmation_step(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    taken = issue(diploma_values(number="KT2400002"))
    client = signed_in(registrar)
    response = form_post(client, f"/registrar/documents/{number}/reissue", {"new_number": taken})
    assert response.status_code == 409 and "KT2400002 is already issued." in text(response)
    assert "Yes, reissue it" not in text(response)
    assert 'value="KT2400002"' in text(response)  # what was typed stays in the form


def test_a_malformed_new_number_is_refused_with_what_a_number_looks_like(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str]
) -> None:
    number = issue()
    client = signed_in(registrar)
    response = form_post(client, f"/registrar/documents/{number}/reissue", {"new_number": "24KT"})
    assert response.status_code == 422 and "1-4 letters then digits" in text(response)


def test_a_revocation_reason_over_500_characters_is_refused_and_kept(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    client = signed_in(registrar)
    reason = "x" * 501
    response = form_post(
        client, f"/registrar/documents/{number}/revoke", {"reason": reason, "confirm": "yes"}
    )
    assert response.status_code == 422 and "at most 500 characters" in text(response)
    assert reason in text(response)
    assert document(runtime, number).status == "valid"


def test_an_unknown_public_reason_is_refused(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    client = signed_in(registrar)
    response = form_post(
        client,
        f"/registrar/documents/{number}/revoke",
        {"reason": "x", "code": "because", "confirm": "yes"},
    )
    assert response.status_code == 422 and "Choose the reason the public sees." in text(response)
    assert document(runtime, number).status == "valid"


def test_the_history_names_events_in_words_and_shortens_digests(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str]
) -> None:
    number = issue()
    client = signed_in(registrar)
    form_post(client, f"/registrar/documents/{number}/revoke", {"reason": "x", "confirm": "yes"})
    page = text(client.get(f"/registrar/documents/{number}"))
    assert "<td>Issued</td>" in page and "<td>Revoked</td>" in page
    assert "Reason the public sees: Other reasons (ask the issuing institution)" in page
    digest = re.search(r'class="digest" title="([0-9a-f]{64})">([0-9a-f]{10})…<', page)
    assert digest is not None and digest.group(1).startswith(digest.group(2))
    assert page.count(digest.group(1)) == 1  # only in the tooltip
    russian = text(client.get(f"/registrar/documents/{number}?lang=ru"))
    assert "<td>Выдан</td>" in russian and "<td>Отозван</td>" in russian


def test_the_issue_form_shows_a_message_beside_each_bad_field(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    client = signed_in(registrar)
    values = diploma_values(birth_date="2003-02-30", number="KT")
    values.pop("institution")
    response = form_post(client, "/registrar/documents/new", values)
    page = text(response)
    assert response.status_code == 422
    assert 'id="birth_date-error"' in page and 'id="number-error"' in page
    assert 'value="Gʻulomov"' in page  # what was typed is kept
    assert events_of(runtime, "issued") == []


def test_the_issue_form_issues_a_valid_document(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    client = signed_in(registrar)
    values = diploma_values()
    values.pop("institution")
    values.pop("honors")
    response = form_post(client, "/registrar/documents/new", values)
    assert response.headers["Location"] == "/registrar/documents/KT2400001"
    assert events_of(runtime, "issued")[0].actor == "registrar@tatt.uz (127.0.0.1)"


def test_the_issue_form_takes_a_transcripts_courses_one_per_line(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    client = signed_in(registrar)
    values = diploma_values(type="transcript", number="KTI 2400001", diploma_number="KT2400001")
    values.pop("institution")
    values.pop("honors")
    values["courses"] = "Oliy matematika; 216; 4\nDasturlash asoslari; 288; 5"
    response = form_post(client, "/registrar/documents/new", values)
    assert response.status_code == 302, text(response)
    with runtime.database.session() as session:
        transcript = session.scalars(select(Document).where(Document.number == "KTI2400001")).one()
        names = [c.name for c in transcript.courses]
    assert names == ["Oliy matematika", "Dasturlash asoslari"]


def test_downloading_a_pdf_is_recorded(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    response = form_post(signed_in(registrar), f"/registrar/documents/{number}/pdf", {})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == f'attachment; filename="{number}.pdf"'
    (downloaded,) = events_of(runtime, "downloaded")
    assert downloaded.subject == number and "127.0.0.1" in downloaded.payload


def test_a_revoked_document_is_not_printed(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    client = signed_in(registrar)
    form_post(client, f"/registrar/documents/{number}/revoke", {"reason": "x", "confirm": "yes"})
    response = form_post(client, f"/registrar/documents/{number}/pdf", {})
    assert response.status_code == 409 and "not printed" in text(response)
    assert events_of(runtime, "downloaded") == []


def test_an_auditor_reads_every_institution_but_changes_nothing(
    signed_in: SignIn,
    auditor: Account,
    issue: Callable[..., str],
    runtime: Runtime,
) -> None:
    number = issue()
    client = signed_in(auditor)
    assert client.get(f"/registrar/documents/{number}").status_code == 200
    assert number in text(client.get("/registrar/documents/"))
    for path, data in {
        f"/registrar/documents/{number}/revoke": {"reason": "x", "confirm": "yes"},
        f"/registrar/documents/{number}/pdf": {},
        "/registrar/documents/new": diploma_values(),
    }.items():
        assert form_post(client, path, data).status_code == 403, path
    assert document(runtime, number).status == "valid"


def test_the_log_in_form_is_throttled_per_address_but_workspace_pages_are_not(
    runtime: Runtime, registrar: Account
) -> None:
    # Registrars share office addresses: the public look-up budget must not apply to
    # them, while guessing passwords from one address is slowed down.
    client = english_client(create_app(runtime.settings.with_overrides(ratelimit="2/minute")))
    assert [client.get("/registrar/login").status_code for _ in range(4)] == [200] * 4
    statuses = [log_in(client, registrar, password="guess " * 3).status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    assert client.get("/").status_code == 200  # the public budget is untouched


def test_pages_of_the_workspace_children_are_not_held_to_the_public_budget(
    runtime: Runtime, registrar: Account, auditor: Account, issue: Callable[..., str]
) -> None:
    number = issue()
    app = create_app(runtime.settings.with_overrides(ratelimit="2/minute"))
    client = english_client(app)
    assert log_in(client, registrar).status_code == 302
    pages = ("/registrar/documents/", f"/registrar/documents/{number}", "/registrar/imports/")
    assert [client.get(page).status_code for page in pages * 3] == [200] * 9
    other = english_client(app)
    assert log_in(other, auditor).status_code == 302
    assert [other.get("/registrar/audit").status_code for _ in range(4)] == [200] * 4
    assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]  # public: limited
