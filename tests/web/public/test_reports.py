"""Official reports over HTTP: POST /api/v1/reports, the form behind every answer's button,
the re-check page GET /r/<token> (HTML and JSON) and the signed PDF at GET /r/<token>.pdf."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import replace
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests.support.pdfs import decode_qr_codes
from tests.support.values import BASE_URL
from verifier.config import Settings
from verifier.db.models import Report
from verifier.documents import registry
from verifier.keys import lifecycle
from verifier.reports import service
from verifier.reports.service import Asked
from verifier.runtime import Runtime
from verifier.verification.service import verify_number
from verifier.web.app import create_app

pytestmark = pytest.mark.usefixtures("demo_data")
NUMBER, SURNAME = "KT2400101", "Gʻulomov"
JSON = {"Accept": "application/json"}


def body(response: TestResponse) -> Any:
    return json.loads(response.data)


def create(client: FlaskClient, **values: Any) -> TestResponse:
    return client.post("/api/v1/reports", json=values)


def report_token(report: dict[str, Any]) -> str:
    return str(report["url"]).rsplit("/r/", 1)[1]


def text_of(page: TestResponse) -> str:
    """What a person reads: the page with its character references resolved."""
    return html.unescape(page.get_data(as_text=True))


def reports_made(runtime: Runtime) -> int:
    with runtime.database.session() as session:
        return session.scalar(select(func.count()).select_from(Report)) or 0


def flipped(text: str) -> str:
    """``text`` with one character changed (not the last: its unused bits stay canonical)."""
    return f"{text[:-2]}{'A' if text[-2] != 'A' else 'B'}{text[-1]}"


def recheck(client: FlaskClient, token: str) -> Any:
    response = client.get(f"/r/{token}", headers=JSON)
    assert response.status_code == 200 and response.mimetype == "application/json"
    return body(response)


# POST /api/v1/reports


def test_a_report_by_number_and_surname_is_made_with_the_contracts_shape(
    client: FlaskClient,
) -> None:
    response = create(client, number="kt 2400101", surname="GULOMOV")
    assert response.status_code == 201
    report = body(response)["report"]
    assert list(report) == ["number", "status", "checked_at", "expires", "url", "pdf_url", "token"]
    assert re.fullmatch(r"VR-\d{4}-\d{8}", report["number"])
    assert report["status"] == "valid"
    assert report["url"].startswith(f"{BASE_URL}/r/")
    assert report["pdf_url"] == report["url"] + ".pdf"
    assert response.headers["Location"] == report["url"]
    assert response.headers["Cache-Control"] == "no-store"
    expires = dt.datetime.fromisoformat(report["expires"].replace("Z", "+00:00"))
    checked = dt.datetime.fromisoformat(report["checked_at"].replace("Z", "+00:00"))
    assert expires - checked == dt.timedelta(days=90)


def test_a_report_by_birth_date_or_by_the_documents_token_is_made_too(
    client: FlaskClient, token_of: Any
) -> None:
    by_date = create(client, number=NUMBER, birth_date="2003-04-17")
    by_token = create(client, token=f"{BASE_URL}/v/{token_of(NUMBER)}")
    assert (by_date.status_code, by_token.status_code) == (201, 201)
    assert body(by_token)["report"]["status"] == "valid"


def test_reports_of_revoked_and_superseded_documents_state_their_status(
    client: FlaskClient,
) -> None:
    revoked = create(client, number="KT2400103", surname="Qodirov")
    superseded = create(client, number="KT2400105", surname="Toʻxtayeva")
    assert body(revoked)["report"]["status"] == "revoked"
    assert body(superseded)["report"]["status"] == "superseded"


def test_a_wrong_surname_is_refused_exactly_like_a_number_that_does_not_exist(
    client: FlaskClient,
) -> None:
    wrong_holder = create(client, number=NUMBER, surname="Karimov")
    no_such_number = create(client, number="KT2409999", surname="Karimov")
    assert wrong_holder.status_code == no_such_number.status_code == 404
    assert wrong_holder.data == no_such_number.data
    assert body(wrong_holder)["error"]["code"] == "not_found"


def test_wrong_guesses_spend_the_numbers_budget_as_look_ups_do(
    settings: Settings,
) -> None:
    client = create_app(settings.with_overrides(number_failures="3/hour")).test_client()
    statuses = [create(client, number=NUMBER, surname=f"Guess{n}").status_code for n in range(3)]
    right = create(client, number=NUMBER, surname=SURNAME)
    assert statuses == [404, 404, 404]
    assert right.status_code == 429 and body(right)["error"]["code"] == "rate_limited"
    assert int(right.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("values", "status", "code", "field"),
    [
        ({"surname": SURNAME}, 422, "missing_number", "number"),
        ({"number": NUMBER}, 422, "missing_surname", "surname"),
        ({"number": "KT-24-00-101!", "surname": SURNAME}, 400, "malformed_number", "number"),
        ({"number": NUMBER, "birth_date": "17.04.2003"}, 400, "malformed_birth_date", "birth_date"),
        ({"number": NUMBER, "surname": 7}, 422, "invalid_request", "surname"),
        ({"token": "  "}, 422, "missing_token", "token"),
        ({"token": "a.b.c"}, 422, "invalid_token", "token"),
        ({"token": "a.b.c", "number": NUMBER}, 422, "invalid_request", "token"),
        ({"number": NUMBER, "surname": SURNAME, "language": "de"}, 400, "unsupported_language",
         "language"),
    ],
)  # fmt: skip
def test_a_bad_request_names_its_field_and_makes_nothing(
    client: FlaskClient,
    runtime: Runtime,
    values: dict[str, Any],
    status: int,
    code: str,
    field: str,
) -> None:
    response = create(client, **values)
    assert response.status_code == status
    assert body(response)["error"]["code"] == code
    assert body(response)["error"]["field"] == field
    assert reports_made(runtime) == 0


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ("[]", "application/json", 422),
        ('{"number": ', "application/json", 400),
        ("number=KT2400101", "application/x-www-form-urlencoded", 415),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(
    client: FlaskClient, data: str, content_type: str, status: int
) -> None:
    response = client.post("/api/v1/reports", data=data, content_type=content_type)
    assert response.status_code == status and "error" in body(response)


def test_a_tampered_document_token_is_refused_as_invalid(
    client: FlaskClient, token_of: Any
) -> None:
    header, payload, signature = token_of(NUMBER).split(".")
    response = create(client, token=f"{header}.{payload}.{flipped(signature)}")
    assert response.status_code == 422 and body(response)["error"]["code"] == "invalid_token"


def test_the_report_is_written_in_the_language_asked_else_the_clients(
    client: FlaskClient,
) -> None:
    asked = create(client, number=NUMBER, surname=SURNAME, language="ru")
    accepted = client.post(
        "/api/v1/reports",
        json={"number": NUMBER, "surname": SURNAME},
        headers={"Accept-Language": "en-GB,en;q=0.9"},
    )
    assert recheck(client, report_token(body(asked)["report"]))["report"]["language"] == "ru"
    assert recheck(client, report_token(body(accepted)["report"]))["report"]["language"] == "en"


def test_when_the_registry_cannot_be_reached_no_report_is_made_and_the_answer_is_503(
    settings: Settings,
) -> None:
    down = replace(settings, database_url="postgresql+psycopg://nobody@127.0.0.1:9/none")
    client = create_app(down).test_client()
    response = create(client, number=NUMBER, surname=SURNAME)
    assert response.status_code == 503 and body(response)["error"]["code"] == "unavailable"
    assert response.headers["Retry-After"] == "30"


# GET /r/<token>.pdf


def test_the_pdf_address_serves_the_signed_report_whose_qr_holds_its_address(
    client: FlaskClient,
) -> None:
    report = body(create(client, number=NUMBER, surname=SURNAME))["report"]
    response = client.get(report["pdf_url"].removeprefix(BASE_URL))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="{report["number"]}.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    assert b"/ByteRange" in response.data  # signed
    assert decode_qr_codes(response.data) == [report["url"]]


def test_without_a_genuine_token_there_is_no_pdf(client: FlaskClient) -> None:
    report = body(create(client, number=NUMBER, surname=SURNAME))["report"]
    header, payload, signature = report_token(report).split(".")
    assert client.get(f"/r/{header}.{flipped(payload)}.{signature}.pdf").status_code == 404
    assert client.get("/r/not-a-token.pdf").status_code == 404


# GET /r/<token>


def test_a_fresh_report_is_genuine_current_and_unchanged(client: FlaskClient) -> None:
    report = body(create(client, number=NUMBER, surname=SURNAME))["report"]
    answer = recheck(client, report_token(report))
    assert (answer["status"], answer["genuine"], answer["expired"], answer["changed"]) == (
        "valid",
        True,
        False,
        False,
    )
    assert answer["report"]["number"] == report["number"]
    assert answer["report"]["answer"]["document"]["holder"]["surname"] == SURNAME
    assert answer["current"]["status"] == "valid"


def test_a_report_made_before_a_revocation_says_the_status_changed_when_checked_after(
    client: FlaskClient, runtime: Runtime
) -> None:
    report = body(create(client, number=NUMBER, surname=SURNAME))["report"]
    with runtime.database.transaction() as session:
        registry.revoke(session, NUMBER, reason="note", actor="test", code="issued_in_error")
    answer = recheck(client, report_token(report))
    assert (answer["genuine"], answer["changed"]) == (True, True)
    assert answer["report"]["status"] == "valid"
    assert answer["current"]["status"] == "revoked"
    assert answer["current"]["revocation"]["code"] == "issued_in_error"
    page = text_of(client.get(f"/r/{report_token(report)}?lang=en"))
    assert "The document's status has changed since the report" in page


def test_a_report_past_its_validity_says_it_expired(client: FlaskClient, runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        outcome = verify_number(session, NUMBER, surname=SURNAME)
        made = service.make_report(
            session,
            replace(outcome, checked_at=outcome.checked_at - dt.timedelta(days=91)),
            Asked(NUMBER, SURNAME),
            signer=lifecycle.load_signer(session, runtime.keystore),
            language="en",
            issuer="Markaz",
            days=90,
            actor="test",
        )
    answer = recheck(client, made.token)
    assert (answer["status"], answer["expired"], answer["changed"]) == ("valid", True, False)
    page = text_of(client.get(f"/r/{made.token}?lang=en"))
    assert "The report's validity has ended" in page


def test_a_tampered_report_token_is_not_genuine(client: FlaskClient) -> None:
    report = body(create(client, number="KT2400103", surname="Qodirov"))["report"]
    header, payload, signature = report_token(report).split(".")
    forged = f"{header}.{flipped(payload)}.{signature}"
    answer = recheck(client, forged)
    assert (answer["status"], answer["genuine"], answer["report"]) == ("invalid", False, None)
    page = client.get(f"/r/{forged}?lang=en")
    assert page.status_code == 200 and "Not a genuine report" in page.get_data(as_text=True)


def test_a_documents_token_at_r_is_not_a_report(client: FlaskClient, token_of: Any) -> None:
    answer = recheck(client, token_of(NUMBER))
    assert answer["status"] == "invalid"
    assert answer["checks"]["version"]["passed"] is False


def test_the_re_check_page_is_html_unless_json_is_asked_for(client: FlaskClient) -> None:
    report = body(create(client, number=NUMBER, surname=SURNAME))["report"]
    page = client.get(f"/r/{report_token(report)}", headers={"Accept": "text/html,*/*"})
    assert page.mimetype == "text/html" and report["number"] in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and "Accept" in page.headers["Vary"]


def test_the_re_check_page_is_rate_limited_with_the_json_envelope_when_asked(
    settings: Settings,
) -> None:
    client = create_app(settings.with_overrides(ratelimit="2/minute")).test_client()
    statuses = [client.get("/r/x.y.z", headers=JSON) for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert body(statuses[2])["error"]["code"] == "rate_limited"
    assert int(statuses[2].headers["Retry-After"]) > 0


# The HTML form behind an answer's "Official report (PDF)" button


def csrf_of(page: TestResponse) -> str:
    found = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)
    )
    assert found is not None
    return found.group(1)


def test_the_form_shows_what_will_be_asked_and_offers_each_language(client: FlaskClient) -> None:
    page = client.get(f"/reports/new?number={NUMBER}&surname=Gulomov&lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Gulomov" in text and NUMBER in text
    assert all(f'value="{code}"' in text for code in ("uz", "ru", "en"))


def test_the_form_makes_the_report_and_hands_over_its_pdf(client: FlaskClient) -> None:
    page = client.get(f"/reports/new?number={NUMBER}&surname=Gulomov&lang=ru")
    response = client.post(
        "/reports",
        data={
            "csrf_token": csrf_of(page),
            "number": NUMBER,
            "surname": "Gulomov",
            "language": "ru",
        },
    )
    assert response.status_code == 303
    pdf = client.get(response.headers["Location"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_the_form_by_token_makes_the_report_too(client: FlaskClient, token_of: Any) -> None:
    token = token_of(NUMBER)
    page = client.get(f"/reports/new?token={token}")
    response = client.post(
        "/reports", data={"csrf_token": csrf_of(page), "token": token, "language": "uz"}
    )
    assert response.status_code == 303


def test_the_form_refuses_a_wrong_surname_exactly_like_a_number_that_does_not_exist(
    client: FlaskClient,
) -> None:
    answers = []
    for number in (NUMBER, "KT2409999"):
        page = client.get(f"/reports/new?number={number}&surname=Karimov&lang=en")
        data = {"csrf_token": csrf_of(page), "number": number, "surname": "Karimov"}
        answers.append(client.post("/reports?lang=en", data={**data, "language": "en"}))
    assert [a.status_code for a in answers] == [404, 404]
    texts = [
        a.get_data(as_text=True).replace(n, "N")
        for a, n in zip(answers, (NUMBER, "KT2409999"), strict=True)
    ]
    assert texts[0] == texts[1] and "No report was made" in texts[0]


def test_the_form_without_its_csrf_token_makes_nothing(
    client: FlaskClient, runtime: Runtime
) -> None:
    response = client.post(
        "/reports", data={"number": NUMBER, "surname": SURNAME, "language": "en"}
    )
    assert response.status_code == 400
    assert reports_made(runtime) == 0


def test_the_openapi_document_describes_the_report_routes(client: FlaskClient) -> None:
    document = body(client.get("/api/v1/openapi.json"))
    paths = document["paths"]
    assert set(paths["/api/v1/reports"]) == {"post"}
    assert "201" in paths["/api/v1/reports"]["post"]["responses"]
    assert {"/r/{token}", "/r/{token}.pdf"} <= set(paths)
    assert {"not_found", "invalid_token", "unsupported_language"} <= set(
        document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"][
            "enum"
        ]
    )


@pytest.mark.parametrize(
    ("language", "verdict"),
    [("uz", "Haqiqiy maʼlumotnoma"), ("ru", "Подлинная справка"), ("en", "Genuine report")],
)
def test_the_re_check_page_speaks_the_readers_language(
    client: FlaskClient, language: str, verdict: str
) -> None:
    report = body(create(client, number=NUMBER, surname=SURNAME))["report"]
    page = client.get(f"/r/{report_token(report)}?lang={language}")
    assert verdict in text_of(page)
    assert f'<html lang="{language}">' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("answer", "number"),
    [
        ("/verify?number=KT+2400101&surname=Gulomov&lang=en", "KT 2400101"),
        ("/verify?number=KT2400103&surname=Qodirov&lang=en", "KT2400103"),
    ],
)
def test_every_answer_that_shows_a_document_offers_its_official_report(
    client: FlaskClient, answer: str, number: str
) -> None:
    page = text_of(client.get(answer))
    link = re.search(r'<a class="button" href="([^"]+)">Official report \(PDF\)</a>', page)
    assert link is not None
    form = client.get(link.group(1))
    assert form.status_code == 200 and number in text_of(form)


def test_the_qr_answer_offers_a_report_made_from_its_token(
    client: FlaskClient, token_of: Any
) -> None:
    page = text_of(client.get(f"/v/{token_of(NUMBER)}?lang=en"))
    link = re.search(r'href="([^"]+)">Official report \(PDF\)<', page)
    assert link is not None and f"token={token_of(NUMBER)}" in link.group(1)


def test_a_not_found_answer_offers_no_report(client: FlaskClient) -> None:
    page = text_of(client.get("/verify?number=KT2400101&surname=Karimov&lang=en"))
    assert "Official report (PDF)" not in page
