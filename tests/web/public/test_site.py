"""The public look-up site: form, answer page and QR landing page, in three languages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from verifier.config import Settings
from verifier.web.app import create_app

pytestmark = pytest.mark.usefixtures("demo_data")

STATUS_WORDS = {
    "valid": {"uz": "Haqiqiy", "ru": "Действителен", "en": "Valid"},
    "revoked": {"uz": "Bekor qilingan", "ru": "Отозван", "en": "Revoked"},
    "superseded": {"uz": "Almashtirilgan", "ru": "Заменён", "en": "Replaced"},
    "not_found": {"uz": "Topilmadi", "ru": "Не найден", "en": "Not found"},
    "invalid": {"uz": "Yaroqsiz", "ru": "Недействителен", "en": "Invalid"},
    "error": {
        "uz": "Hozir tekshirib boʻlmaydi",
        "ru": "Проверить сейчас невозможно",
        "en": "Cannot check now",
    },
}
LOOKUPS = {
    "valid": ("KT2400101", "Gʻulomov"),
    "revoked": ("KT2400103", "Qodirov"),
    "superseded": ("KT2400105", "Toʻxtayeva"),
    "not_found": ("KT2400101", "Karimov"),
}


def page(client: FlaskClient, url: str, **params: str) -> tuple[int, str]:
    response = client.get(url, query_string=params)
    assert response.mimetype == "text/html"
    return response.status_code, response.get_data(as_text=True)


def verdict(html: str) -> str:
    match = re.search(r'<h1 id="verdict-title">.*?</span>\s*(.*?)</h1>', html, re.S)
    assert match, html[:2000]
    return match.group(1).strip()


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
@pytest.mark.parametrize("status", list(LOOKUPS))
def test_the_answer_page_shows_each_registry_status_in_each_language(
    client: FlaskClient, status: str, language: str
) -> None:
    number, surname = LOOKUPS[status]
    code, html = page(client, "/verify", number=number, surname=surname, lang=language)
    assert code == 200
    assert verdict(html) == STATUS_WORDS[status][language]
    assert f'<html lang="{language}">' in html
    assert f"verdict-{status}" in html


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_a_tampered_qr_code_shows_invalid_in_each_language(
    client: FlaskClient, token_of: Callable[[str], str], language: str
) -> None:
    header, payload, signature = token_of("KT2400101").split(".")
    tampered = f"{header}.{payload[:-3]}AAA.{signature}"
    code, html = page(client, f"/v/{tampered}", lang=language)
    assert code == 200 and verdict(html) == STATUS_WORDS["invalid"][language]


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_the_database_down_shows_cannot_check_now_with_503(tmp_path: Path, language: str) -> None:
    down = create_app(
        Settings(
            database_url="postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=1",
            keys_dir=tmp_path / "keys",
            ratelimit="off",
        )
    ).test_client()
    code, html = page(down, "/verify", number="KT2400101", surname="X", lang=language)
    assert code == 503 and verdict(html) == STATUS_WORDS["error"][language]


def test_the_answer_shows_what_to_compare_with_the_paper(client: FlaskClient) -> None:
    _, html = page(client, "/verify", number="kt 2400101", surname="gulomov", lang="en")
    for text in (
        "KT 2400101",
        "Gʻulomov Abdulla Rustam oʻgʻli",
        "17.04.2003",
        "Tashkent Technical College of Information Technologies",
        "60610500",
        "Kompyuter tizimlari texnigi",
        "05.07.2024",
        "Checked on",
    ):
        assert text in html, text


def test_the_institution_full_name_follows_the_language(client: FlaskClient) -> None:
    _, russian = page(client, "/verify", number="KT2400101", surname="Gʻulomov", lang="ru")
    assert "Ташкентский техникум информационных технологий" in russian
    _, uzbek = page(client, "/verify", number="KT2400101", surname="Gʻulomov", lang="uz")
    assert "Toshkent axborot texnologiyalari texnikumi" in uzbek


def test_a_revoked_answer_gives_the_date_and_reason(client: FlaskClient) -> None:
    _, html = page(client, "/verify", number="KT2400103", surname="Qodirov", lang="en")
    assert "Revoked on" in html and "Issued in error" in html


def test_a_superseded_answer_links_to_the_replacement(client: FlaskClient) -> None:
    _, html = page(client, "/verify", number="KT2400105", surname="Toʻxtayeva", lang="en")
    assert "KT 2400905" in html and "number=KT2400905" in html


def test_a_not_found_answer_discloses_nothing(client: FlaskClient) -> None:
    wrong_code, wrong_holder = page(
        client, "/verify", number="KT2400102", surname="Karimov", lang="en"
    )
    missing_code, no_such_number = page(
        client, "/verify", number="KT2400999", surname="Karimov", lang="en"
    )
    # Both are the not_found answer, for a number held by someone else as for none at all...
    assert wrong_code == missing_code == 200
    assert verdict(wrong_holder) == verdict(no_such_number) == "Not found"
    assert 'class="verdict verdict-not_found"' in wrong_holder
    # ...and the one held by someone else shows none of that person's data.
    assert "Dilnoza" not in wrong_holder and "Yoʻldosheva" not in wrong_holder
    assert "02.09.2003" not in wrong_holder and "2003-09-02" not in wrong_holder
    assert "Tashkent Technical College" not in wrong_holder
    # Apart from the typed number and the moment of the check, the two pages are one page.
    assert _without_moment(wrong_holder).replace("2400102", "2400999") == _without_moment(
        no_such_number
    )


def _without_moment(html: str) -> str:
    return re.sub(r'<time datetime="[^"]*">.*?</time>', "<time/>", html, flags=re.S)


def test_the_qr_landing_page_reminds_to_compare_the_printed_text(
    client: FlaskClient, token_of: Callable[[str], str]
) -> None:
    code, html = page(client, f"/v/{token_of('KT2400101')}", lang="en")
    assert code == 200 and verdict(html) == "Valid"
    assert "exactly the same as shown here" in html
    assert "Tashkent Technical College of Information Technologies" in html


def test_the_qr_landing_page_of_a_revoked_document_says_revoked(
    client: FlaskClient, token_of: Callable[[str], str]
) -> None:
    _, html = page(client, f"/v/{token_of('KT2400103')}", lang="en")
    assert verdict(html) == "Revoked"


def test_an_oversized_token_is_refused_before_parsing(client: FlaskClient) -> None:
    response = client.get("/v/" + "A" * 5000)
    assert response.status_code == 414 and response.mimetype == "text/html"


def test_the_look_up_page_is_one_accessible_form(client: FlaskClient) -> None:
    code, html = page(client, "/", lang="en")
    assert code == 200
    for landmark in ("<header", "<main", "<nav", "<footer"):
        assert landmark in html
    for field in ("number", "surname", "birth_date"):
        assert f'<label for="{field}">' in html and f'id="{field}"' in html
    assert 'method="get"' in html and "<script" not in html and "style=" not in html


def test_a_number_without_a_surname_shows_the_form_again_with_the_reason(
    client: FlaskClient,
) -> None:
    code, html = page(client, "/verify", number="KT2400101", lang="en")
    assert code == 422
    assert "surname (or birth date) is required" in html
    assert 'value="KT2400101"' in html


def test_a_garbage_number_shows_the_form_again(client: FlaskClient) -> None:
    code, html = page(client, "/verify", number="<script>alert(1)</script>", surname="X")
    assert code == 400
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_an_empty_verify_is_the_form(client: FlaskClient) -> None:
    code, html = page(client, "/verify")
    assert code == 200 and '<form class="lookup"' in html


def test_the_language_switcher_keeps_the_question(client: FlaskClient) -> None:
    _, html = page(client, "/verify", number="KT2400101", surname="Qodirov", lang="en")
    switcher = re.search(r'<nav class="languages".*?</nav>', html, re.S)
    assert switcher
    links = re.findall(r'href="([^"]+)"', switcher.group(0))
    assert len(links) == 3
    assert all("number=KT2400101" in link and "surname=Qodirov" in link for link in links)
    assert 'aria-current="true">English' in switcher.group(0)


def test_accept_language_chooses_the_page_language(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).get_data(as_text=True)
    assert '<html lang="ru">' in html and "Проверить документ" in html
    assert '<html lang="uz">' in client.get("/").get_data(as_text=True)


def test_pages_are_styled_from_a_static_file_under_a_strict_csp(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    stylesheet = client.get("/static/site.css")
    assert stylesheet.status_code == 200 and "@media print" in stylesheet.get_data(as_text=True)


def test_answer_pages_are_not_cached(client: FlaskClient) -> None:
    response = client.get("/verify", query_string={"number": "KT2400101", "surname": "X"})
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_error_pages_are_html_in_the_chosen_language(client: FlaskClient) -> None:
    response = client.get("/nothing-here", query_string={"lang": "ru"})
    assert response.status_code == 404 and "По этому адресу ничего нет" in response.get_data(
        as_text=True
    )


def test_the_supplement_of_a_revoked_diploma_is_revoked_on_the_page(client: FlaskClient) -> None:
    _, html = page(client, "/verify", number="KTI2400103", surname="Qodirov", lang="en")
    assert "Revoked" in html and "belongs to diploma KT 2400103" in html


def test_a_revoked_answer_never_publishes_the_registrars_note(client: FlaskClient) -> None:
    _, html = page(client, "/verify", number="KT2400103", surname="Qodirov", lang="en")
    assert "final attestation" not in html


def test_a_revoked_answer_shows_the_registry_status_as_the_failed_check(
    client: FlaskClient,
) -> None:
    _, html = page(client, "/verify", number="KT2400103", surname="Qodirov", lang="en")
    assert '<li class="failed">' in html and "Registry status: failed" in " ".join(html.split())
    assert "not in force" in html and "Compare with the paper" not in html


def test_a_replaced_answer_says_replaced_and_what_to_ask_for(client: FlaskClient) -> None:
    _, html = page(client, "/verify", number="KT2400105", surname="Toʻxtayeva", lang="en")
    assert "Replaced" in html and "Superseded" not in html and "Ask the holder" in html


def test_the_answer_shows_the_printed_study_form_and_period(client: FlaskClient) -> None:
    _, html = page(client, "/verify", number="KT2400101", surname="Gʻulomov", lang="en")
    assert "Form of study" in html and "Period" in html


def test_the_invalid_qr_page_offers_a_look_up_by_number(client: FlaskClient) -> None:
    _, html = page(client, "/v/eyJhbGciOiJFZDI1NTE5In0.e30.AAAA", lang="en")
    assert "Check by number instead" in html
