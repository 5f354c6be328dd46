"""A real browser (Debian's headless Chromium via Playwright) uses the public site,
with JavaScript off, as a clerk or an employer would; screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import ARTIFACTS
from tests.support.servers import Server

pytestmark = pytest.mark.slow


@pytest.fixture
def site(request: pytest.FixtureRequest, database_url: str) -> Server:
    if database_url.startswith("postgresql"):
        pytest.skip("the pages are the same on both databases; driven once, on SQLite")
    server: Server = request.getfixturevalue("live_server")
    return server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # No JavaScript: the site must work without it, and now we know it does.
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    yield context.new_page()
    context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_clerk_looks_a_diploma_up_with_the_keyboard_only(site: Server, page: Page) -> None:
    page.goto(site.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a document")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # site name
    for _ in range(3):  # the language switcher
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Document number")).to_be_focused()
    page.keyboard.type("kt 2400101")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Surname")).to_be_focused()
    page.keyboard.type("Gulomov")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valid")
    expect(
        page.get_by_text("Tashkent Technical College of Information Technologies")
    ).to_be_visible()
    expect(page.get_by_text("Gʻulomov Abdulla Rustam oʻgʻli")).to_be_visible()


def test_a_wrong_surname_is_not_found(site: Server, page: Page) -> None:
    page.goto(site.url + "/")
    page.get_by_label("Document number").fill("KT2400101")
    page.get_by_label("Surname").fill("Karimov")
    page.get_by_role("button", name="Check the document").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Not found")
    expect(page.get_by_text("Abdulla")).to_have_count(0)


def test_a_phone_opens_a_documents_qr_url(
    site: Server, browser: Browser, token_of: Callable[[str], str]
) -> None:
    context = browser.new_context(
        java_script_enabled=False,
        locale="uz-UZ",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
    )
    phone = context.new_page()
    phone.goto(f"{site.url}/v/{token_of('KT2400101')}")
    expect(phone.locator("html")).to_have_attribute("lang", "uz")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Haqiqiy")
    expect(phone.get_by_text("Toshkent axborot texnologiyalari texnikumi")).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(phone, "qr-landing-phone-uz")
    context.close()


def test_the_revoked_qr_url_says_revoked(
    site: Server, page: Page, token_of: Callable[[str], str]
) -> None:
    page.goto(f"{site.url}/v/{token_of('KT2400103')}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revoked")
    expect(page.get_by_text("Issued in error")).to_be_visible()


def test_the_language_switcher_translates_the_answer(site: Server, page: Page) -> None:
    page.goto(f"{site.url}/verify?number=KT2400101&surname=Gʻulomov")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valid")
    shot(page, "answer-valid-en")
    page.get_by_role("link", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Действителен")
    expect(page.get_by_text("Ташкентский техникум информационных технологий")).to_be_visible()
    shot(page, "answer-valid-ru")
    page.get_by_role("link", name="Oʻzbekcha").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Haqiqiy")
    shot(page, "answer-valid-uz")


@pytest.mark.parametrize(
    ("name", "number", "surname", "word"),
    [
        ("revoked", "KT2400103", "Qodirov", "Revoked"),
        ("superseded", "KT2400105", "Toʻxtayeva", "Replaced"),
        ("not-found", "KT2400101", "Karimov", "Not found"),
    ],
)
def test_screenshots_of_the_other_answers(
    site: Server, page: Page, name: str, number: str, surname: str, word: str
) -> None:
    page.goto(f"{site.url}/verify?number={number}&surname={surname}&lang=en")
    expect(page.get_by_role("heading", level=1)).to_contain_text(word)
    shot(page, f"answer-{name}-en")


def test_the_answer_prints_without_the_form_and_switcher(site: Server, page: Page) -> None:
    page.goto(f"{site.url}/verify?number=KT2400101&surname=Gʻulomov")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Language")).to_be_hidden()
    expect(page.get_by_role("link", name="Check another document")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
