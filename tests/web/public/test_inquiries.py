"""Formal inquiries over HTTP, the public side: POST /api/v1/inquiries (JSON and multipart),
the form GET /inquiries/new and POST /inquiries, the requester's status page
GET /inquiries/<number>?key=..., the offer on every not_found answer, and the receipt mail
through a real SMTP server."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests.support import hostile_attachments as files
from tests.support.hostile_pdfs import flate_bomb
from tests.support.smtp import SmtpServer, running_smtp_server
from tests.support.values import BASE_URL
from verifier.config import Settings
from verifier.db.models import Inquiry, InquiryAttachment
from verifier.inquiries import calendar
from verifier.runtime import Runtime
from verifier.web.app import create_app

pytestmark = pytest.mark.usefixtures("demo_data")
NUMBER, SURNAME = "KT2400101", "Gʻulomov"  # a demo diploma a look-up answers valid
OLD_NUMBER = "KT0912345"  # a number the registry does not hold
JSON = {"Accept": "application/json"}
MiB = 1024 * 1024


def inquiry_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "requester": {
            "kind": "ministry",
            "organisation": "Federal Ministry of Education",
            "country": "DE",
            "name": "Anna Schmidt",
            "email": "anna.schmidt@example.de",
            "reference": "AZ 12-345",
        },
        "document": {
            "number": "KT 0912345",
            "surname": "Karimov",
            "given_name": "Jasur",
            "birth_date": "1990-02-03",
            "institution": "TATT",
            "year": 2009,
            "type": "diploma",
        },
        "purpose": "Recognition of a foreign qualification",
        "consent": True,
        "language": "en",
    }
    body.update(overrides)
    return body


def body(response: TestResponse) -> Any:
    return json.loads(response.data)


def text_of(page: TestResponse) -> str:
    return html.unescape(page.get_data(as_text=True))


def inquiries_stored(runtime: Runtime) -> int:
    with runtime.database.session() as session:
        return session.scalar(select(func.count()).select_from(Inquiry)) or 0


def create(client: FlaskClient, values: dict[str, Any] | None = None) -> TestResponse:
    return client.post("/api/v1/inquiries", json=values or inquiry_body())


def status_path(url: str) -> str:
    """The status URL without the base: what the test client asks for."""
    assert url.startswith(BASE_URL)
    return url[len(BASE_URL) :]


def multipart(
    client: FlaskClient, values: dict[str, Any], attachments: list[tuple[bytes, str]]
) -> TestResponse:
    from io import BytesIO

    data: dict[str, Any] = {
        "inquiry": json.dumps(values),
        "attachments": [(BytesIO(content), name) for content, name in attachments],
    }
    return client.post("/api/v1/inquiries", data=data, content_type="multipart/form-data")


# POST /api/v1/inquiries


def test_an_inquiry_is_received_with_the_contracts_shape(client: FlaskClient) -> None:
    response = create(client)
    assert response.status_code == 201
    inquiry = body(response)["inquiry"]
    assert list(inquiry) == ["number", "status", "due", "url"]
    assert re.fullmatch(r"INQ-\d{4}-\d{6}", inquiry["number"])
    assert inquiry["status"] == "received"
    assert re.fullmatch(
        re.escape(f"{BASE_URL}/inquiries/{inquiry['number']}?key=") + r"[A-Za-z0-9_-]{22}",
        inquiry["url"],
    )
    assert response.headers["Location"] == inquiry["url"]
    assert response.headers["Cache-Control"] == "no-store"


def test_the_due_date_is_a_working_day_after_today(client: FlaskClient) -> None:
    due = dt.date.fromisoformat(body(create(client))["inquiry"]["due"])
    today = calendar.tashkent_day(dt.datetime.now(dt.UTC))
    assert due > today + dt.timedelta(days=10)  # ten working days span two weekends
    assert due.weekday() < 5


def test_an_inquiry_a_look_up_settles_is_answered_at_once_with_a_genuine_letter(
    client: FlaskClient,
) -> None:
    document = {"number": NUMBER, "surname": "GULOMOV"}
    inquiry = body(create(client, inquiry_body(document=document)))["inquiry"]
    assert inquiry["status"] == "answered"
    case = body(client.get(status_path(inquiry["url"]), headers=JSON))
    assert case["outcome"] == "confirmed"
    letter = case["letter"]
    token = letter["url"].rsplit("/r/", 1)[1]
    check = body(client.get(f"/r/{token}", headers=JSON))
    assert (check["status"], check["genuine"]) == ("valid", True)
    assert check["report"]["kind"] == "letter"
    assert check["report"]["reference"] == inquiry["number"]


def test_a_multipart_inquiry_stores_its_pdf_and_png_attachments(
    client: FlaskClient, runtime: Runtime
) -> None:
    scan, photo = files.pdf(), files.png()
    response = multipart(client, inquiry_body(), [(scan, "diploma.pdf"), (photo, "photo.png")])
    assert response.status_code == 201, response.data
    with runtime.database.session() as session:
        stored = session.scalars(select(InquiryAttachment).order_by(InquiryAttachment.id)).all()
        assert [(a.filename, a.media_type, a.content) for a in stored] == [
            ("diploma.pdf", "application/pdf", scan),
            ("photo.png", "image/png", photo),
        ]


# Bad input: each a clear 4xx naming the field, nothing stored


def refused(
    client: FlaskClient, runtime: Runtime, response: TestResponse
) -> tuple[int, str | None]:
    assert inquiries_stored(runtime) == 0
    assert response.mimetype == "application/json"
    return response.status_code, body(response)["error"].get("field")


def test_an_inquiry_without_consent_is_refused(client: FlaskClient, runtime: Runtime) -> None:
    response = create(client, inquiry_body(consent=False))
    assert refused(client, runtime, response) == (422, "consent")


def test_an_inquiry_with_a_bad_email_is_refused(client: FlaskClient, runtime: Runtime) -> None:
    values = inquiry_body()
    values["requester"]["email"] = "anna at example.de"
    assert refused(client, runtime, create(client, values)) == (422, "requester.email")


def test_an_inquiry_from_an_unknown_country_is_refused(
    client: FlaskClient, runtime: Runtime
) -> None:
    values = inquiry_body()
    values["requester"]["country"] = "XX"
    assert refused(client, runtime, create(client, values)) == (422, "requester.country")


def test_an_executable_named_pdf_is_refused(client: FlaskClient, runtime: Runtime) -> None:
    response = multipart(client, inquiry_body(), [(files.pe_executable(), "diploma.pdf")])
    assert refused(client, runtime, response) == (422, "attachments[0]")


def test_an_attachment_of_ten_mib_and_one_byte_is_refused(
    client: FlaskClient, runtime: Runtime
) -> None:
    big = files.pdf() + b"\0" * (10 * MiB + 1 - len(files.pdf()))
    response = multipart(client, inquiry_body(), [(big, "diploma.pdf")])
    assert refused(client, runtime, response) == (413, "attachments[0]")


def test_four_attachments_are_refused(client: FlaskClient, runtime: Runtime) -> None:
    four = [(files.png(), f"page{n}.png") for n in range(4)]
    response = multipart(client, inquiry_body(), four)
    assert refused(client, runtime, response) == (422, "attachments")


def test_four_attachments_of_ten_mib_are_refused_at_the_door(
    client: FlaskClient, runtime: Runtime
) -> None:
    ten = files.pdf() + b"\0" * (10 * MiB - len(files.pdf()))
    response = multipart(client, inquiry_body(), [(ten, f"p{n}.pdf") for n in range(4)])
    assert response.status_code == 413
    assert body(response)["error"]["code"] == "too_large"
    assert inquiries_stored(runtime) == 0


def test_a_pdf_bomb_is_refused(client: FlaskClient, runtime: Runtime) -> None:
    response = multipart(client, inquiry_body(), [(flate_bomb(), "diploma.pdf")])
    status, field = refused(client, runtime, response)
    assert 400 <= status < 500 and field == "attachments[0]"


def test_a_multipart_request_without_its_inquiry_part_is_refused(
    client: FlaskClient, runtime: Runtime
) -> None:
    response = client.post(
        "/api/v1/inquiries", data={"other": "x"}, content_type="multipart/form-data"
    )
    assert refused(client, runtime, response) == (422, "inquiry")


# The status page


@pytest.fixture
def received(client: FlaskClient) -> dict[str, Any]:
    inquiry: dict[str, Any] = body(create(client))["inquiry"]
    return inquiry


def test_the_status_page_shows_status_due_date_and_history(
    client: FlaskClient, received: dict[str, Any]
) -> None:
    page = client.get(status_path(received["url"]) + "&lang=en")
    assert page.status_code == 200
    text = text_of(page)
    due = dt.date.fromisoformat(received["due"])
    assert received["number"] in text
    assert due.strftime("%d.%m.%Y") in text
    assert "Keep this link" in text
    assert "Inquiry received" in text and "UTC" in text and "Tashkent" in text
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_the_status_url_answers_json_when_asked(
    client: FlaskClient, received: dict[str, Any]
) -> None:
    case = body(client.get(status_path(received["url"]), headers=JSON))
    assert (case["number"], case["status"], case["due"]) == (
        received["number"],
        "received",
        received["due"],
    )
    assert case["history"][0]["event"] == "inquiry_received"


@pytest.mark.parametrize("accept", [{}, JSON], ids=["html", "json"])
def test_a_wrong_key_a_missing_key_and_an_unknown_number_answer_the_same_404(
    client: FlaskClient, received: dict[str, Any], accept: dict[str, str]
) -> None:
    number = received["number"]
    wrong = client.get(f"/inquiries/{number}?key=AAAAAAAAAAAAAAAAAAAAAA", headers=accept)
    missing = client.get(f"/inquiries/{number}", headers=accept)
    unknown = client.get("/inquiries/INQ-1999-000001?key=AAAAAAAAAAAAAAAAAAAAAA", headers=accept)
    assert wrong.status_code == missing.status_code == unknown.status_code == 404
    assert wrong.data == missing.data == unknown.data


def test_html_and_script_in_every_text_field_are_escaped_on_the_status_page(
    client: FlaskClient,
) -> None:
    script = "<script>alert(1)</script>"
    values = inquiry_body(purpose=f"{script} purpose")
    for key in ("organisation", "name", "reference"):
        values["requester"][key] = f"{script} {key}"
    for key in ("surname", "given_name", "institution"):
        values["document"][key] = f"{script} {key}"
    inquiry = body(create(client, values))["inquiry"]
    page = client.get(status_path(inquiry["url"])).get_data(as_text=True)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; purpose" in page


# Limits


def test_a_thousand_inquiries_from_one_client_are_rate_limited(settings: Settings) -> None:
    app = create_app(settings.with_overrides(ratelimit="10000/hour", inquiry_ratelimit="5/hour"))
    client = app.test_client()
    statuses = [create(client).status_code for _ in range(1000)]
    assert statuses[:5] == [201] * 5
    assert set(statuses[5:]) == {429}
    refused_now = create(client)
    assert int(refused_now.headers["Retry-After"]) > 0
    assert body(refused_now)["error"]["code"] == "rate_limited"


# Every not_found answer offers an inquiry


def offered(url: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{BASE_URL}/inquiries/new"
    return parse_qs(parts.query)


def test_a_not_found_json_answer_offers_an_inquiry_filled_with_what_was_typed(
    client: FlaskClient,
) -> None:
    missing = body(client.get(f"/api/v1/verify?number=kt-0912345&surname={SURNAME}"))
    wrong = body(client.get(f"/api/v1/verify?number={NUMBER}&surname=Karimov"))
    assert offered(missing["inquiry_url"]) == {"number": [OLD_NUMBER], "surname": [SURNAME]}
    assert offered(wrong["inquiry_url"]) == {"number": [NUMBER], "surname": ["Karimov"]}
    assert missing.keys() == wrong.keys()


def test_a_found_answer_offers_no_inquiry(client: FlaskClient) -> None:
    found = body(client.get(f"/api/v1/verify?number={NUMBER}&surname={SURNAME}"))
    assert found["status"] == "valid" and "inquiry_url" not in found


def test_not_found_items_of_a_batch_offer_an_inquiry(client: FlaskClient) -> None:
    queries = [
        {"number": NUMBER, "surname": SURNAME},
        {"number": NUMBER, "surname": "Karimov"},
        {"number": OLD_NUMBER, "birth_date": "1990-02-03"},
    ]
    results = body(client.post("/api/v1/verify", json={"queries": queries}))["results"]
    assert "inquiry_url" not in results[0]
    assert offered(results[1]["inquiry_url"]) == {"number": [NUMBER], "surname": ["Karimov"]}
    assert offered(results[2]["inquiry_url"]) == {
        "number": [OLD_NUMBER],
        "birth_date": ["1990-02-03"],
    }


@pytest.mark.parametrize(
    ("number", "surname"), [(OLD_NUMBER, SURNAME), (NUMBER, "Karimov")], ids=["missing", "wrong"]
)
def test_the_not_found_page_has_the_inquiry_button(
    client: FlaskClient, number: str, surname: str
) -> None:
    page = client.get(f"/verify?number={number}&surname={surname}&lang=en")
    text = text_of(page)
    assert "Ask for an official check (formal inquiry)" in text
    link = re.search(r'href="(/inquiries/new\?[^"]+)"', page.get_data(as_text=True))
    assert link is not None
    query = parse_qs(urlsplit(html.unescape(link.group(1))).query)
    assert (query["number"], query["surname"]) == ([number], [surname])


# The form


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_the_form_renders_in_each_language_prefilled_from_the_look_up(
    client: FlaskClient, language: str
) -> None:
    page = client.get(f"/inquiries/new?number={OLD_NUMBER}&surname=Karimov&lang={language}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'<html lang="{language}">' in text
    assert f'value="{OLD_NUMBER}"' in text and 'value="Karimov"' in text
    germany = {"en": "Germany", "ru": "Германия", "uz": "Germaniya"}[language]
    assert f'<option value="DE">{germany}</option>' in text


def form_fields(**overrides: str) -> dict[str, Any]:
    fields = {
        "requester_kind": "employer",
        "requester_organisation": "Acme GmbH",
        "requester_country": "DE",
        "requester_name": "Anna Schmidt",
        "requester_email": "anna@example.de",
        "number": OLD_NUMBER,
        "surname": "Karimov",
        "year": "2009",
        "consent": "yes",
        "language": "en",
    }
    fields.update(overrides)
    return fields


def csrf_client(app: Flask) -> tuple[FlaskClient, str]:
    client = app.test_client()
    page = client.get("/inquiries/new").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return client, found.group(1)


def test_the_form_sends_an_inquiry_and_goes_to_its_status_page(
    app: Flask, runtime: Runtime
) -> None:
    client, token = csrf_client(app)
    response = client.post("/inquiries", data={**form_fields(), "csrf_token": token})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/inquiries/INQ-") and "key=" in location
    page = client.get(location)
    assert page.status_code == 200 and "Keep this link" in text_of(page)
    assert inquiries_stored(runtime) == 1


def test_the_form_without_its_csrf_token_is_refused(app: Flask, runtime: Runtime) -> None:
    client, _ = csrf_client(app)
    response = client.post("/inquiries", data=form_fields())
    assert response.status_code == 400
    assert inquiries_stored(runtime) == 0


def test_the_form_shows_a_refusal_beside_its_field(app: Flask, runtime: Runtime) -> None:
    client, token = csrf_client(app)
    data = {**form_fields(requester_email="not an address"), "csrf_token": token}
    response = client.post("/inquiries?lang=en", data=data)
    assert response.status_code == 422
    text = text_of(response)
    assert re.search(r'<p class="error" id="requester_email-error">[^<]*e-mail', text)
    assert 'value="Acme GmbH"' in text  # what was typed stays
    assert inquiries_stored(runtime) == 0


def test_the_form_without_consent_is_refused_beside_the_checkbox(
    app: Flask, runtime: Runtime
) -> None:
    client, token = csrf_client(app)
    data = {**form_fields(), "csrf_token": token}
    del data["consent"]
    response = client.post("/inquiries?lang=en", data=data)
    assert response.status_code == 422
    assert 'id="consent-error"' in response.get_data(as_text=True)
    assert inquiries_stored(runtime) == 0


# Mail


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


def test_the_receipt_mail_arrives_with_the_number_and_the_link_and_no_holder_name(
    settings: Settings, runtime: Runtime, smtp_server: SmtpServer
) -> None:
    client = create_app(settings.with_overrides(smtp_url=smtp_server.url)).test_client()
    inquiry = body(create(client))["inquiry"]
    (message,) = smtp_server.messages
    text = message.get_content()
    assert message["To"] == "anna.schmidt@example.de"
    assert inquiry["number"] in message["Subject"] and inquiry["number"] in text
    assert inquiry["url"] in text
    assert "Karimov" not in text and "Jasur" not in text
    steps = body(client.get(status_path(inquiry["url"]), headers=JSON))["history"]
    assert [step["event"] for step in steps] == ["inquiry_received", "inquiry_mailed"]


def test_an_automatic_answer_sends_the_receipt_and_the_answer(
    settings: Settings, smtp_server: SmtpServer
) -> None:
    client = create_app(settings.with_overrides(smtp_url=smtp_server.url)).test_client()
    create(client, inquiry_body(document={"number": NUMBER, "surname": SURNAME}))
    subjects = [message["Subject"] for message in smtp_server.messages]
    assert len(subjects) == 2
    assert "received" in subjects[0] and "answered" in subjects[1]


def test_a_mail_server_that_is_down_does_not_fail_the_inquiry(
    settings: Settings, runtime: Runtime
) -> None:
    from tests.support.smtp import free_port

    down = f"smtp://127.0.0.1:{free_port()}"
    client = create_app(settings.with_overrides(smtp_url=down)).test_client()
    response = create(client)
    assert response.status_code == 201
    assert inquiries_stored(runtime) == 1
