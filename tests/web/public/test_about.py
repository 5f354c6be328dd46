"""The about page (who runs the service, what the registry holds, older documents)
and the privacy notice."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support.values import diploma_values
from verifier.config import Settings
from verifier.web.app import create_app
from verifier.web.public import site


def coverage_rows(html: str) -> dict[str, list[str]]:
    """The coverage table as {institution cell: [years, diplomas, supplements, certificates]}."""
    table = re.search(r'<table class="coverage">.*?</table>', html, re.S)
    assert table, html
    rows = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", table.group(0), re.S):
        name = re.sub(r"<[^>]+>", "", row[0]).strip()
        rows[name] = [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)]
    return rows


@pytest.mark.usefixtures("demo_data")
def test_the_about_page_lists_each_institution_with_its_years_and_counts(
    client: FlaskClient,
) -> None:
    html = client.get("/about?lang=en").text
    assert coverage_rows(html) == {
        "Abdulla Avloni National Institute of Pedagogical Mastery (AVLONIY)": [
            "2025",
            "0",
            "0",
            "6",
            "—",
        ],
        "Tashkent Technical College of Information Technologies (TATT)": [
            "2024–2025",
            "13",
            "13",
            "0",
            "3 (2008–2012)",  # archive records, transcribed from the issue books
        ],
    }


@pytest.mark.usefixtures("demo_data")
def test_the_coverage_names_institutions_in_the_pages_language(client: FlaskClient) -> None:
    assert "Ташкентский техникум информационных технологий (TATT)" in coverage_rows(
        client.get("/about?lang=ru").text
    )


def test_an_empty_registry_says_it_holds_nothing_yet(client: FlaskClient) -> None:
    html = client.get("/about?lang=en").text
    assert "The registry holds no documents yet." in html and "<table" not in html


def test_the_coverage_is_kept_briefly_then_recomputed(
    client: FlaskClient, issue: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    issue(diploma_values(number="KT 2400001"))
    assert coverage_rows(client.get("/about?lang=en").text)[
        "Tashkent Technical College of Information Technologies (TATT)"
    ][1:2] == ["1"]
    issue(diploma_values(number="KT 2400002"))
    kept = coverage_rows(client.get("/about?lang=en").text)
    monkeypatch.setattr(site, "COVERAGE_TTL_SECONDS", 0.0)
    fresh = coverage_rows(client.get("/about?lang=en").text)
    college = "Tashkent Technical College of Information Technologies (TATT)"
    assert kept[college][1] == "1" and fresh[college][1] == "2"


def test_the_about_page_works_while_the_database_is_down(tmp_path: Path) -> None:
    down = create_app(
        Settings(
            database_url="postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=1",
            keys_dir=tmp_path / "keys",
            ratelimit="off",
        )
    ).test_client()
    response = down.get("/about?lang=en")
    assert response.status_code == 200
    assert "The registry cannot be reached right now" in response.text
    assert "Demonstration operator" in response.text


def test_the_about_page_says_how_to_ask_about_older_documents(client: FlaskClient) -> None:
    html = client.get("/about?lang=en").text
    assert "does not mean the document is forged" in html
    assert "write to the institution that issued it or to the operator" in html


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_the_about_and_privacy_pages_are_translated(client: FlaskClient, language: str) -> None:
    titles = {
        "uz": ("Xizmat haqida", "Maxfiylik toʻgʻrisida bildirishnoma"),
        "ru": ("О сервисе", "Уведомление о конфиденциальности"),
        "en": ("About this service", "Privacy notice"),
    }[language]
    about = client.get(f"/about?lang={language}").text
    privacy = client.get(f"/privacy?lang={language}").text
    assert f"<h1>{titles[0]}</h1>" in about and f"<h1>{titles[1]}</h1>" in privacy


def test_the_privacy_notice_says_what_is_processed_why_and_for_how_long(
    client: FlaskClient,
) -> None:
    html = client.get("/privacy?lang=en").text
    for heading in (
        "Who is responsible",
        "What is processed, and why",
        "How long it is kept",
        "What the server logs keep",
    ):
        assert f">{heading}</h2>" in html
    assert "not stored" in html
    assert "the logs keep nothing that identifies a document or its holder" in html


def test_the_privacy_notice_quotes_the_default_limits_as_they_are(client: FlaskClient) -> None:
    # If a default changes, the notice's sentence must change with it.
    from verifier.config import DEFAULT_NUMBER_FAILURES, DEFAULT_RATELIMIT

    html = client.get("/privacy?lang=en").text
    assert DEFAULT_RATELIMIT == "60/minute;2000/day" and "60 a minute and 2000 a day" in html
    assert DEFAULT_NUMBER_FAILURES == "10/hour" and "10 wrong attempts an hour" in html


def test_about_and_privacy_pages_are_rate_limited_like_every_public_page(
    settings: Settings,
) -> None:
    app = create_app(settings.with_overrides(ratelimit="2/minute"))
    client = app.test_client()
    codes = [client.get(path).status_code for path in ("/about", "/privacy", "/about")]
    assert codes == [200, 200, 429]
