"""The look-up form: what an empty or half-filled form says, and a not_found that
keeps what was typed and offers the next step."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

pytestmark = pytest.mark.usefixtures("demo_data")


def value_of(html: str, field: str) -> str:
    match = re.search(rf'<input id="{field}" [^>]*value="([^"]*)"', html)
    assert match, field
    return match.group(1)


def test_an_empty_form_names_both_missing_fields(client: FlaskClient) -> None:
    response = client.get("/verify?number=&surname=&birth_date=&lang=en")
    html = response.text
    assert response.status_code == 422
    assert '<div class="error-summary" role="alert">' in html
    assert '<li><a href="#number">The document number is required.</a></li>' in html
    assert (
        '<li><a href="#surname">The holder&#39;s surname (or birth date) is required together '
        "with the document number.</a></li>"
    ) in html
    assert 'id="number-error"' in html and 'id="surname-error"' in html


def test_a_surname_without_a_number_names_the_number_and_keeps_the_surname(
    client: FlaskClient,
) -> None:
    response = client.get("/verify?number=&surname=Qodirov&lang=en")
    assert response.status_code == 422
    assert "The document number is required." in response.text
    assert "surname (or birth date) is required" not in response.text
    assert value_of(response.text, "surname") == "Qodirov"


def test_the_bare_address_is_the_form_without_messages(client: FlaskClient) -> None:
    response = client.get("/verify?lang=en")
    assert response.status_code == 200 and "error-summary" not in response.text


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_the_empty_form_message_is_in_the_pages_language(
    client: FlaskClient, language: str
) -> None:
    words = {
        "uz": "Hujjat raqamini kiriting.",
        "ru": "Укажите номер документа.",
        "en": "The document number is required.",
    }
    html = client.get(f"/verify?number=&surname=&lang={language}").text
    assert words[language] in html


def test_not_found_keeps_the_number_and_surname_that_were_typed(client: FlaskClient) -> None:
    html = client.get("/verify?number=kt 2400101&surname=Karimov&lang=en").text
    assert "Not found" in html
    assert value_of(html, "number") == "kt 2400101"
    assert value_of(html, "surname") == "Karimov"


def test_not_found_keeps_the_birth_date_that_was_typed(client: FlaskClient) -> None:
    html = client.get("/verify?number=KT2400101&birth_date=2003-04-18&lang=en").text
    assert "Not found" in html and value_of(html, "birth_date") == "2003-04-18"


def test_not_found_offers_the_next_steps(client: FlaskClient) -> None:
    html = client.get("/verify?number=KT2400101&surname=Karimov&lang=en").text
    steps = re.search(r'<section class="facts next-steps".*?</section>', html, re.S)
    assert steps
    text = steps.group(0)
    assert "letter by letter" in text
    assert "birth date instead of the surname" in text
    assert "Ask the institution that issued the document, or the operator" in text
    assert "“Not found” does not mean forged" in text
    assert 'href="/about?lang=en#coverage"' in text


def test_typed_values_are_escaped_when_shown_again(client: FlaskClient) -> None:
    html = client.get('/verify?number=KT2400101&surname="><script>x</script>&lang=en').text
    assert "<script>x" not in html and "&#34;&gt;&lt;script&gt;" in html


def test_a_valid_answer_does_not_repeat_the_form(client: FlaskClient) -> None:
    html = client.get("/verify?number=KT2400101&surname=Gʻulomov&lang=en").text
    assert '<form class="lookup"' not in html and "next-steps" not in html
