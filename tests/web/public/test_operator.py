"""Who answers: the operator's identity on every public page and on the printed answer."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.support.values import BASE_URL
from verifier.config import Operator
from verifier.runtime import Runtime
from verifier.web.app import create_app
from verifier.web.public.operator import ContactItem, contact_items

pytestmark = pytest.mark.usefixtures("demo_data")

MINISTRY = Operator(
    name={
        "uz": "Oliy taʼlim, fan va innovatsiyalar vazirligi",
        "ru": "Министерство высшего образования, науки и инноваций",
        "en": "Ministry of Higher Education, Science and Innovation",
    },
    legal_basis={"en": "Cabinet of Ministers Resolution No. 123 of 01.02.2025"},
    address={"uz": "Toshkent, Universitet koʻchasi 7", "en": "7 Universitet St, Tashkent"},
    contact="verify@edu.uz, +998 71 246 00 00",
    privacy_url="https://edu.uz/privacy",
)

PAGES = ["/", "/verify?number=KT2400101&surname=Gʻulomov", "/about", "/privacy", "/nothing-here"]


def html_of(client: FlaskClient, path: str, language: str) -> str:
    joiner = "&" if "?" in path else "?"
    return client.get(f"{path}{joiner}lang={language}").text


@pytest.fixture
def official(runtime: Runtime) -> FlaskClient:
    """The site of an installation whose operator is configured."""
    app = create_app(runtime.settings.with_overrides(operator=MINISTRY))
    app.config["TESTING"] = True
    return app.test_client()


def footer(html: str) -> str:
    match = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S)
    assert match, html[-2000:]
    return match.group(0)


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_names_the_operator_its_official_address_and_contact(
    official: FlaskClient, path: str
) -> None:
    html = html_of(official, path, "en")
    assert "Ministry of Higher Education, Science and Innovation" in html.split("<main")[0]
    chrome = footer(html)
    assert "Ministry of Higher Education, Science and Innovation" in chrome
    assert f'<span class="official-url">{BASE_URL}</span>' in chrome
    assert '<a href="mailto:verify@edu.uz">verify@edu.uz</a>' in chrome
    assert '<a href="tel:+998712460000">+998 71 246 00 00</a>' in chrome
    assert "7 Universitet St, Tashkent" in chrome


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_links_to_about_and_privacy(official: FlaskClient, path: str) -> None:
    chrome = footer(html_of(official, path, "ru"))
    assert 'href="/about?lang=ru"' in chrome and 'href="/privacy?lang=ru"' in chrome


def test_the_official_address_is_the_base_url_printed_in_qr_codes(
    official: FlaskClient, runtime: Runtime
) -> None:
    html = official.get("/", query_string={"lang": "en"}).text
    base_url = runtime.settings.base_url
    assert f'<span class="official-url" title="Official address of this service">{base_url}' in html
    assert "Only pages at this address are this service" in footer(html)


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("uz", "Oliy taʼlim, fan va innovatsiyalar vazirligi"),
        ("ru", "Министерство высшего образования, науки и инноваций"),
        ("en", "Ministry of Higher Education, Science and Innovation"),
    ],
)
def test_the_operator_is_named_in_the_pages_language(
    official: FlaskClient, language: str, name: str
) -> None:
    assert name in footer(official.get("/", query_string={"lang": language}).text)


def test_a_language_without_its_own_address_shows_the_uzbek_one(official: FlaskClient) -> None:
    assert "Toshkent, Universitet koʻchasi 7" in footer(
        official.get("/", query_string={"lang": "ru"}).text
    )


def test_a_configured_operator_shows_no_demonstration_banner(official: FlaskClient) -> None:
    html = official.get("/", query_string={"lang": "en"}).text
    assert "demo-banner" not in html and "Demonstration" not in html


@pytest.mark.parametrize("path", PAGES)
def test_without_an_operator_every_page_says_it_is_a_demonstration(
    client: FlaskClient, path: str
) -> None:
    html = html_of(client, path, "en")
    assert '<p class="demo-banner" role="note">' in html
    assert "its answers are not official" in html
    assert "Demonstration operator (a development installation, not an official service)" in footer(
        html
    )


def test_the_printed_answer_keeps_the_operator_and_drops_the_controls(
    official: FlaskClient,
) -> None:
    css = official.get("/static/site.css").text
    print_rules = css[css.index("@media print") :]
    print_rules = print_rules[print_rules.index("{") + 1 : print_rules.index("\n}\n")]
    first_rule = print_rules[: print_rules.index("{")]  # display: none
    first_rule = re.sub(r"/\*.*?\*/", "", first_rule, flags=re.S)
    hidden = {selector.strip() for selector in first_rule.split(",")}
    for control in (".site-header .languages", ".footer-links", "form.lookup", ".upload"):
        assert control in hidden
    shown = (".site-footer", ".site-footer .operator", ".official-url", ".checked-at", ".identity")
    assert hidden.isdisjoint(shown)


def test_a_contact_is_split_into_links_a_phone_can_follow() -> None:
    assert contact_items("verify@edu.uz; +998 (71) 246-00-00, Room 12") == (
        ContactItem("verify@edu.uz", "mailto:verify@edu.uz"),
        ContactItem("+998 (71) 246-00-00", "tel:+998712460000"),
        ContactItem("Room 12", None),
    )


def test_the_privacy_page_links_the_operators_own_notice(official: FlaskClient) -> None:
    html = official.get("/privacy", query_string={"lang": "en"}).text
    assert '<a href="https://edu.uz/privacy">https://edu.uz/privacy</a>' in html


def test_the_about_page_states_the_legal_basis(official: FlaskClient) -> None:
    html = official.get("/about", query_string={"lang": "en"}).text
    assert "Cabinet of Ministers Resolution No. 123 of 01.02.2025" in html


def test_the_qr_landing_page_names_the_operator(
    official: FlaskClient, token_of: Callable[[str], str]
) -> None:
    html = official.get(f"/v/{token_of('KT2400101')}", query_string={"lang": "uz"}).text
    assert "Oliy taʼlim, fan va innovatsiyalar vazirligi" in footer(html)
