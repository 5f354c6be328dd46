"""English pages add a Latin reading to names written in Cyrillic; nothing else changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

pytestmark = pytest.mark.usefixtures("demo_data")

READING = '<span class="reading" lang="uz-Latn">(Holmatov Sherzod Alisher oʻgʻli)</span>'


def test_an_english_page_reads_a_cyrillic_name_in_uzbek_latin(client: FlaskClient) -> None:
    html = client.get("/verify?number=KT2400104&surname=Holmatov&lang=en").text
    assert f"<dd>Ҳолматов Шерзод Алишер ўғли {READING}</dd>" in html


def test_the_qr_landing_page_in_english_reads_the_name_too(
    client: FlaskClient, token_of: Callable[[str], str]
) -> None:
    html = client.get(f"/v/{token_of('KTI2400107')}?lang=en").text
    assert "Неъматова Гулноза Фарҳод қизи" in html
    assert "(Neʼmatova Gulnoza Farhod qizi)" in html


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_uzbek_and_russian_pages_show_the_name_only_as_written(
    client: FlaskClient, language: str
) -> None:
    html = client.get(f"/verify?number=KT2400104&surname=Holmatov&lang={language}").text
    assert "Ҳолматов Шерзод Алишер ўғли" in html and "Holmatov Sherzod" not in html


def test_a_name_written_in_latin_gets_no_second_reading(client: FlaskClient) -> None:
    html = client.get("/verify?number=KT2400101&surname=Gulomov&lang=en").text
    assert "<dd>Gʻulomov Abdulla Rustam oʻgʻli</dd>" in html and 'class="reading"' not in html


def test_the_json_answer_keeps_the_name_as_written(client: FlaskClient) -> None:
    body = client.get(
        "/api/v1/verify?number=KT2400104&surname=Holmatov",
        headers={"Accept-Language": "en"},
    ).get_json()
    assert body["document"]["holder"] == {
        "surname": "Ҳолматов",
        "given_name": "Шерзод",
        "patronymic": "Алишер ўғли",
    }
    assert "Holmatov" not in str(body)
