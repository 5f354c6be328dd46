"""PDF upload on the public site (POST /verify/pdf): the QR landing page's answer for
the file's token, behind CSRF, the API's size limit and the public rate limit."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.pdfs import signed
from tests.support.workspace import csrf_token
from verifier.config import Settings
from verifier.runtime import Runtime
from verifier.web.app import create_app

pytestmark = pytest.mark.usefixtures("demo_data")


def upload(client: FlaskClient, data: bytes | None, *, token: bool = True) -> TestResponse:
    form: dict[str, object] = {}
    if token:
        form["csrf_token"] = csrf_token(client, "/")
    if data is not None:
        form["file"] = (io.BytesIO(data), "diploma.pdf", "application/pdf")
    return client.post("/verify/pdf?lang=en", data=form, content_type="multipart/form-data")


def test_the_look_up_page_offers_a_csrf_protected_multipart_upload(client: FlaskClient) -> None:
    html = client.get("/?lang=en").text
    assert 'action="/verify/pdf?lang=en#upload" enctype="multipart/form-data"' in html
    assert 'name="csrf_token"' in html and 'type="file"' in html


def test_a_genuine_pdf_answers_valid_with_what_to_compare(
    client: FlaskClient, runtime: Runtime
) -> None:
    response = upload(client, signed(runtime, "KT2400101"))
    assert response.status_code == 200
    assert 'class="verdict verdict-valid"' in response.text
    assert "Gʻulomov Abdulla Rustam oʻgʻli" in response.text
    assert "exactly the same as shown here" in response.text
    assert "PDF file: passed" in " ".join(response.text.split())


def test_a_genuine_pdf_of_a_diploma_revoked_since_answers_revoked(
    client: FlaskClient, runtime: Runtime, run: Callable[..., object]
) -> None:
    pdf = signed(runtime, "KT2400102")
    run("revoke", "KT2400102", "--reason", "issued in error")
    response = upload(client, pdf)
    assert 'class="verdict verdict-revoked"' in response.text


def test_an_altered_pdf_answers_invalid_and_offers_a_look_up_by_number(
    client: FlaskClient, runtime: Runtime
) -> None:
    pdf = bytearray(signed(runtime, "KT2400101"))
    pdf[len(pdf) // 2] ^= 0x01
    response = upload(client, bytes(pdf))
    assert response.status_code == 200
    assert 'class="verdict verdict-invalid"' in response.text
    assert "Do not rely on this file" in response.text
    assert "Check by number instead" in response.text


def test_a_file_that_is_not_a_pdf_answers_invalid(client: FlaskClient) -> None:
    response = upload(client, b"GIF89a not a pdf")
    assert response.status_code == 200 and 'class="verdict verdict-invalid"' in response.text


def test_no_file_shows_the_look_up_page_with_the_reason(client: FlaskClient) -> None:
    for data in (None, b""):
        response = upload(client, data)
        assert response.status_code == 422
        assert '<p class="error" id="file-error" role="alert">' in response.text
        assert "Choose the PDF file of the document to check." in response.text


def test_an_upload_without_the_forms_csrf_token_is_refused(
    client: FlaskClient, runtime: Runtime
) -> None:
    response = upload(client, signed(runtime, "KT2400101"), token=False)
    assert response.status_code == 400
    assert "verdict" not in response.text
    assert "The form expired or your browser did not return its cookie" in response.text


def test_a_file_over_10_mib_is_refused_before_it_is_read(client: FlaskClient) -> None:
    response = upload(client, b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))
    assert response.status_code == 413
    assert "The file is larger than 10 MiB" in response.text


def test_a_form_post_that_is_not_multipart_is_told_to_choose_a_file(client: FlaskClient) -> None:
    response = client.post(
        "/verify/pdf?lang=en", data={"csrf_token": csrf_token(client, "/"), "file": "x"}
    )
    assert response.status_code == 422 and "Choose the PDF file" in response.text


def test_uploads_count_against_the_public_rate_limit(settings: Settings, runtime: Runtime) -> None:
    client = create_app(settings.with_overrides(ratelimit="3/minute")).test_client()
    token = csrf_token(client, "/")  # the first request of the budget
    pdf = signed(runtime, "KT2400101")

    def post() -> int:
        form = {"csrf_token": token, "file": (io.BytesIO(pdf), "d.pdf", "application/pdf")}
        return client.post("/verify/pdf", data=form).status_code

    assert [post(), post(), post()] == [200, 200, 429]


@pytest.mark.parametrize(
    ("language", "word"), [("uz", "Haqiqiy"), ("ru", "Действителен"), ("en", "Valid")]
)
def test_the_upload_answer_is_in_the_pages_language(
    client: FlaskClient, runtime: Runtime, language: str, word: str
) -> None:
    form = {
        "csrf_token": csrf_token(client, "/"),
        "file": (io.BytesIO(signed(runtime, "KT2400101")), "d.pdf", "application/pdf"),
    }
    html = client.post(f"/verify/pdf?lang={language}", data=form).text
    assert f"</span> {word}</h1>" in html
